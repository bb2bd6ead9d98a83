/**
 * package-push-chart end to end on real parts: the GitHub bundle run as the runner runs it, a real
 * registry (docker-registry, htpasswd) behind a recording proxy (so we can see that a re-run uploads
 * nothing), and the local STS/ECR server reached by the real AWS SDK for the ECR path.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readArchive } from '../../src/core/chart/archive.ts';
import { exec } from '../../src/core/util/exec.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { type GitHubRunResult, runAsGitHub } from '../harness/github-runner.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { gitWorkspace, type Workspace } from '../harness/workspace.ts';

const bundle = resolve('dist/package-push-chart/index.js');
const roleArn = 'arn:aws:iam::123456789012:role/ci-charts';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_CHART = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** Forwards to the registry and records every request (method and path), keeping the Host header. */
async function recordingProxy(
  target: string,
): Promise<{ host: string; log: string[]; close(): Promise<void> }> {
  const log: string[] = [];
  const [hostname, port] = target.split(':');
  const server: Server = createServer((req, res) => {
    log.push(`${req.method} ${req.url?.replace(/\?.*$/, '')}`);
    const upstream = httpRequest(
      { hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

let registry: RegistryHandle;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let aws: AwsServer;
let dir: string;
let app: Workspace;

beforeAll(async () => {
  dir = makeTempDir('ga-chart');
  registry = await startRegistry({ auth: true });
  proxy = await recordingProxy(registry.host);
  aws = await startAwsServer({ roleArn, registry: { host: proxy.host, ecrPassword: registry.ecrPassword } });
  // The golden-path layout: the chart in charts/<name>/ of the application repository.
  const source = join(dir, 'source');
  mkdirSync(join(source, 'charts'), { recursive: true });
  cpSync(resolve('test/fixtures/charts/hello'), join(source, 'charts', 'hello'), { recursive: true });
  app = await gitWorkspace(source, join(dir, 'app'));
});

afterAll(async () => {
  await aws?.stop();
  await proxy?.close();
  await registry?.stop();
  if (dir) removeDir(dir);
});

const registryInputs = () => ({
  registry: proxy.host,
  'registry-username': registry.username,
  'registry-password': registry.password,
});

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<GitHubRunResult> {
  return runAsGitHub(bundle, {
    cwd: app.dir,
    inputs,
    env: { GITHUB_SHA: app.sha, GITHUB_REF: 'refs/heads/main', ...env },
  });
}

/** Reads straight from the registry (not through the proxy), as a client pulling the chart would. */
async function registryGet(path: string, accept?: string): Promise<Response> {
  return fetch(`${registry.url}/v2/${path}`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      ...(accept ? { accept } : {}),
    },
  });
}

async function servedManifest(repository: string, tag: string) {
  const res = await registryGet(
    `${repository}/manifests/${tag}`,
    'application/vnd.oci.image.manifest.v1+json',
  );
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return {
    digest: res.headers.get('docker-content-digest'),
    contentType: res.headers.get('content-type'),
    body: (await res.json()) as {
      schemaVersion: number;
      mediaType?: string;
      config: { mediaType: string; digest: string };
      layers: { mediaType: string; digest: string }[];
      annotations: Record<string, string>;
    },
  };
}

/** Requests that write to the registry. */
const writes = (log: string[]) => log.filter((line) => /^(PUT|POST|PATCH|DELETE) /.test(line));

function expectNoSecrets(result: GitHubRunResult): void {
  const text = `${result.stdout}${result.stderr}${result.summary}`.replace(/^::add-mask::.*$/gm, '');
  expect(text).not.toContain(registry.password);
  expect(text).not.toContain(registry.ecrPassword);
}

describe('package-push-chart to a registry with htpasswd auth', () => {
  let first: GitHubRunResult;

  it('packages charts/hello and pushes it as Helm would, with every output set', async () => {
    first = await run({ ...registryInputs(), 'app-version': '1764000000-abc1234' });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({
      name: 'hello',
      version: '0.3.0',
      ref: `oci://${proxy.host}/charts/hello:0.3.0`,
      pushed: 'true',
    });
    expect(first.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expectNoSecrets(first);
  });

  it("the registry serves a manifest with Helm's media types under tag = version, digest = the output", async () => {
    const manifest = (await servedManifest('charts/hello', '0.3.0'))!;
    expect(manifest.digest).toBe(first.outputs.digest);
    expect(manifest.contentType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.body.mediaType).toBeUndefined(); // Helm never sets it
    expect(manifest.body.config.mediaType).toBe(HELM_CONFIG);
    expect(manifest.body.layers.map((l) => l.mediaType)).toEqual([HELM_CHART]);
    expect(manifest.body.annotations).toMatchObject({
      'org.opencontainers.image.title': 'hello',
      'org.opencontainers.image.version': '0.3.0',
      // Commit time of the workspace's commit: the same on every re-run.
      'org.opencontainers.image.created': new Date(app.commitTime * 1000).toISOString().replace('.000Z', 'Z'),
      'org.opencontainers.image.authors': 'Platform Team (platform@example.com)',
      'artifacthub.io/license': 'MIT',
    });
    const config = (await (
      await registryGet(`charts/hello/blobs/${manifest.body.config.digest}`)
    ).json()) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual([
      'name',
      'version',
      'description',
      'keywords',
      'maintainers',
      'apiVersion',
      'appVersion',
      'annotations',
      'dependencies',
      'type',
    ]);
    expect(config.appVersion).toBe('1764000000-abc1234');
  });

  it('the layer un-tars to hello/Chart.yaml with the overridden appVersion', async () => {
    const manifest = (await servedManifest('charts/hello', '0.3.0'))!;
    const layer = Buffer.from(
      await (await registryGet(`charts/hello/blobs/${manifest.body.layers[0]!.digest}`)).arrayBuffer(),
    );
    const files = await readArchive(layer);
    expect(files[0]!.name).toBe('hello/Chart.yaml');
    expect(files.every((f) => f.name.startsWith('hello/'))).toBe(true);
    expect(files.map((f) => f.name)).toContain('hello/charts/common/Chart.yaml');
    expect(files.map((f) => f.name)).not.toContain('hello/docs/design.md'); // .helmignore
    const chart = parse(files[0]!.data.toString()) as Record<string, unknown>;
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: 'hello',
      version: '0.3.0',
      appVersion: '1764000000-abc1234',
    });
    // The system tar reads it too.
    const tgz = join(dir, 'pulled.tgz');
    writeFileSync(tgz, layer);
    const listing = (await exec('tar', ['-tzf', tgz])).stdout.trim().split('\n');
    expect(listing).toEqual(files.map((f) => f.name));
  });

  it('writes a job summary table', () => {
    expect(first.summary).toContain('### Helm chart hello 0.3.0');
    expect(first.summary).toContain(`| Reference | \`oci://${proxy.host}/charts/hello:0.3.0\` |`);
    expect(first.summary).toContain(`| Digest | \`${first.outputs.digest}\` |`);
    expect(first.summary).toContain('| Result | pushed |');
  });

  it('re-run: pushed=false, same digest, nothing uploaded', async () => {
    proxy.log.length = 0;
    const again = await run({ ...registryInputs(), 'app-version': '1764000000-abc1234' });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ pushed: 'false', digest: first.outputs.digest });
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(writes(proxy.log)).toEqual([]);
    expect(again.summary).toContain('already in the registry with the same content');
  });

  it('changed template, same version: fails with the bump hint, nothing pushed', async () => {
    writeFileSync(
      join(app.dir, 'charts/hello/templates/configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\n',
    );
    proxy.log.length = 0;
    const changed = await run({ ...registryInputs(), 'app-version': '1764000000-abc1234' });
    expect(changed.code).not.toBe(0);
    const output = changed.stdout + changed.stderr;
    expect(output).toContain(
      `oci://${proxy.host}/charts/hello:0.3.0 already exists with different content (hello/templates/configmap.yaml differs)`,
    );
    expect(output).toContain(
      "bump the chart version ('version' in charts/hello/Chart.yaml, or the 'version' input)",
    );
    expect(writes(proxy.log)).toEqual([]);
    expect((await servedManifest('charts/hello', '0.3.0'))!.digest).toBe(first.outputs.digest);
  });

  it('if-exists: skip keeps the pushed chart and succeeds with pushed=false', async () => {
    proxy.log.length = 0;
    const skipped = await run({
      ...registryInputs(),
      'app-version': '1764000000-abc1234',
      'if-exists': 'skip',
    });
    expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0);
    expect(skipped.outputs).toMatchObject({ pushed: 'false', digest: first.outputs.digest });
    expect(writes(proxy.log)).toEqual([]);
  });

  it('dry run of a new version (with build metadata): says what it would push, writes nothing', async () => {
    proxy.log.length = 0;
    const dry = await run({ ...registryInputs(), version: '0.3.1+build.7', 'dry-run': 'true' });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.outputs).toMatchObject({
      version: '0.3.1+build.7',
      ref: `oci://${proxy.host}/charts/hello:0.3.1_build.7`,
      pushed: 'false',
    });
    expect(dry.stdout).toContain(
      `Dry run: would push oci://${proxy.host}/charts/hello:0.3.1_build.7 (manifest ${dry.outputs.digest}`,
    );
    expect(writes(proxy.log)).toEqual([]);
    expect(await servedManifest('charts/hello', '0.3.1_build.7')).toBeUndefined();
  });

  it('a + version is pushed under the _ tag', async () => {
    const pushed = await run({ ...registryInputs(), version: '0.3.1+build.7' });
    expect(pushed.code, pushed.stdout + pushed.stderr).toBe(0);
    expect((await servedManifest('charts/hello', '0.3.1_build.7'))!.digest).toBe(pushed.outputs.digest);
  });

  it('bad inputs fail before any registry call, naming the input', async () => {
    proxy.log.length = 0;
    const outside = await run({ ...registryInputs(), chart: '../elsewhere' });
    expect(outside.code).not.toBe(0);
    expect(outside.stdout + outside.stderr).toMatch(
      /Input 'chart': \.\.\/elsewhere is outside the workspace /,
    );
    const version = await run({ ...registryInputs(), version: 'v1.2' });
    expect(version.code).not.toBe(0);
    expect(version.stdout + version.stderr).toContain(
      "Input 'version': 'v1.2' is not a strict semantic version",
    );
    expect(proxy.log).toEqual([]);
  });
});

describe('package-push-chart to ECR (OIDC -> STS -> ECR)', () => {
  const ecrInputs = (extra: Record<string, string> = {}) => ({
    'role-to-assume': roleArn,
    'aws-region': 'eu-west-1',
    namespace: 'team/charts',
    version: '0.4.0',
    ...extra,
  });

  it('a missing repository is a clear error naming it; nothing is pushed', async () => {
    proxy.log.length = 0;
    const result = await run(ecrInputs(), aws.env());
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("ECR repository 'team/charts/hello' does not exist");
    expect(writes(proxy.log)).toEqual([]);
    expectNoSecrets(result);
  });

  it('dry run with create-repository: would create and push, creates nothing', async () => {
    const result = await run(ecrInputs({ 'create-repository': 'true', 'dry-run': 'true' }), aws.env());
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.pushed).toBe('false');
    expect(aws.repositories.has('team/charts/hello')).toBe(false);
    expect(result.summary).toContain('dry run: would create the ECR repository and push');
  });

  it('create-repository: creates it with immutable tags and pushes', async () => {
    const result = await run(ecrInputs({ 'create-repository': 'true' }), aws.env());
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(aws.repositories.get('team/charts/hello')?.immutable).toBe(true);
    expect(result.outputs).toMatchObject({
      ref: `oci://${proxy.host}/team/charts/hello:0.4.0`,
      pushed: 'true',
    });
    expect((await servedManifest('team/charts/hello', '0.4.0'))!.digest).toBe(result.outputs.digest);
    const operations = aws.requests.filter((r) => r.service === 'ecr').map((r) => r.operation);
    expect(operations).toContain('CreateRepository');
    expectNoSecrets(result);
  });
});
