import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../../src/core/chart/archive.ts';
import { buildChartArtifact, chartReference, MEDIA_TYPE, sha256 } from '../../../src/core/chart/oci.ts';
import { type ChartPackage, packageChart } from '../../../src/core/chart/package.ts';
import { type ChartRegistry, ChartVersionExistsError, pushChart } from '../../../src/core/chart/push.ts';
import { ensureChartRepository } from '../../../src/core/chart/repository.ts';
import { UserError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/log.ts';

const HELLO = join(import.meta.dirname, '../../fixtures/charts/hello');

/** An in-memory registry that records every call. */
class FakeRegistry implements ChartRegistry {
  blobs = new Map<string, Buffer>();
  manifests = new Map<string, Buffer>();
  calls: string[] = [];

  async getManifest(repository: string, ref: string) {
    this.calls.push(`GET manifest ${repository}:${ref}`);
    const body = this.manifests.get(`${repository}:${ref}`);
    return body ? { digest: sha256(body), mediaType: MEDIA_TYPE.manifest, body } : undefined;
  }
  async getBlob(repository: string, digest: string) {
    this.calls.push(`GET blob ${repository}@${digest}`);
    const data = this.blobs.get(digest);
    if (!data) throw new Error('no blob');
    return data;
  }
  async uploadBlob(repository: string, data: Buffer) {
    this.calls.push(`PUT blob ${repository}@${sha256(data)}`);
    this.blobs.set(sha256(data), data);
    return { digest: sha256(data), size: data.length };
  }
  async putManifest(repository: string, ref: string, body: Buffer) {
    this.calls.push(`PUT manifest ${repository}:${ref}`);
    this.manifests.set(`${repository}:${ref}`, body);
    return sha256(body);
  }
  writes() {
    return this.calls.filter((c) => c.startsWith('PUT'));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ga-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const target = chartReference('registry.example', 'charts', 'hello', '0.3.0');
const options = {
  ifExists: 'fail' as const,
  dryRun: false,
  log: silentLogger,
  versionSource: "'version' in Chart.yaml",
};
let base: ChartPackage;
const artifactOf = (pkg: ChartPackage, time = 1764000000) =>
  buildChartArtifact(pkg.archive, pkg.metadata, new Date(time * 1000));

beforeAll(async () => {
  base = await packageChart(HELLO, 'hello', { appVersion: '1.0.0' });
});

describe('pushChart', () => {
  it('pushes blobs, then the manifest under the version tag, when the tag is free', async () => {
    const registry = new FakeRegistry();
    const artifact = artifactOf(base);
    const result = await pushChart(registry, target, artifact, base.entries, options);
    expect(result).toEqual({ outcome: 'pushed', pushed: true, digest: artifact.digest });
    expect(registry.calls).toEqual([
      'GET manifest charts/hello:0.3.0',
      `PUT blob charts/hello@${artifact.config.descriptor.digest}`,
      `PUT blob charts/hello@${artifact.layer.descriptor.digest}`,
      'PUT manifest charts/hello:0.3.0',
    ]);
  });

  it('same chart again (another commit time): unchanged, nothing written, existing digest', async () => {
    const registry = new FakeRegistry();
    const first = artifactOf(base, 1764000000);
    await pushChart(registry, target, first, base.entries, options);
    registry.calls = [];
    const again = artifactOf(base, 1764999999);
    expect(again.digest).not.toBe(first.digest); // `created` differs...
    const result = await pushChart(registry, target, again, base.entries, options);
    expect(result).toEqual({ outcome: 'unchanged', pushed: false, digest: first.digest }); // ...content does not
    expect(registry.writes()).toEqual([]);
    // Identical layer bytes are recognised without downloading the layer.
    expect(registry.calls).toEqual(['GET manifest charts/hello:0.3.0']);
  });

  it('same content in a differently built archive (other mtimes, order): unchanged after comparing files', async () => {
    const registry = new FakeRegistry();
    // What Helm would have pushed: same files, other timestamps and entry order.
    const helmish = buildArchive([...base.entries].reverse(), 1700000000);
    const helmArtifact = buildChartArtifact(helmish, base.metadata, new Date(0));
    await pushChart(registry, target, helmArtifact, base.entries, options);
    registry.calls = [];
    const result = await pushChart(registry, target, artifactOf(base), base.entries, options);
    expect(result.outcome).toBe('unchanged');
    expect(result.digest).toBe(helmArtifact.digest);
    expect(registry.calls).toEqual([
      'GET manifest charts/hello:0.3.0',
      `GET blob charts/hello@${helmArtifact.layer.descriptor.digest}`,
    ]);
  });

  it('different content under the same version: fails naming the first differing file, writes nothing', async () => {
    const registry = new FakeRegistry();
    await pushChart(registry, target, artifactOf(base), base.entries, options);
    const changedDir = join(dir, 'changed');
    cpSync(HELLO, changedDir, { recursive: true });
    writeFileSync(join(changedDir, 'templates', 'configmap.yaml'), 'changed: true\n');
    const changed = await packageChart(changedDir, 'changed', { appVersion: '1.0.0' });
    registry.calls = [];
    const error = await pushChart(registry, target, artifactOf(changed), changed.entries, options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChartVersionExistsError);
    expect((error as Error).message).toBe(
      'oci://registry.example/charts/hello:0.3.0 already exists with different content (hello/templates/configmap.yaml differs). ' +
        "A pushed chart version must not change under its users: bump the chart version ('version' in Chart.yaml), " +
        'or set `if-exists: skip` to keep the chart already pushed',
    );
    expect(registry.writes()).toEqual([]);
  });

  it('a new app version is a content change too (Chart.yaml differs)', async () => {
    const registry = new FakeRegistry();
    await pushChart(registry, target, artifactOf(base), base.entries, options);
    const bumped = await packageChart(HELLO, 'hello', { appVersion: '2.0.0' });
    const error = await pushChart(registry, target, artifactOf(bumped), bumped.entries, options).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('(hello/Chart.yaml differs)');
  });

  it('if-exists: skip leaves different content alone and reports the existing digest', async () => {
    const registry = new FakeRegistry();
    const first = artifactOf(base);
    await pushChart(registry, target, first, base.entries, options);
    const bumped = await packageChart(HELLO, 'hello', { appVersion: '2.0.0' });
    registry.calls = [];
    const result = await pushChart(registry, target, artifactOf(bumped), bumped.entries, {
      ...options,
      ifExists: 'skip',
    });
    expect(result).toMatchObject({ outcome: 'skipped-different', pushed: false, digest: first.digest });
    expect(result.difference).toEqual({ path: 'hello/Chart.yaml', kind: 'changed' });
    expect(registry.writes()).toEqual([]);
  });

  it('dry run: reads only, reports the digest it would push', async () => {
    const registry = new FakeRegistry();
    const artifact = artifactOf(base);
    const result = await pushChart(registry, target, artifact, base.entries, { ...options, dryRun: true });
    expect(result).toEqual({ outcome: 'would-push', pushed: false, digest: artifact.digest });
    expect(registry.writes()).toEqual([]);
  });

  it('refuses to judge a tag that is not a Helm chart', async () => {
    const registry = new FakeRegistry();
    registry.manifests.set(
      'charts/hello:0.3.0',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json' },
          layers: [],
        }),
      ),
    );
    await expect(pushChart(registry, target, artifactOf(base), base.entries, options)).rejects.toThrow(
      /^oci:\/\/registry\.example\/charts\/hello:0\.3\.0 exists and is not a Helm chart \(config media type application\/vnd\.oci\.image\.config\.v1\+json\)/,
    );
  });
});

describe('ensureChartRepository (ECR)', () => {
  const api = (exists: boolean) => {
    const created: unknown[] = [];
    return {
      created,
      repositoryExists: async () => exists,
      createRepository: async (name: string, settings: unknown) => {
        created.push([name, settings]);
        return true;
      },
    };
  };
  const opts = {
    create: false,
    dryRun: false,
    log: silentLogger,
    host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  };

  it('an existing repository is used as is', async () => {
    expect(await ensureChartRepository(api(true), 'charts/hello', opts)).toBe('exists');
  });

  it('a missing repository is an error naming it, unless create-repository', async () => {
    const error = await ensureChartRepository(api(false), 'charts/hello', opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^ECR repository 'charts\/hello' does not exist in 123456789012\.dkr\.ecr/,
    );
    expect((error as Error).message).toContain('create-repository: true');
  });

  it('create-repository creates it with immutable tags; a dry run only says so', async () => {
    const a = api(false);
    expect(await ensureChartRepository(a, 'charts/hello', { ...opts, create: true })).toBe('created');
    expect(a.created).toEqual([['charts/hello', { immutable: true, scanOnPush: false }]]);
    const b = api(false);
    expect(await ensureChartRepository(b, 'charts/hello', { ...opts, create: true, dryRun: true })).toBe(
      'would-create',
    );
    expect(b.created).toEqual([]);
  });
});
