/**
 * The Flux check end to end through the GitHub bundles, as the runner runs them: one run per finding
 * kind with the default (`warn`: annotated, the step goes on) and one with `flux-check: fail` (the
 * step fails before anything is pushed or committed), on a real registry and real git remotes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, sha256Digest } from '../../src/core/registry/client.ts';
import { type BaseImage, baseImage } from '../harness/base-image.ts';
import { buildahEnv } from '../harness/buildah.ts';
import { type GitHubRunResult, runAsGitHub } from '../harness/github-runner.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { gitWorkspace, type Workspace } from '../harness/workspace.ts';

const bundle = (name: string) => resolve(`dist/${name}/index.js`);
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

let registry: RegistryHandle;
let base: BaseImage;
let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = makeTempDir('ga-flux');
  registry = await startRegistry({ auth: false });
  base = await baseImage(registry);
});

afterAll(async () => {
  await registry?.stop();
  if (dir) removeDir(dir);
});

/** A git workspace holding `files` (and whatever `extra` copies in). */
async function workspace(files: Record<string, string>, extra?: (root: string) => void): Promise<Workspace> {
  const source = join(dir, `source-${counter++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(source, path)), { recursive: true });
    writeFileSync(join(source, path), text);
  }
  extra?.(source);
  return gitWorkspace(source, join(dir, `ws-${counter++}`));
}

function run(name: string, ws: Workspace, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAsGitHub(bundle(name), {
    cwd: ws.dir,
    inputs,
    env: { GITHUB_SHA: ws.sha, GITHUB_REF: 'refs/heads/main', ...env },
  });
}

/** The annotations of the Flux check: `[level, kind, file:line]`. */
function annotations(result: GitHubRunResult): string[][] {
  return [
    ...result.stdout.matchAll(/^::(warning|error) file=([^,]+),line=(\d+),title=Flux%3A ([a-z-]+)::/gm),
  ].map((m) => [m[1]!, m[4]!, `${m[2]}:${m[3]}`]);
}

const imageRepository = (image: string) => `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: { name: my-app, namespace: flux-system }
spec: { image: ${image} }
`;
const imagePolicy = (filter = '^(?P<ts>[1-9][0-9]*)-[0-9a-f]{7}$') => `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: { name: my-app, namespace: flux-system }
spec:
  imageRepositoryRef: { name: my-app }
  filterTags:
    pattern: '${filter}'
    extract: '$ts'
  policy: { numerical: { order: asc } }
`;
const values = (image: string, tag: string, policy = 'my-app') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: my-app, namespace: my-app }
spec:
  values:
    image:
      repository: ${image} # {"$imagepolicy": "flux-system:${policy}:name"}
      tag: ${tag} # {"$imagepolicy": "flux-system:${policy}:tag"}
`;
const helmRelease = (
  chart: string,
  version: string,
  source = 'charts',
) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: ${chart}, namespace: apps }
spec:
  chart:
    spec:
      chart: ${chart}
      version: "${version}"
      sourceRef: { kind: HelmRepository, name: ${source} }
`;
const helmRepository = (url: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: charts, namespace: apps }
spec: { type: oci, url: "${url}" }
`;

describe('verify-paths-filter: the whole wiring', () => {
  const IMAGE = 'registry.example/my-app';
  const wired = {
    'deploy/imagerepository.yaml': imageRepository(IMAGE),
    'deploy/imagepolicy.yaml': imagePolicy(),
  };
  const cases: { kind: string; files: Record<string, string>; at: string | string[] }[] = [
    {
      kind: 'policy-missing', // both markers (image name and tag) name the missing policy
      files: { 'deploy/values.yaml': values(IMAGE, '1735689600-3f2c1ab') },
      at: ['deploy/values.yaml:7', 'deploy/values.yaml:8'],
    },
    {
      kind: 'repository-missing',
      files: { 'deploy/imagepolicy.yaml': imagePolicy() },
      at: 'deploy/imagepolicy.yaml:1',
    },
    {
      kind: 'image-mismatch',
      files: { ...wired, 'deploy/values.yaml': values('registry.example/old-name', '1735689600-3f2c1ab') },
      at: 'deploy/values.yaml:7',
    },
    {
      kind: 'tag-filtered',
      files: { ...wired, 'deploy/values.yaml': values(IMAGE, 'latest') },
      at: 'deploy/values.yaml:8',
    },
    {
      kind: 'source-missing',
      files: { 'deploy/release.yaml': helmRelease('hello', '1.x') },
      at: 'deploy/release.yaml:1',
    },
    {
      kind: 'invalid-spec',
      files: {
        'deploy/release.yaml': helmRelease('hello', '1.x.y'),
        'deploy/source.yaml': helmRepository('oci://r.example/charts'),
      },
      at: 'deploy/release.yaml:8',
    },
  ];

  for (const c of cases) {
    it(`${c.kind}: warns by default, fails with flux-check: fail`, async () => {
      const ws = await workspace(c.files);
      const warned = await run('verify-paths-filter', ws, {});
      expect(warned.code, warned.stdout).toBe(0);
      const at = [c.at].flat();
      expect(annotations(warned)).toEqual(at.map((where) => ['warning', c.kind, where]));
      expect(warned.summary).toContain('### What Flux will deploy');
      expect(warned.outputs['loop-risk']).toBe('false');

      const failed = await run('verify-paths-filter', ws, { 'flux-check': 'fail' });
      expect(failed.code).toBe(1);
      expect(annotations(failed)).toEqual(at.map((where) => ['error', c.kind, where]));
      expect(failed.stdout).toMatch(/::error::Flux check: \d findings? \(see the annotations\)/);
      expect(failed.outputs['loop-risk']).toBe('false');

      const off = await run('verify-paths-filter', ws, { 'flux-check': 'off' });
      expect(off.code).toBe(0);
      expect(annotations(off)).toEqual([]);
    });
  }

  it('examples/my-app and examples/separate-gitops: no finding', async () => {
    for (const example of ['examples/my-app', 'examples/separate-gitops']) {
      const ws = await workspace({}, (root) => cpSync(resolve(example), root, { recursive: true }));
      const result = await run('verify-paths-filter', ws, { 'flux-check': 'fail' });
      expect(result.code, `${example}\n${result.stdout}`).toBe(0);
      expect(annotations(result)).toEqual([]);
    }
  });
});

describe('package-push-chart: the version and the source of the HelmReleases', () => {
  const chartSource = (root: string) =>
    cpSync(resolve('test/fixtures/charts/hello'), join(root, 'charts', 'hello'), { recursive: true });
  const versions = async (namespace: string) => {
    const res = await fetch(`${registry.url}/v2/${namespace}/hello/tags/list`);
    return res.status === 404 ? [] : ((await res.json()) as { tags: string[] }).tags;
  };

  const cases = [
    {
      kind: 'chart-out-of-range',
      range: '0.1.x',
      url: (ns: string) => `oci://${registry.host}/${ns}`,
      at: 'deploy/release.yaml:8',
    },
    {
      kind: 'source-elsewhere',
      range: '0.x',
      url: () => `oci://${registry.host}/elsewhere`,
      at: 'deploy/source.yaml:4',
    },
  ];
  for (const c of cases) {
    it(`${c.kind}: warns and pushes by default; fails and pushes nothing with flux-check: fail`, async () => {
      const failNs = `fail-${counter}`;
      const warnNs = `warn-${counter}`;
      const wsFor = (ns: string) =>
        workspace(
          {
            'deploy/release.yaml': helmRelease('hello', c.range),
            'deploy/source.yaml': helmRepository(c.url(ns)),
          },
          chartSource,
        );

      const failed = await run('package-push-chart', await wsFor(failNs), {
        registry: registry.host,
        namespace: failNs,
        'flux-check': 'fail',
      });
      expect(failed.code).toBe(1);
      expect(annotations(failed)).toEqual([['error', c.kind, c.at]]);
      expect(failed.stdout).toMatch(/nothing was pushed/);
      expect(await versions(failNs)).toEqual([]);

      const warned = await run('package-push-chart', await wsFor(warnNs), {
        registry: registry.host,
        namespace: warnNs,
      });
      expect(warned.code, warned.stdout).toBe(0);
      expect(annotations(warned)).toEqual([['warning', c.kind, c.at]]);
      expect(warned.outputs.pushed).toBe('true');
      expect(await versions(warnNs)).toEqual(['0.3.0']);
      expect(warned.summary).toContain('### What Flux will deploy');
    });
  }

  it('a release whose range admits the chart: no finding, and the summary says which version Flux picks', async () => {
    const ns = `ok-${counter}`;
    const ws = await workspace(
      {
        'deploy/release.yaml': helmRelease('hello', '>=0.1.0 <1.0.0'),
        'deploy/source.yaml': helmRepository(`oci://${registry.host}/${ns}`),
      },
      chartSource,
    );
    const result = await run('package-push-chart', ws, {
      registry: registry.host,
      namespace: ns,
      'flux-check': 'fail',
    });
    expect(result.code, result.stdout).toBe(0);
    expect(annotations(result)).toEqual([]);
    expect(result.summary).toContain("| `version '>=0.1.0 <1.0.0'` | `0.3.0` |");
  });
});

describe('build-push-image: the primary tag against the ImagePolicy and the registry', () => {
  const builderEnv = () => buildahEnv(join(dir, 'buildah'));
  const app = (image: string, filter?: string) =>
    workspace({
      'app/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY greeting.txt /greeting.txt\n',
      'app/greeting.txt': 'hello\n',
      'deploy/imagerepository.yaml': imageRepository(image),
      'deploy/imagepolicy.yaml': imagePolicy(filter),
    });
  /** Puts a tiny image under `tag`, as an earlier build would have. */
  async function seed(repository: string, tag: string) {
    const client = new RegistryClient(registry.host);
    const config = await client.uploadBlob(repository, Buffer.from('{"architecture":"amd64","os":"linux"}'));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [],
      }),
    );
    await client.putManifest(repository, tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
    return sha256Digest(manifest);
  }
  const tagsOf = (repository: string) => new RegistryClient(registry.host).tags(repository);
  const inputs = (repository: string, extra: Record<string, string> = {}) => ({
    repository,
    context: 'app',
    builder: 'buildah',
    registry: registry.host,
    'build-args': `BASE_IMAGE=${base.ref}`,
    ...extra,
  });

  it('tag-not-newer: the tag ranks below what the policy selects now; warns and pushes, or fails before building', async () => {
    const repository = 'flux/older';
    await seed(repository, '1800000000-aaaaaaa'); // newer than the workspace commit (1764000000)
    const ws = await app(`${registry.host}/${repository}`);
    const failed = await run(
      'build-push-image',
      ws,
      inputs(repository, { 'flux-check': 'fail' }),
      builderEnv(),
    );
    expect(failed.code).toBe(1);
    expect(annotations(failed)).toEqual([['error', 'tag-not-newer', 'deploy/imagepolicy.yaml:7']]);
    expect(failed.stdout).toMatch(/nothing was built or pushed/);
    expect(await tagsOf(repository)).toEqual(['1800000000-aaaaaaa']);

    const warned = await run('build-push-image', ws, inputs(repository), builderEnv());
    expect(warned.code, warned.stdout).toBe(0);
    expect(annotations(warned)).toEqual([['warning', 'tag-not-newer', 'deploy/imagepolicy.yaml:7']]);
    expect((await tagsOf(repository)).sort()).toEqual(
      ['1764000000-' + ws.sha.slice(0, 7), '1800000000-aaaaaaa'].sort(),
    );
    expect(warned.summary).toMatch(/\| ImagePolicy flux-system\/my-app .*\| `1800000000-aaaaaaa` \|/);
  });

  it('tag-filtered: the policy never selects the tag; warns and pushes, or fails before building', async () => {
    const repository = 'flux/filtered';
    const ws = await app(`${registry.host}/${repository}`, '^v(?P<ts>[0-9]+)$');
    const failed = await run(
      'build-push-image',
      ws,
      inputs(repository, { 'flux-check': 'fail' }),
      builderEnv(),
    );
    expect(failed.code).toBe(1);
    expect(annotations(failed)).toEqual([['error', 'tag-filtered', 'deploy/imagepolicy.yaml:7']]);
    expect(await tagsOf(repository)).toEqual([]);

    const warned = await run('build-push-image', ws, inputs(repository), builderEnv());
    expect(warned.code, warned.stdout).toBe(0);
    expect(annotations(warned)).toEqual([['warning', 'tag-filtered', 'deploy/imagepolicy.yaml:7']]);
    expect(await tagsOf(repository)).toEqual([`1764000000-${ws.sha.slice(0, 7)}`]);
  });
});

describe('bump-gitops-tag: the new tag against the marker it replaces', () => {
  const IMAGE = 'registry.example/my-app';
  function gitopsRemote(files: Record<string, string>): { url: string; head: () => string } {
    const bare = join(dir, `gitops-${counter++}.git`);
    const seed = join(dir, `seed-${counter++}`);
    const git = (cwd: string, args: string[]) =>
      execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
    mkdirSync(bare, { recursive: true });
    git(bare, ['init', '-q', '--bare', '-b', 'main']);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(seed, path)), { recursive: true });
      writeFileSync(join(seed, path), text);
    }
    git(seed, ['init', '-q', '-b', 'main']);
    git(seed, ['add', '-A']);
    git(seed, ['commit', '-q', '-m', 'gitops']);
    git(seed, ['push', '-q', bare, 'HEAD:refs/heads/main']);
    return { url: `file://${bare}`, head: () => git(bare, ['rev-parse', 'main']) };
  }
  const files = {
    'deploy/common/imagerepository.yaml': imageRepository(IMAGE),
    'deploy/common/imagepolicy.yaml': imagePolicy(),
    'deploy/production/values.yaml': values(IMAGE, '1735689600-3f2c1ab'),
  };

  it('tag-not-newer: warns and keeps the newer tag by default; fails and commits nothing with flux-check: fail', async () => {
    const remote = gitopsRemote(files);
    const before = remote.head();
    const ws = await workspace({ 'README.md': 'app\n' });
    const bump = (extra: Record<string, string> = {}) =>
      run('bump-gitops-tag', ws, {
        repository: remote.url,
        image: IMAGE,
        tag: '1700000000-abcdef1',
        ...extra,
      });

    const failed = await bump({ 'flux-check': 'fail' });
    expect(failed.code).toBe(1);
    expect(annotations(failed)).toEqual([['error', 'tag-not-newer', 'deploy/production/values.yaml:8']]);
    expect(failed.stdout).toMatch(/nothing was committed/);
    expect(remote.head()).toBe(before);

    const warned = await bump();
    expect(warned.code, warned.stdout).toBe(0);
    expect(annotations(warned)).toEqual([['warning', 'tag-not-newer', 'deploy/production/values.yaml:8']]);
    expect(warned.outputs.changed).toBe('false');
    expect(remote.head()).toBe(before);
  });

  it('a newer tag: no finding, committed, and the summary shows the policy and the tag in Git', async () => {
    const remote = gitopsRemote(files);
    const before = remote.head();
    const ws = await workspace({ 'README.md': 'app\n' });
    const result = await run('bump-gitops-tag', ws, {
      repository: remote.url,
      image: IMAGE,
      tag: '1764000000-abcdef1',
      'flux-check': 'fail',
    });
    expect(result.code, result.stdout).toBe(0);
    expect(annotations(result)).toEqual([]);
    expect(result.outputs.changed).toBe('true');
    expect(remote.head()).not.toBe(before);
    expect(result.summary).toMatch(/\| ImagePolicy flux-system\/my-app \| `registry.example\/my-app` \|/);
  });
});
