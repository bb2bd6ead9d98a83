/**
 * build-push-image end to end on real parts: the GitHub bundle run as the runner runs it, the real
 * AWS SDK against the local STS/ECR server, OIDC from a GitHub-style token endpoint, buildah and
 * dockerd building a multi-stage Dockerfile whose base image lives in a real registry (htpasswd).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
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
/** A second registry, for base images only the user's own login can pull. */
let userRegistry: RegistryHandle;
let aws: AwsServer;
let base: BaseImage;
let privateBase: BaseImage;
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
  userRegistry = await startRegistry({ auth: true, username: 'runner-user' });
  privateBase = await baseImage(userRegistry);
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
  await userRegistry?.stop();
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

const basic = (username: string, password: string) =>
  Buffer.from(`${username}:${password}`).toString('base64');

/** The user's own logins, as `docker login` leaves them: the private base registry, and ours as another user. */
function userLogins(): string {
  return `${JSON.stringify(
    {
      auths: {
        [userRegistry.host]: { auth: basic(userRegistry.username, userRegistry.password) },
        [registry.host]: { auth: basic(registry.username, registry.password) },
      },
    },
    null,
    2,
  )}\n`;
}

/** Manifest, config and uncompressed layers of a pushed image, as text to search. */
async function imageContents(repository: string, tag: string): Promise<{ config: string; layers: string }> {
  const get = async (path: string, accept: string) => {
    const response = await fetch(`${registry.url}/v2/${repository}/${path}`, {
      headers: { authorization: `Basic ${basic(registry.username, registry.password)}`, accept },
    });
    expect(response.status, path).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };
  const manifest = JSON.parse(
    (
      await get(
        `manifests/${tag}`,
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      )
    ).toString(),
  ) as { config: { digest: string }; layers: { digest: string; mediaType: string }[] };
  const config = (await get(`blobs/${manifest.config.digest}`, '*/*')).toString();
  const layers: string[] = [];
  for (const layer of manifest.layers) {
    const blob = await get(`blobs/${layer.digest}`, '*/*');
    layers.push((layer.mediaType.endsWith('gzip') ? gunzipSync(blob) : blob).toString('latin1'));
  }
  return { config, layers: layers.join('\n') };
}

/**
 * A registry front that behaves like an ECR repository with immutable tags: re-putting an existing
 * tag fails (400 TAG_INVALID), and every manifest PUT is recorded.
 */
async function immutableFront(
  upstream: RegistryHandle,
): Promise<{ host: string; puts: string[]; server: Server }> {
  const puts: string[] = [];
  const port = Number(upstream.host.split(':')[1]);
  const forward = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const up = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const server = createServer((req, res) => {
    const tag = /^\/v2\/.+\/manifests\/([^/]+)$/.exec(req.url ?? '')?.[1];
    if (req.method !== 'PUT' || !tag) return forward(req, res);
    puts.push(req.url!);
    req.pause();
    fetch(`${upstream.url}${req.url}`, {
      method: 'HEAD',
      headers: {
        authorization: req.headers.authorization ?? '',
        accept:
          'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      },
    }).then(
      (head) => {
        if (!head.ok || tag.startsWith('sha256:')) return forward(req, res);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            errors: [
              {
                code: 'TAG_INVALID',
                message: `The image tag '${tag}' already exists and cannot be overwritten because the repository is immutable.`,
              },
            ],
          }),
        );
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, puts, server };
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
    ['dry-run', 'cache-dry', { 'dry-run': 'true' }],
    ['push: false', 'cache-nopush', { push: 'false' }],
  ])('%s with cache: true writes no cache layers either', async (_name, repository, extra) => {
    const before = await catalog();
    const result = await runGitHub(githubInputs({ repository, cache: 'true', ...extra }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(argvLog, 'utf8')).toMatch(new RegExp(`--cache-from \\S+/${repository} `));
    expect(readFileSync(argvLog, 'utf8')).not.toMatch(new RegExp(`--cache-to \\S+/${repository}`));
    expect(await catalog()).toEqual(before);
  });

  it("pulls a private base image with the user's own login, and leaves their auth file as it was", async () => {
    const authFile = join(dir, 'user-auth.json');
    writeFileSync(authFile, userLogins(), { mode: 0o600 });
    const result = await runGitHub(
      githubInputs({ repository: 'private-base', 'build-args': `BASE_IMAGE=${privateBase.ref}` }),
      { REGISTRY_AUTH_FILE: authFile },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.digest).toBe(await servedDigest('private-base', result.outputs.tag!));
    expect(readFileSync(authFile, 'utf8')).toBe(userLogins());
    expectNoSecrets([readFileSync(authFile, 'utf8')]);
  });

  it('passes build secrets to RUN --mount=type=secret, and they land in no log, argv, config, history or layer', async () => {
    const token = `env-secret-${randomBytes(12).toString('hex')}`;
    const fileToken = `file-secret-${randomBytes(12).toString('hex')}`;
    const argToken = `arg-value-${randomBytes(12).toString('hex')}`;
    const tokenFile = join(dir, 'file-token');
    writeFileSync(tokenFile, fileToken, { mode: 0o600 });
    const sha = (value: string) => createHash('sha256').update(value).digest('hex');
    const before = existsSync(argvLog) ? readFileSync(argvLog, 'utf8').length : 0;
    const result = await runGitHub(
      githubInputs({
        repository: 'with-secrets',
        dockerfile: 'secret.Dockerfile',
        secrets: `id=token,env=GA_E2E_TOKEN\nid=file-token,src=${tokenFile}`,
        'build-args': [
          `BASE_IMAGE=${base.ref}`,
          `TOKEN_SHA256=${sha(token)}`,
          `FILE_SHA256=${sha(fileToken)}`,
          `UNUSED_TOKEN=${argToken}`,
        ].join('\n'),
      }),
      { GA_E2E_TOKEN: token, ACTIONS_STEP_DEBUG: 'true' },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.masks).toEqual(expect.arrayContaining([token, fileToken]));
    // The RUN step compared both secrets with their hashes: it would have failed otherwise.
    expect(result.stdout).toContain('/run/secrets/token: OK');
    expect(result.stdout).toContain('/run/secrets/file-token: OK');
    // Build-arg values are hidden in the logged command line (the build itself gets them).
    expect(result.stdout).toMatch(/::debug::\$ buildah build .*--build-arg UNUSED_TOKEN=\*\*\*/);
    const argv = readFileSync(argvLog, 'utf8').slice(before);
    expect(argv).toMatch(/--secret id=token,src=\S+ --secret id=file-token,src=\S+file-token/);
    const image = await imageContents('with-secrets', result.outputs.tag!);
    expect(image.layers).toContain('checked');
    const unmasked = (text: string) => text.replace(/^::add-mask::.*$/gm, '');
    const shown = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs), argv];
    for (const text of shown.map(unmasked)) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(fileToken);
    }
    // A build-arg value is on buildah's argv (that is what build args are), but not in the logs.
    for (const text of shown.slice(0, 4).map(unmasked)) expect(text).not.toContain(argToken);
    for (const text of [image.config, image.layers]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(fileToken);
    }
  });

  it('multi-platform dry-run twice: the local manifest list holds this run only', async () => {
    const inputs = githubInputs({
      repository: 'multi-arch',
      dockerfile: 'copy-only.Dockerfile',
      platforms: 'linux/amd64,linux/arm64',
      'dry-run': 'true',
    });
    // A label per run makes the images differ: a leftover list would keep run 1's next to run 2's.
    for (let run = 1; run <= 2; run++) {
      const result = await runGitHub({ ...inputs, labels: `run=${run}` });
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    const tag = `${app.commitTime}-${app.sha.slice(0, 7)}`;
    const { stdout } = await exec('buildah', ['manifest', 'inspect', `${registry.host}/multi-arch:${tag}`], {
      env: { ...process.env, ...builderEnv },
    });
    const list = JSON.parse(stdout) as { manifests: { platform: { architecture: string } }[] };
    expect(list.manifests.map((m) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
    expect(await catalog()).not.toContain('multi-arch');
  });

  it('if-exists: skip re-run with several tags leaves tags already at the digest alone (immutable tags)', async () => {
    const front = await immutableFront(registry);
    try {
      const inputs = {
        repository: 'immutable-app',
        registry: front.host,
        'registry-username': registry.username,
        'registry-password': registry.password,
        builder: 'buildah',
        'build-args': `BASE_IMAGE=${base.ref}`,
        tags: 'type=timestamp-sha\ntype=raw,value=stable\ntype=sha',
      };
      const first = await runGitHub(inputs);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(first.outputs.built).toBe('true');
      const pushed = front.puts.length;
      expect(pushed).toBeGreaterThanOrEqual(3);

      const again = await runGitHub(inputs);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.outputs).toMatchObject({ built: 'false', digest: first.outputs.digest });
      expect(front.puts.slice(pushed)).toEqual([]);

      const more = await runGitHub({ ...inputs, tags: `${inputs.tags}\ntype=raw,value=extra` });
      expect(more.code, more.stdout + more.stderr).toBe(0);
      expect(front.puts.slice(pushed)).toEqual(['/v2/immutable-app/manifests/extra']);
      expect(await servedDigest('immutable-app', 'extra')).toBe(first.outputs.digest);
    } finally {
      await new Promise((done) => front.server.close(done));
    }
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
    [
      'an invalid image name',
      { images: 'mirror.example.com/my app' },
      "Input 'images': 'my app' is not a valid repository name",
    ],
    ['an unknown flavor entry', { flavor: 'latest=sometimes' }, "Input 'flavor': 'latest=sometimes'"],
    ['an unknown pr-commit', { 'pr-commit': 'base' }, "Input 'pr-commit': must be one of head, merge"],
  ])('rejects %s with one message naming the input, and pushes nothing', async (_name, extra, message) => {
    const before = await catalog();
    const stsCalls = aws.requests.length;
    const result = await runGitHub(githubInputs({ repository: 'bad-input', ...extra }));
    expect(result.code).toBe(2); // bad input
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
    // The OCI labels reach the image with docker as with buildah.
    const labels = JSON.parse((await imageContents('my-app-docker', tag)).config).config.Labels;
    expect(labels).toMatchObject({
      'org.opencontainers.image.revision': app.sha,
      'org.opencontainers.image.version': tag,
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.created': new Date(app.commitTime * 1000).toISOString(),
    });
    expectNoSecrets([result.stdout, result.stderr, JSON.stringify(result.outputs), result.summary]);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(registry.ecrPassword);
  });

  it("pulls a private base image with the runner's docker login, and never writes to that config", async () => {
    expect(dockerd, `dockerd could not start: ${dockerdUnavailableReason()}`).toBeDefined();
    const userConfig = join(dir, 'runner-docker');
    mkdirSync(userConfig, { recursive: true });
    writeFileSync(join(userConfig, 'config.json'), userLogins(), { mode: 0o600 });
    const result = await runGitHub(
      githubInputs({
        repository: 'private-base-docker',
        builder: 'docker',
        'build-args': `BASE_IMAGE=${privateBase.ref}`,
      }),
      { ...dockerd!.env, DOCKER_CONFIG: userConfig },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.digest).toBe(await servedDigest('private-base-docker', result.outputs.tag!));
    expect(readFileSync(join(userConfig, 'config.json'), 'utf8')).toBe(userLogins());
    expectNoSecrets([readFileSync(join(userConfig, 'config.json'), 'utf8')]);
  });

  it("runs the runner's buildx plugin with the runner's builders (BUILDX_CONFIG) and secrets by name", async () => {
    expect(dockerd, `dockerd could not start: ${dockerdUnavailableReason()}`).toBeDefined();
    // A stand-in for the buildx plugin that docker/setup-buildx-action installs: records, builds nothing.
    const userConfig = join(dir, 'runner-docker-buildx');
    const record = join(dir, 'buildx-calls.log');
    mkdirSync(join(userConfig, 'cli-plugins'), { recursive: true });
    writeFileSync(join(userConfig, 'config.json'), userLogins(), { mode: 0o600 });
    const plugin = join(userConfig, 'cli-plugins', 'docker-buildx');
    writeFileSync(
      plugin,
      [
        '#!/bin/sh',
        'if [ "$1" = docker-cli-plugin-metadata ]; then',
        '  echo \'{"SchemaVersion":"0.1.0","Vendor":"golden-actions tests","Version":"v0.0.0","ShortDescription":"records"}\'',
        '  exit 0',
        'fi',
        `printf 'BUILDX_CONFIG=%s DOCKER_CONFIG=%s SECRET=%s ARGS=%s\\n' "$BUILDX_CONFIG" "$DOCKER_CONFIG" "\${GA_E2E_TOKEN:+set}" "$*" >> '${record}'`,
        'if [ "$2" = version ]; then echo "github.com/docker/buildx v0.0.0"; exit 0; fi',
        'echo "fake buildx: not building" >&2',
        'exit 1',
        '',
      ].join('\n'),
    );
    chmodSync(plugin, 0o755);
    const token = `docker-secret-${randomBytes(8).toString('hex')}`;
    const result = await runGitHub(
      githubInputs({
        repository: 'buildx-app',
        builder: 'docker',
        secrets: 'id=token,env=GA_E2E_TOKEN',
        platforms: 'linux/amd64,linux/arm64',
        'dry-run': 'true',
      }),
      { ...dockerd!.env, DOCKER_CONFIG: userConfig, GA_E2E_TOKEN: token },
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('fake buildx: not building');
    const calls = readFileSync(record, 'utf8').trim().split('\n');
    const build = calls.find((line) => / ARGS=buildx build /.test(line));
    expect(build, calls.join('\n')).toBeDefined();
    expect(build).toContain(`BUILDX_CONFIG=${join(userConfig, 'buildx')} `);
    expect(build).not.toContain(`DOCKER_CONFIG=${userConfig} `);
    expect(build).toContain('SECRET=set ');
    expect(build).toContain('--secret id=token,env=GA_E2E_TOKEN');
    expect(build).toContain('--output type=image,push=false');
    expect(build).not.toContain('--load');
    expect(build).not.toContain(token);
    expect(readFileSync(join(userConfig, 'config.json'), 'utf8')).toBe(userLogins());
  });
});

describe('build-push-image: docker/metadata-action tag rules, labels and several registries', () => {
  let mirror: RegistryHandle;
  let prApp: Workspace & { mergeSha: string; mergeTime: number };

  beforeAll(async () => {
    mirror = await startRegistry({ auth: true, username: 'mirror-user' });
    // A pull request checkout: the merge commit on top of the request's head commit.
    const head = await gitWorkspace(resolve('test/fixtures/image-app'), join(dir, 'pr-app'), 1765000000);
    const mergeTime = 1765003600;
    await exec('git', ['commit', '-q', '--allow-empty', '-m', 'Merge head into main'], {
      cwd: head.dir,
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: `@${mergeTime} +0000`,
        GIT_COMMITTER_DATE: `@${mergeTime} +0000`,
        GIT_AUTHOR_NAME: 'GitHub',
        GIT_AUTHOR_EMAIL: 'noreply@github.com',
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
      },
    });
    const mergeSha = (await exec('git', ['rev-parse', 'HEAD'], { cwd: head.dir })).stdout.trim();
    prApp = { ...head, mergeSha, mergeTime };
  });

  afterAll(async () => {
    await mirror?.stop();
  });

  const repositoryPayload = {
    full_name: 'org/app',
    name: 'app',
    default_branch: 'main',
    description: 'The app, in a container',
    html_url: 'https://github.com/org/app',
    license: { spdx_id: 'MIT' },
  };

  /** A run against the plain registry (username/password), with the event the runner would write. */
  function runEvent(
    inputs: Record<string, string>,
    options: { env?: Record<string, string>; event?: Record<string, unknown>; cwd?: string } = {},
  ): Promise<GitHubRunResult> {
    return runAsGitHub(bundle, {
      cwd: options.cwd ?? app.dir,
      inputs: {
        registry: registry.host,
        'registry-username': registry.username,
        'registry-password': registry.password,
        builder: 'buildah',
        dockerfile: 'copy-only.Dockerfile',
        'build-args': `BASE_IMAGE=${base.ref}`,
        ...inputs,
      },
      event: options.event ?? { ref: 'refs/heads/main', repository: repositoryPayload },
      env: { ...builderEnv, GITHUB_REF: 'refs/heads/main', ...options.env },
    });
  }

  const tagsOf = (result: GitHubRunResult) =>
    result.outputs.tags!.split('\n').map((reference) => reference.slice(reference.lastIndexOf(':') + 1));

  /** Every tag the run reported is served by the registry, at the run's digest. */
  async function expectServed(repository: string, result: GitHubRunResult): Promise<void> {
    for (const tag of tagsOf(result))
      expect(await servedDigest(repository, tag), tag).toBe(result.outputs.digest);
  }

  const day = (date: Date, timeZone: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(date)
      .replace(/-/g, '');

  it('type=edge, {{date}} in a time zone and {{commit_date}} on a push to the default branch', async () => {
    const before = new Date();
    const result = await runEvent({
      repository: 'meta-edge',
      tags: [
        'type=edge',
        "type=raw,value=built-{{date 'YYYYMMDD' tz='Asia/Tokyo'}}",
        "type=raw,value=commit-{{commit_date 'YYYYMMDD-HHmmss'}}",
        'type=ref,event=branch',
      ].join('\n'),
    });
    const after = new Date();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // By priority: edge (700), the branch (600), then the raw rules (200) in their written order.
    const built = tagsOf(result)[2]!;
    expect([`built-${day(before, 'Asia/Tokyo')}`, `built-${day(after, 'Asia/Tokyo')}`]).toContain(built);
    // 1764000000 = 2025-11-24T16:00:00Z
    expect(tagsOf(result)).toEqual(['edge', 'main', built, 'commit-20251124-160000']);
    expect(result.outputs).toMatchObject({ tag: 'edge', version: 'edge', built: 'true' });
    await expectServed('meta-edge', result);
  });

  it('sets the OCI labels and annotations metadata-action computes, on the image and as outputs', async () => {
    const result = await runEvent({
      repository: 'meta-labels',
      tags: 'type=ref,event=branch',
      labels: 'team=core',
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const expected = {
      'org.opencontainers.image.created': '2025-11-24T16:00:00.000Z',
      'org.opencontainers.image.description': 'The app, in a container',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.revision': app.sha,
      'org.opencontainers.image.source': 'https://github.com/org/app',
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.url': 'https://github.com/org/app',
      'org.opencontainers.image.version': 'main',
    };
    expect(result.outputs.labels!.split('\n')).toEqual(
      Object.entries({ ...expected, team: 'core' })
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`),
    );
    expect(result.outputs.annotations!.split('\n')).toEqual(
      Object.entries(expected).map(([k, v]) => `manifest:${k}=${v}`),
    );
    expect(JSON.parse(result.outputs.json!)).toMatchObject({ labels: { ...expected, team: 'core' } });
    const image = await imageContents('meta-labels', 'main');
    expect(JSON.parse(image.config).config.Labels).toMatchObject({ ...expected, team: 'core' });
    const manifest = (await (
      await fetch(`${registry.url}/v2/meta-labels/manifests/main`, {
        headers: {
          authorization: `Basic ${basic(registry.username, registry.password)}`,
          accept: 'application/vnd.oci.image.manifest.v1+json',
        },
      })
    ).json()) as { annotations?: Record<string, string> };
    expect(manifest.annotations).toMatchObject(expected);
  });

  it('type=schedule on a scheduled run: nightly and a dated tag', async () => {
    const before = new Date();
    const result = await runEvent(
      {
        repository: 'meta-schedule',
        tags: "type=schedule\ntype=schedule,pattern={{date 'YYYYMMDD'}}\ntype=raw,value=latest,enable={{is_default_branch}}",
      },
      {
        env: { GITHUB_EVENT_NAME: 'schedule' },
        event: { schedule: '0 3 * * *', repository: repositoryPayload },
      },
    );
    const after = new Date();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [first, dated, latest] = tagsOf(result);
    expect(first).toBe('nightly');
    expect([day(before, 'UTC'), day(after, 'UTC')]).toContain(dated);
    expect(latest).toBe('latest');
    await expectServed('meta-schedule', result);
  });

  it('latest=auto: a stable tag gets latest, a release candidate does not move it', async () => {
    const tags = 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}';
    const stable = await runEvent(
      { repository: 'meta-latest', tags, flavor: 'latest=auto' },
      {
        env: { GITHUB_REF: 'refs/tags/v1.2.3' },
        event: { ref: 'refs/tags/v1.2.3', repository: repositoryPayload },
      },
    );
    expect(stable.code, stable.stdout + stable.stderr).toBe(0);
    expect(tagsOf(stable)).toEqual(['1.2.3', '1.2', 'latest']);
    await expectServed('meta-latest', stable);

    const rc = await runEvent(
      { repository: 'meta-latest', tags, flavor: 'latest=auto' },
      {
        env: { GITHUB_REF: 'refs/tags/v1.3.0-rc.1' },
        event: { ref: 'refs/tags/v1.3.0-rc.1', repository: repositoryPayload },
      },
    );
    expect(rc.code, rc.stdout + rc.stderr).toBe(0);
    expect(tagsOf(rc)).toEqual(['1.3.0-rc.1']);
    expect(rc.outputs.digest).not.toBe(stable.outputs.digest);
    expect(await servedDigest('meta-latest', '1.3.0-rc.1')).toBe(rc.outputs.digest);
    expect(await servedDigest('meta-latest', 'latest')).toBe(stable.outputs.digest);
  });

  const prEvent = () => ({
    number: 7,
    pull_request: { number: 7, head: { sha: prApp.sha, ref: 'feature' }, base: { ref: 'main' } },
    repository: repositoryPayload,
  });
  const prEnv = () => ({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_SHA: prApp.mergeSha,
    GITHUB_BASE_REF: 'main',
    GITHUB_HEAD_REF: 'feature',
  });

  it('a pull request is tagged and labelled from its head commit, not the merge commit GITHUB_SHA names', async () => {
    expect(prApp.sha).not.toBe(prApp.mergeSha);
    const result = await runEvent(
      {
        repository: 'meta-pr',
        tags: 'type=timestamp-sha\ntype=ref,event=pr\ntype=sha\ntype=raw,value=to-{{base_ref}}',
      },
      { cwd: prApp.dir, env: prEnv(), event: prEvent() },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const short = prApp.sha.slice(0, 7);
    expect(tagsOf(result)).toEqual([`${prApp.commitTime}-${short}`, 'pr-7', 'to-main', `sha-${short}`]);
    expect(result.outputs.labels).toContain(`org.opencontainers.image.revision=${prApp.sha}`);
    await expectServed('meta-pr', result);

    const merge = await runEvent(
      { repository: 'meta-pr', tags: 'type=timestamp-sha\ntype=sha', 'pr-commit': 'merge' },
      { cwd: prApp.dir, env: prEnv(), event: prEvent() },
    );
    expect(merge.code, merge.stdout + merge.stderr).toBe(0);
    expect(tagsOf(merge)).toEqual([
      `${prApp.mergeTime}-${prApp.mergeSha.slice(0, 7)}`,
      `sha-${prApp.mergeSha.slice(0, 7)}`,
    ]);
  });

  it('a pull request whose head commit is not in the checkout is tagged from the merge commit, with a warning', async () => {
    const event = prEvent();
    event.pull_request.head.sha = 'f'.repeat(40);
    const result = await runEvent(
      { repository: 'meta-pr-shallow', tags: 'type=sha' },
      { cwd: prApp.dir, env: prEnv(), event },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(tagsOf(result)).toEqual([`sha-${prApp.mergeSha.slice(0, 7)}`]);
    expect(result.stdout).toMatch(/::warning::the pull request head fffffff is not in the checkout/);
  });

  it('pushes one build to two registries: both serve every tag at the same digest', async () => {
    const authFile = join(dir, 'mirror-auth.json');
    const logins = {
      auths: { [mirror.host]: { auth: basic(mirror.username, mirror.password) } },
    };
    writeFileSync(authFile, `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
    const result = await runEvent(
      {
        repository: 'multi-app',
        images: `${mirror.host}/mirror/multi-app`,
        tags: 'type=timestamp-sha\ntype=ref,event=branch',
      },
      { env: { REGISTRY_AUTH_FILE: authFile } },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const tag = `${app.commitTime}-${app.sha.slice(0, 7)}`;
    expect(result.outputs.image).toBe(`${registry.host}/multi-app`);
    expect(result.outputs.tags!.split('\n')).toEqual([
      `${registry.host}/multi-app:${tag}`,
      `${registry.host}/multi-app:main`,
      `${mirror.host}/mirror/multi-app:${tag}`,
      `${mirror.host}/mirror/multi-app:main`,
    ]);
    const digest = result.outputs.digest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.outputs['image-refs']!.split('\n')).toEqual([
      `${registry.host}/multi-app@${digest}`,
      `${mirror.host}/mirror/multi-app@${digest}`,
    ]);
    await expectServed('multi-app', result);
    for (const t of [tag, 'main']) {
      const response = await fetch(`${mirror.url}/v2/mirror/multi-app/manifests/${t}`, {
        method: 'HEAD',
        headers: {
          authorization: `Basic ${basic(mirror.username, mirror.password)}`,
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      expect(response.headers.get('docker-content-digest'), t).toBe(digest);
    }
    // The user's auth file is theirs: left as it was, our registry's password never written there.
    expect(readFileSync(authFile, 'utf8')).toBe(`${JSON.stringify(logins, null, 2)}\n`);

    // A second run of the commit reuses both.
    const again = await runEvent(
      {
        repository: 'multi-app',
        images: `${mirror.host}/mirror/multi-app`,
        tags: 'type=timestamp-sha\ntype=ref,event=branch',
      },
      { env: { REGISTRY_AUTH_FILE: authFile } },
    );
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ built: 'false', digest });

    // A registry added later gets the image copied from the primary, not rebuilt.
    const more = await runEvent(
      {
        repository: 'multi-app',
        images: `${mirror.host}/mirror/multi-app\n${mirror.host}/mirror/added`,
        tags: 'type=timestamp-sha\ntype=ref,event=branch',
      },
      { env: { REGISTRY_AUTH_FILE: authFile } },
    );
    expect(more.code, more.stdout + more.stderr).toBe(0);
    expect(more.outputs).toMatchObject({ built: 'false', digest });
    expect(more.stdout).toContain(
      `copied ${registry.host}/multi-app@${digest} to ${mirror.host}/mirror/added`,
    );
    const added = await fetch(`${mirror.url}/v2/mirror/added/manifests/main`, {
      method: 'HEAD',
      headers: {
        authorization: `Basic ${basic(mirror.username, mirror.password)}`,
        accept:
          'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    expect(added.headers.get('docker-content-digest')).toBe(digest);
  });
});
