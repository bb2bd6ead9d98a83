/**
 * Registry faults during real pushes: the GitHub bundles run as the runner runs them, buildah and
 * our own client pushing to a real docker-registry behind a proxy that injects 503/429, cuts
 * connections in the middle of a blob, slows answers, and logs each fault it injected. Every test
 * checks the fault happened (proxy log) and the result is complete (the registry's own answer).
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { type BaseImage, baseImage } from '../harness/base-image.ts';
import { buildahEnv } from '../harness/buildah.ts';
import { type FaultProxy, startFaultProxy } from '../harness/fault-proxy.ts';
import { type GitHubRunResult, runAsGitHub } from '../harness/github-runner.ts';
import { freePort, makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { gitWorkspace, type Workspace } from '../harness/workspace.ts';

const imageBundle = resolve('dist/build-push-image/index.js');
const chartBundle = resolve('dist/package-push-chart/index.js');
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

let registry: RegistryHandle;
/** Where the base image comes from: another registry, without auth, outside the faults. */
let baseRegistry: RegistryHandle;
let proxy: FaultProxy;
let base: BaseImage;
let dir: string;
let app: Workspace;
let builderEnv: Record<string, string>;
let runnerTemp: string;

beforeAll(async () => {
  dir = makeTempDir('ga-faults');
  registry = await startRegistry({ auth: true });
  proxy = await startFaultProxy(registry.host);
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
  await proxy?.close();
  await registry?.stop();
  await baseRegistry?.stop();
  if (dir) removeDir(dir);
});

beforeEach(() => {
  proxy.reset();
  runnerTemp = makeTempDir('runner-temp', dir);
});

const login = () => ({
  registry: proxy.host,
  'registry-username': registry.username,
  'registry-password': registry.password,
});

function run(
  bundle: string,
  inputs: Record<string, string>,
  options: { kill?: AbortSignal; env?: Record<string, string | undefined> } = {},
): Promise<GitHubRunResult> {
  return runAsGitHub(bundle, {
    cwd: app.dir,
    inputs,
    env: {
      ...builderEnv,
      GITHUB_SHA: app.sha,
      GITHUB_REF: 'refs/heads/main',
      RUNNER_TEMP: runnerTemp,
      ...options.env,
    },
    kill: options.kill,
    timeoutMs: 240_000,
  });
}

const image = (
  repository: string,
  extra: Record<string, string> = {},
  options: { kill?: AbortSignal } = {},
) =>
  run(
    imageBundle,
    {
      repository,
      builder: 'buildah',
      'build-args': `BASE_IMAGE=${base.ref}`,
      tags: 'type=sha\ntype=raw,value=latest',
      ...login(),
      ...extra,
    },
    options,
  );

/** The registry's own answer (straight to it, not through the proxy). */
async function registryFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  return fetch(`${registry.url}/v2/${path}`, {
    ...init,
    headers: { authorization: `Basic ${auth}`, accept: MANIFEST_ACCEPT, ...init.headers },
  });
}

/**
 * The tag resolves to a manifest whose config and layers all exist: what a pull needs. Returns the
 * digest the registry serves and the registry's answer per blob, for the report.
 */
async function complete(repository: string, tag: string): Promise<{ digest: string; blobs: string[] }> {
  const res = await registryFetch(`${repository}/manifests/${tag}`);
  expect(res.status, `${repository}:${tag}`).toBe(200);
  const digest = res.headers.get('docker-content-digest')!;
  const manifest = (await res.json()) as { config: { digest: string }; layers: { digest: string }[] };
  const blobs: string[] = [];
  for (const { digest: blob } of [manifest.config, ...manifest.layers]) {
    const head = await registryFetch(`${repository}/blobs/${blob}`, { method: 'HEAD' });
    blobs.push(`HEAD ${repository}/blobs/${blob.slice(0, 19)}… -> ${head.status}`);
    expect(head.status, blob).toBe(200);
  }
  return { digest, blobs };
}

function report(name: string, lines: string[]): void {
  console.log(`--- ${name}\n${lines.join('\n')}`);
}

/** Nothing left behind: the checkout unchanged, the run's scratch folder gone. */
async function expectWorkspaceAsItWas(): Promise<void> {
  expect((await exec('git', ['status', '--porcelain', '--ignored'], { cwd: app.dir })).stdout).toBe('');
  expect(readdirSync(runnerTemp)).toEqual([]);
}

const uploads = (repository: string) => new RegExp(`^/v2/${repository}/blobs/uploads/$`);
const session = (repository: string) => new RegExp(`^/v2/${repository}/blobs/uploads/[^/]+$`);
const manifests = (repository: string) => new RegExp(`^/v2/${repository}/manifests/`);

describe('build-push-image (buildah) through registry faults', () => {
  it('503 on upload start, 429 with Retry-After on PATCH, 503 on the manifest PUT: pushed and complete', async () => {
    proxy.inject(
      { method: 'POST', path: uploads('faulty'), fault: { kind: 'status', status: 503 }, times: 1 },
      {
        method: 'PATCH',
        path: session('faulty'),
        fault: { kind: 'status', status: 429, retryAfter: '1' },
        times: 1,
      },
      { method: 'PUT', path: manifests('faulty'), fault: { kind: 'status', status: 503 }, times: 1 },
    );
    const result = await image('faulty');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toEqual([
      '503 POST /v2/faulty/blobs/uploads/',
      expect.stringMatching(/^429 \(Retry-After: 1\) PATCH \/v2\/faulty\/blobs\/uploads\/[^/]+$/),
      expect.stringMatching(/^503 PUT \/v2\/faulty\/manifests\//),
    ]);
    expect(result.stdout).toMatch(/buildah push .*faulty.*: attempt 1\/4 failed .*; pushing again/);
    const { digest, blobs } = await complete('faulty', result.outputs.tag!);
    expect(result.outputs.digest).toBe(digest);
    expect((await complete('faulty', 'latest')).digest).toBe(digest);
    report('503/429 on upload start, PATCH, manifest PUT', [...proxy.injected, ...blobs]);
    await expectWorkspaceAsItWas();
  });

  it('a connection cut in the middle of a blob upload, then a 503 on the final PUT: pushed and complete', async () => {
    proxy.inject(
      { method: 'PATCH', path: session('cut'), fault: { kind: 'reset' }, times: 1 },
      { method: 'PUT', path: session('cut'), fault: { kind: 'status', status: 503 }, times: 1 },
    );
    const result = await image('cut');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toEqual([
      expect.stringMatching(/^reset PATCH \/v2\/cut\/blobs\/uploads\/[^/]+$/),
      expect.stringMatching(/^503 PUT \/v2\/cut\/blobs\/uploads\/[^/]+$/),
    ]);
    const { digest, blobs } = await complete('cut', result.outputs.tag!);
    expect(result.outputs.digest).toBe(digest);
    report('reset mid-blob upload, 503 on blob PUT', [...proxy.injected, ...blobs]);
    await expectWorkspaceAsItWas();
  });

  it('a re-run of a pushed commit, with the manifest and config reads cut mid-body: reused, no build', async () => {
    const first = await image('rerun');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    proxy.reset();
    proxy.inject(
      { method: 'GET', path: manifests('rerun'), fault: { kind: 'reset' }, times: 1 },
      { method: 'GET', path: /^\/v2\/rerun\/blobs\/sha256(:|%3A)/, fault: { kind: 'reset' }, times: 2 },
    );
    const again = await image('rerun');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(proxy.injected).toEqual([
      expect.stringMatching(/^reset GET \/v2\/rerun\/manifests\//),
      expect.stringMatching(/^reset GET \/v2\/rerun\/blobs\/sha256%3A/),
      expect.stringMatching(/^reset GET \/v2\/rerun\/blobs\/sha256%3A/),
    ]);
    expect(again.outputs).toMatchObject({ built: 'false', digest: first.outputs.digest });
    expect(again.stdout).toMatch(/read blob rerun@sha256:\w+: attempt 2\/4 failed \(response cut off/);
    report('reset mid-body on the re-run', proxy.injected);
  });

  it('slow answers (1.5 s on upload start, PATCH and manifest): pushed and complete', async () => {
    proxy.inject(
      { method: 'POST', path: uploads('slow'), fault: { kind: 'delay', ms: 1500 }, times: 2 },
      { method: 'PATCH', path: session('slow'), fault: { kind: 'delay', ms: 1500 }, times: 1 },
      { method: 'PUT', path: manifests('slow'), fault: { kind: 'delay', ms: 1500 }, times: 1 },
    );
    const result = await image('slow');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toHaveLength(4);
    expect(result.outputs.digest).toBe((await complete('slow', result.outputs.tag!)).digest);
  });

  it('killed (SIGKILL, builder included) in the middle of the push, then re-run: converges, outputs match the registry', async () => {
    // The first layer upload is held, so the run is killed while it is in flight.
    proxy.inject({
      method: 'PATCH',
      path: session('killed'),
      fault: { kind: 'delay', ms: 30_000 },
      times: 1,
    });
    const kill = new AbortController();
    const watcher = setInterval(() => {
      if (proxy.injected.length > 0) kill.abort();
    }, 50);
    const killed = await image('killed', {}, { kill: kill.signal }).finally(() => clearInterval(watcher));
    expect(killed.code).not.toBe(0);
    expect(proxy.injected).toEqual([
      expect.stringMatching(/^delay 30000 ms PATCH \/v2\/killed\/blobs\/uploads\//),
    ]);
    // Killed before the manifest: no tag points at a half-pushed image.
    expect((await registryFetch('killed/manifests/latest')).status).toBe(404);
    const killedAt = [...proxy.requests];
    proxy.reset();
    const again = await image('killed');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const { digest, blobs } = await complete('killed', again.outputs.tag!);
    expect(again.outputs).toMatchObject({
      digest,
      'image-ref': `${proxy.host}/killed@${digest}`,
      built: 'true',
    });
    expect((await complete('killed', 'latest')).digest).toBe(digest);
    report('kill -9 mid-push, then re-run', [
      ...killedAt.filter((r) => r.includes('/killed/')).map((r) => `killed run: ${r}`),
      `re-run: exit ${again.code}, digest output ${again.outputs.digest}`,
      `registry: killed:${again.outputs.tag} -> ${digest}`,
      ...blobs,
    ]);
  });
});

describe('package-push-chart (our registry client) through registry faults', () => {
  it('503 on upload start, 429 with Retry-After and a cut connection on the blob PUT, 503 on the manifest: pushed and complete', async () => {
    proxy.inject(
      { method: 'POST', path: uploads('charts/hello'), fault: { kind: 'status', status: 503 }, times: 1 },
      {
        method: 'PUT',
        path: session('charts/hello'),
        fault: { kind: 'status', status: 429, retryAfter: '1' },
        times: 1,
      },
      { method: 'PUT', path: session('charts/hello'), fault: { kind: 'reset' }, times: 1 },
      {
        method: 'PUT',
        path: manifests('charts/hello'),
        fault: { kind: 'status', status: 503 },
        times: 1,
      },
    );
    const result = await run(chartBundle, login());
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toEqual([
      '503 POST /v2/charts/hello/blobs/uploads/',
      expect.stringMatching(/^429 \(Retry-After: 1\) PUT \/v2\/charts\/hello\/blobs\/uploads\/[^/]+$/),
      expect.stringMatching(/^reset PUT \/v2\/charts\/hello\/blobs\/uploads\/[^/]+$/),
      '503 PUT /v2/charts/hello/manifests/0.3.0',
    ]);
    // Each failed session was abandoned and a new one started (POST again).
    expect(result.stdout).toMatch(
      /upload blob sha256:\w+ to charts\/hello: attempt 3\/4 failed \((request failed|response cut off)/,
    );
    const { digest, blobs } = await complete('charts/hello', '0.3.0');
    expect(result.outputs).toMatchObject({ pushed: 'true', digest });
    report('chart: 503/429/reset on blob upload, 503 on manifest', [...proxy.injected, ...blobs]);
    await expectWorkspaceAsItWas();
  });
});

describe('an endpoint that is down: one clear error naming the host, nothing left behind', () => {
  let down: string;
  beforeAll(async () => {
    down = `127.0.0.1:${await freePort()}`;
  });

  const errors = (result: GitHubRunResult) =>
    result.stdout.split('\n').filter((l) => l.startsWith('::error'));

  it('registry down, chart push', async () => {
    const started = Date.now();
    const result = await run(chartBundle, { ...login(), registry: down });
    expect(result.code).toBe(1);
    expect(errors(result)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::Cannot reach registry ${down} \\(http://${down}\\) to read manifest charts/hello:0.3.0: request failed: connect ECONNREFUSED \\S+ \\(after 4 attempts\\)$`,
        ),
      ),
    ]);
    report('registry down (chart)', [`${errors(result)[0]} [${Date.now() - started} ms]`]);
    await expectWorkspaceAsItWas();
  });

  it('registry down, image push', async () => {
    const started = Date.now();
    const result = await image('app', { registry: down });
    expect(result.code).toBe(1);
    expect(errors(result)).toEqual([
      expect.stringMatching(new RegExp(`^::error::Cannot reach registry ${down} `)),
    ]);
    report('registry down (image)', [`${errors(result)[0]} [${Date.now() - started} ms]`]);
    await expectWorkspaceAsItWas();
  });

  describe('AWS', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/ci-push';
    let aws: AwsServer;
    beforeAll(async () => {
      aws = await startAwsServer({
        roleArn,
        registry: { host: registry.host, ecrPassword: registry.ecrPassword },
      });
    });
    afterAll(() => aws?.stop());
    const ecrInputs = { 'role-to-assume': roleArn, 'aws-region': 'eu-west-1', registry: '' };

    for (const service of ['STS', 'ECR'] as const) {
      it(`${service} endpoint down`, async () => {
        const started = Date.now();
        const result = await run(chartBundle, ecrInputs, {
          env: { ...aws.env(), [`AWS_ENDPOINT_URL_${service}`]: `http://${down}` },
        });
        expect(result.code).toBe(1);
        expect(errors(result)).toHaveLength(1);
        expect(errors(result)[0]).toContain(down);
        report(`${service} down`, [`${errors(result)[0]} [${Date.now() - started} ms]`]);
        await expectWorkspaceAsItWas();
      });
    }
  });
});
