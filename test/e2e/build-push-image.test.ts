/**
 * build-push-image end to end on real parts: the GitHub bundle run as the runner runs it, the real
 * AWS SDK against the local STS/ECR server, OIDC from a GitHub-style token endpoint, buildah and
 * dockerd building a multi-stage Dockerfile whose base image lives in a real registry (htpasswd).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { type BaseImage, baseImage } from '../harness/base-image.ts';
import { buildahEnv } from '../harness/buildah.ts';
import { type DockerdHandle, dockerdUnavailableReason, startDockerd } from '../harness/dockerd.ts';
import { type GitHubRunResult, runAsGitHub } from '../harness/github-runner.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { gitWorkspace, type Workspace } from '../harness/workspace.ts';

const bundle = resolve('dist/build-push-image/index.js');
const cli = resolve('bin/golden-actions.js');
const roleArn = 'arn:aws:iam::123456789012:role/ci-push';

let registry: RegistryHandle;
let aws: AwsServer;
let base: BaseImage;
let dir: string;
let app: Workspace;
let builderEnv: Record<string, string>;
let argvLog: string;

beforeAll(async () => {
  dir = makeTempDir('ga-bpi');
  registry = await startRegistry({ auth: true });
  aws = await startAwsServer({
    roleArn,
    registry: { host: registry.host, ecrPassword: registry.ecrPassword },
  });
  base = await baseImage(registry);
  app = await gitWorkspace(resolve('test/fixtures/image-app'), join(dir, 'app'));
  // A buildah on PATH that records its argv, to prove no secret is ever passed there.
  argvLog = join(dir, 'argv.log');
  const shims = join(dir, 'bin');
  mkdirSync(shims);
  for (const program of ['buildah', 'docker']) {
    const real = (await exec('sh', ['-c', `command -v ${program}`])).stdout.trim();
    writeFileSync(
      join(shims, program),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec ${real} "$@"\n`,
    );
    chmodSync(join(shims, program), 0o755);
  }
  builderEnv = { ...buildahEnv(join(dir, 'buildah')), PATH: `${shims}:${process.env.PATH}` };
});

afterAll(async () => {
  await aws?.stop();
  await registry?.stop();
  if (dir) removeDir(dir);
});

const githubInputs = (extra: Record<string, string> = {}) => ({
  repository: 'my-app',
  'role-to-assume': roleArn,
  'aws-region': 'eu-west-1',
  builder: 'buildah',
  'build-args': `BASE_IMAGE=${base.ref}`,
  ...extra,
});

function runGitHub(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<GitHubRunResult> {
  return runAsGitHub(bundle, {
    cwd: app.dir,
    inputs,
    env: { ...aws.env(), ...builderEnv, GITHUB_SHA: app.sha, GITHUB_REF: 'refs/heads/main', ...env },
  });
}

/** What the registry itself serves for a tag (HEAD with the usual Accept headers). */
async function servedDigest(repository: string, tag: string): Promise<string | null> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  return response.ok ? response.headers.get('docker-content-digest') : null;
}

async function catalog(): Promise<string[]> {
  const response = await fetch(`${registry.url}/v2/_catalog`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
    },
  });
  return ((await response.json()) as { repositories: string[] }).repositories;
}

/** `::add-mask::` lines are how a secret is registered: the runner consumes them and never shows them. */
function expectNoSecrets(texts: string[]): void {
  texts = texts.map((text) => text.replace(/^::add-mask::.*$/gm, ''));
  const secrets = [
    registry.ecrPassword,
    ...aws.issuedCredentials.flatMap((c) => [c.secretAccessKey, c.sessionToken]),
  ];
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('build-push-image (buildah, OIDC -> STS -> ECR)', () => {
  let first: GitHubRunResult;

  it('builds and pushes, with every output set and the digest the registry serves', async () => {
    first = await runGitHub(githubInputs());
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const tag = `${app.commitTime}-${app.sha.slice(0, 7)}`;
    expect(first.outputs).toMatchObject({ image: `${registry.host}/my-app`, tag, built: 'true' });
    expect(first.outputs.tags).toBe(`${registry.host}/my-app:${tag}`);
    expect(first.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.outputs.digest).toBe(await servedDigest('my-app', tag));
    expect(first.outputs['image-ref']).toBe(`${registry.host}/my-app@${first.outputs.digest}`);
    expect(first.summary).toContain(first.outputs.digest);
  });

  it('asked for the OIDC token with the STS audience and assumed the role with it', () => {
    expect(aws.oidcAudiences).toContain('sts.amazonaws.com');
    const sts = aws.requests.filter((r) => r.service === 'sts');
    expect(sts.length).toBeGreaterThan(0);
    expect(sts[0]!.params.RoleArn).toBe(roleArn);
  });

  it('signed every ECR call with the keys STS returned', () => {
    const ecr = aws.requests.filter((r) => r.service === 'ecr');
    expect(ecr.map((r) => r.operation)).toContain('GetAuthorizationToken');
    const issued = aws.issuedCredentials.map((c) => c.accessKeyId);
    for (const request of ecr) {
      expect(request.signature?.valid, JSON.stringify(request.signature)).toBe(true);
      expect(issued).toContain(request.signature?.accessKeyId);
    }
  });

  it('kept the registry password and the STS secret out of logs, outputs and summary, and off argv', () => {
    expectNoSecrets([
      first.stdout,
      first.stderr,
      JSON.stringify(first.outputs),
      first.summary,
      readFileSync(argvLog, 'utf8'),
    ]);
    expect(first.masks).toContain(registry.ecrPassword);
    expect(readFileSync(argvLog, 'utf8')).toMatch(/login .*--password-stdin/);
  });

  it('reuses the image on a second run of the same commit: same tag, built=false, no build', async () => {
    const before = readFileSync(argvLog, 'utf8');
    const second = await runGitHub(githubInputs());
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs).toMatchObject({
      tag: first.outputs.tag,
      digest: first.outputs.digest,
      built: 'false',
    });
    expect(readFileSync(argvLog, 'utf8').slice(before.length)).not.toMatch(/^build /m);
  });

  it('gives the same outputs through the CLI', async () => {
    const { code, stdout, stderr } = await exec(
      process.execPath,
      [
        cli,
        'build-push-image',
        '--json',
        '--repository',
        'my-app',
        '--role-to-assume',
        roleArn,
        '--aws-region',
        'eu-west-1',
        '--builder',
        'buildah',
        '--build-args',
        `BASE_IMAGE=${base.ref}`,
      ],
      {
        cwd: app.dir,
        allowFailure: true,
        env: {
          ...process.env,
          ...aws.env(),
          ...builderEnv,
          GA_ID_TOKEN: await aws.idToken('sts.amazonaws.com'),
        },
      },
    );
    expect(code, stderr).toBe(0);
    const outputs = JSON.parse(stdout) as Record<string, string>;
    for (const name of ['image', 'tag', 'tags', 'digest', 'image-ref'])
      expect(outputs[name]).toBe(first.outputs[name]);
    expectNoSecrets([stdout, stderr]);
  });

  it('dry-run builds, pushes nothing and says what it would push', async () => {
    const result = await runGitHub(githubInputs({ repository: 'dry-app', 'dry-run': 'true' }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/dry-run: would push .*dry-app:/);
    expect(result.outputs.digest).toBe('');
    expect(await catalog()).not.toContain('dry-app');
  });

  it.each([
    ['no repository', { repository: '' }, "Input 'repository': is required"],
    ['an unknown builder', { builder: 'podman' }, "Input 'builder': must be one of auto, docker, buildah"],
    ['an unknown tag rule', { tags: 'type=nightly' }, "Input 'tags': rule 'type=nightly': unknown type"],
    [
      'a missing Dockerfile',
      { dockerfile: 'nope/Dockerfile' },
      "Input 'dockerfile': nope/Dockerfile does not exist",
    ],
    [
      'a context outside the workspace',
      { context: '../..' },
      "Input 'context': ../.. is outside the workspace",
    ],
    ['a malformed role ARN', { 'role-to-assume': 'arn:aws:iam::12345:role/x' }, "Input 'role-to-assume'"],
  ])('rejects %s with one message naming the input, and pushes nothing', async (_name, extra, message) => {
    const before = await catalog();
    const stsCalls = aws.requests.length;
    const result = await runGitHub(githubInputs({ repository: 'bad-input', ...extra }));
    expect(result.code).not.toBe(0);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(await catalog()).toEqual(before);
    expect(aws.requests.length).toBe(stsCalls);
  });
});

describe('build-push-image (docker, real dockerd)', () => {
  let dockerd: DockerdHandle | undefined;

  beforeAll(async () => {
    dockerd = await startDockerd();
  });

  afterAll(async () => {
    await dockerd?.stop();
  });

  it('builds with docker and pushes, digest as the registry serves it', async () => {
    expect(dockerd, `dockerd could not start: ${dockerdUnavailableReason()}`).toBeDefined();
    const result = await runGitHub(
      githubInputs({ repository: 'my-app-docker', builder: 'docker' }),
      dockerd!.env,
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const tag = `${app.commitTime}-${app.sha.slice(0, 7)}`;
    expect(result.outputs).toMatchObject({ image: `${registry.host}/my-app-docker`, tag, built: 'true' });
    expect(result.outputs.digest).toBe(await servedDigest('my-app-docker', tag));
    expectNoSecrets([result.stdout, result.stderr, JSON.stringify(result.outputs), result.summary]);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(registry.ecrPassword);
  });
});
