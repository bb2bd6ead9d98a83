/**
 * Each action's GitHub bundle run with REGISTRY_*, DOCKER_* and BUILDAH_* set to nonsense: the runs
 * succeed as they do without them, and a failure leaves the workspace as it was.
 */
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type BaseImage, baseImage } from '../harness/base-image.ts';
import { buildahEnv } from '../harness/buildah.ts';
import { type GitHubRunResult, runAsGitHub } from '../harness/github-runner.ts';
import { HOSTILE_ENV } from '../harness/hostile-env.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { gitWorkspace, type Workspace } from '../harness/workspace.ts';

const dist = (name: string) => resolve(`dist/${name}/index.js`);
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';

let registry: RegistryHandle;
let baseRegistry: RegistryHandle;
let base: BaseImage;
let dir: string;
let app: Workspace;
let runnerTemp: string;
let builderEnv: Record<string, string>;
const gitConfig = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

beforeAll(async () => {
  dir = makeTempDir('ga-hostile');
  registry = await startRegistry({ auth: true });
  baseRegistry = await startRegistry();
  base = await baseImage(baseRegistry);
  const source = join(dir, 'source');
  cpSync(resolve('test/fixtures/image-app'), source, { recursive: true });
  mkdirSync(join(source, 'charts'));
  cpSync(resolve('test/fixtures/charts/hello'), join(source, 'charts', 'hello'), { recursive: true });
  app = await gitWorkspace(source, join(dir, 'app'));
  builderEnv = buildahEnv(join(dir, 'buildah'));
});

afterAll(async () => {
  await registry?.stop();
  await baseRegistry?.stop();
  if (dir) removeDir(dir);
});

beforeEach(() => {
  runnerTemp = makeTempDir('runner-temp', dir);
});

function run(name: string, inputs: Record<string, string>, cwd = app.dir): Promise<GitHubRunResult> {
  return runAsGitHub(dist(name), {
    cwd,
    inputs,
    env: {
      ...builderEnv,
      ...HOSTILE_ENV,
      ...gitConfig,
      GITHUB_SHA: app.sha,
      GITHUB_REF: 'refs/heads/main',
      RUNNER_TEMP: runnerTemp,
    },
  });
}

const login = () => ({
  registry: registry.host,
  'registry-username': registry.username,
  'registry-password': registry.password,
});

async function expectWorkspaceAsItWas(cwd = app.dir): Promise<void> {
  expect((await exec('git', ['status', '--porcelain', '--ignored'], { cwd })).stdout).toBe('');
  expect(readdirSync(runnerTemp)).toEqual([]);
}

describe('a hostile environment (REGISTRY_*, DOCKER_*, BUILDAH_* set to nonsense)', () => {
  it('build-push-image (buildah) builds and pushes', async () => {
    const result = await run('build-push-image', {
      repository: 'hostile',
      builder: 'buildah',
      'build-args': `BASE_IMAGE=${base.ref}`,
      ...login(),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:/);
    await expectWorkspaceAsItWas();
  });

  it('build-push-image with auto builder: the nonsense DOCKER_HOST is honoured, no daemon answers, buildah builds', async () => {
    const result = await run('build-push-image', {
      repository: 'hostile-auto',
      'build-args': `BASE_IMAGE=${base.ref}`,
      ...login(),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/buildah: building/);
  });

  it('package-push-chart pushes', async () => {
    const result = await run('package-push-chart', login());
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.pushed).toBe('true');
    await expectWorkspaceAsItWas();
  });

  it('bump-gitops-tag commits and pushes', async () => {
    const bare = join(dir, 'gitops.git');
    const seed = join(dir, 'gitops-seed');
    cpSync(resolve('examples/my-app'), seed, { recursive: true });
    const env = { ...process.env, ...gitConfig };
    await exec('git', ['init', '-q', '--bare', '-b', 'main', bare], { env });
    await exec('git', ['init', '-q', '-b', 'main'], { cwd: seed, env });
    await exec('git', ['add', '-A'], { cwd: seed, env });
    await exec('git', ['-c', 'user.name=o', '-c', 'user.email=o@example.com', 'commit', '-q', '-m', 's'], {
      cwd: seed,
      env,
    });
    await exec('git', ['push', '-q', bare, 'main'], { cwd: seed, env });
    const result = await run('bump-gitops-tag', {
      repository: bare,
      image: IMAGE,
      tag: '1800000000-fffffff',
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.changed).toBe('true');
    await expectWorkspaceAsItWas();
  });

  it('verify-paths-filter compares', async () => {
    writeFileSync(join(app.dir, 'greeting.txt'), 'changed\n');
    const env = { ...process.env, ...gitConfig };
    await exec('git', ['-c', 'user.name=d', '-c', 'user.email=d@example.com', 'commit', '-qam', 'change'], {
      cwd: app.dir,
      env,
    });
    const head = (await exec('git', ['rev-parse', 'HEAD'], { cwd: app.dir })).stdout.trim();
    const result = await runAsGitHub(dist('verify-paths-filter'), {
      cwd: app.dir,
      inputs: { filters: "app: 'greeting.txt'\ncharts: 'charts/**'", base: app.sha },
      env: { ...HOSTILE_ENV, ...gitConfig, GITHUB_SHA: head, RUNNER_TEMP: runnerTemp },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({ app: 'true', charts: 'false' });
    await expectWorkspaceAsItWas();
  });
});
