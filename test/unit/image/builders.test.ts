import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planBuildah } from '../../../src/core/image/builders/buildah.ts';
import type { BuildRequest } from '../../../src/core/image/builders/builder.ts';
import { dockerEnvironment, planDocker, seedPrivateConfig } from '../../../src/core/image/builders/docker.ts';
import { isTransientPushFailure } from '../../../src/core/image/builders/push-retry.ts';
import { silentLogger } from '../../../src/core/log.ts';

const primary = '127.0.0.1:5000/my-app:1764000000-0123456';
const second = '127.0.0.1:5000/my-app:stable';

function request(extra: Partial<BuildRequest> = {}): BuildRequest {
  return {
    context: '/ws/app',
    dockerfile: '/ws/app/Dockerfile',
    references: [primary, second],
    buildArgs: ['BASE_IMAGE=base:1', 'NPM_TOKEN=tok-123'],
    secrets: [],
    labels: { 'org.opencontainers.image.revision': 'abc' },
    annotations: { 'org.opencontainers.image.title': 'app' },
    platforms: [],
    push: true,
    insecure: true,
    workDir: '/tmp/run',
    env: { HOME: '/home/u', PATH: '/usr/bin' },
    log: silentLogger,
    ...extra,
  };
}

const login = { host: '127.0.0.1:5000', username: 'AWS', password: 'pw-secret' };
const valuesOf = (args: string[], flag: string) => args.filter((_, i) => args[i - 1] === flag);

describe('planBuildah', () => {
  it('writes cache layers only when pushing', () => {
    const pushed = planBuildah(request({ cache: '127.0.0.1:5000/my-app' })).build.args;
    expect(valuesOf(pushed, '--cache-from')).toEqual(['127.0.0.1:5000/my-app']);
    expect(valuesOf(pushed, '--cache-to')).toEqual(['127.0.0.1:5000/my-app']);
    const local = planBuildah(request({ cache: '127.0.0.1:5000/my-app', push: false }));
    expect(local.build.args).toContain('--cache-from');
    expect(local.build.args).not.toContain('--cache-to');
    expect(local.push).toEqual([]);
  });

  it('tags every reference on a single-platform build and pushes each', () => {
    const plan = planBuildah(request({ platforms: ['linux/amd64'] }));
    expect(valuesOf(plan.build.args, '-t')).toEqual([primary, second]);
    expect(plan.build.args).not.toContain('--manifest');
    expect(plan.removeManifest).toBeUndefined();
    expect(plan.build.args.at(-1)).toBe('/ws/app');
    expect(plan.push.map((c) => c.args)).toEqual([
      ['push', '--retry', '2', '--retry-delay', '2s', '--tls-verify=false', primary, `docker://${primary}`],
      ['push', '--retry', '2', '--retry-delay', '2s', '--tls-verify=false', second, `docker://${second}`],
    ]);
  });

  it('multi-platform: removes a leftover manifest list first, then pushes the list to every tag', () => {
    const plan = planBuildah(request({ platforms: ['linux/amd64', 'linux/arm64'] }));
    expect(plan.removeManifest?.args).toEqual(['manifest', 'rm', primary]);
    expect(valuesOf(plan.build.args, '--manifest')).toEqual([primary]);
    expect(valuesOf(plan.build.args, '--platform')).toEqual(['linux/amd64,linux/arm64']);
    expect(plan.build.args).not.toContain('-t');
    expect(plan.push.map((c) => c.args)).toEqual([
      ['manifest', 'push', '--all', '--tls-verify=false', primary, `docker://${primary}`],
      ['manifest', 'push', '--all', '--tls-verify=false', primary, `docker://${second}`],
    ]);
    const local = planBuildah(request({ platforms: ['linux/amd64', 'linux/arm64'], push: false }));
    expect(local.removeManifest).toBeDefined();
    expect(local.push).toEqual([]);
  });

  it('logs in with the password on stdin into a private auth file seeded with the user logins', () => {
    const user = { auths: { 'ghcr.io': { auth: 'dXNlcjpwYXNz' } } };
    const plan = planBuildah(request({ login, secrets: [] }), user);
    const authfile = '/tmp/run/buildah-auth.json';
    expect(plan.authFile).toEqual({ path: authfile, config: user });
    expect(plan.login?.args).toEqual([
      'login',
      '--authfile',
      authfile,
      '--tls-verify=false',
      '--username',
      'AWS',
      '--password-stdin',
      '127.0.0.1:5000',
    ]);
    expect(plan.login?.input).toBe('pw-secret');
    expect(valuesOf(plan.build.args, '--authfile')).toEqual([authfile]);
    for (const push of plan.push) expect(valuesOf(push.args, '--authfile')).toEqual([authfile]);
    const all = [plan.login!, plan.build, ...plan.push].flatMap((c) => c.args);
    expect(all).not.toContain('pw-secret');
  });

  it('uses the user auth files untouched when there is nothing to log in to', () => {
    const plan = planBuildah(request());
    expect(plan.authFile).toBeUndefined();
    expect(plan.login).toBeUndefined();
    expect(plan.build.args).not.toContain('--authfile');
  });

  it('mounts secrets from files: env secrets are written to owner-only files, values never on argv', () => {
    const plan = planBuildah(
      request({
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN', value: 'tok-value' },
          { id: 'netrc', file: '/home/u/.netrc' },
        ],
      }),
    );
    expect(valuesOf(plan.build.args, '--secret')).toEqual([
      'id=npm,src=/tmp/run/secrets/0',
      'id=netrc,src=/home/u/.netrc',
    ]);
    expect(plan.secretFiles).toEqual([{ path: '/tmp/run/secrets/0', value: 'tok-value' }]);
    expect(plan.build.args.join(' ')).not.toContain('tok-value');
  });

  it('hides build-arg values in the logged command line only', () => {
    const { args, display } = planBuildah(request({ timestamp: 1764000000 })).build;
    expect(valuesOf(args, '--build-arg')).toEqual(['BASE_IMAGE=base:1', 'NPM_TOKEN=tok-123']);
    expect(valuesOf(display, '--build-arg')).toEqual(['BASE_IMAGE=***', 'NPM_TOKEN=***']);
    expect(display.join(' ')).not.toContain('tok-123');
    expect(valuesOf(display, '--timestamp')).toEqual(['1764000000']);
    expect(display.length).toBe(args.length);
  });
});

describe('planDocker (buildx)', () => {
  it('pushes while building, and writes the registry cache only then', () => {
    const { build, push } = planDocker(request({ cache: `${primary}-cache` }), true);
    expect(build.args.slice(0, 3)).toEqual(['buildx', 'build', '--provenance=false']);
    expect(valuesOf(build.args, '-t')).toEqual([primary, second]);
    expect(valuesOf(build.args, '--cache-from')).toEqual([`type=registry,ref=${primary}-cache`]);
    expect(valuesOf(build.args, '--cache-to')).toHaveLength(1);
    expect(build.args).toContain('--push');
    expect(push).toEqual([]);
    const local = planDocker(request({ cache: `${primary}-cache`, push: false }), true).build.args;
    expect(local).not.toContain('--cache-to');
    expect(local).not.toContain('--push');
  });

  it('loads a single-platform build that is not pushed', () => {
    const { args } = planDocker(request({ push: false, platforms: ['linux/amd64'] }), true).build;
    expect(args).toContain('--load');
    expect(args).not.toContain('--output');
  });

  it('keeps a multi-platform build that is not pushed in the builder instead of --load', () => {
    const { args } = planDocker(
      request({ push: false, platforms: ['linux/amd64', 'linux/arm64'] }),
      true,
    ).build;
    expect(args).not.toContain('--load');
    expect(valuesOf(args, '--output')).toEqual(['type=image,push=false']);
    expect(valuesOf(args, '--platform')).toEqual(['linux/amd64,linux/arm64']);
  });

  it('passes env secrets by name and file secrets by path', () => {
    const plan = planDocker(
      request({
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN', value: 'tok-value' },
          { id: 'netrc', file: '/home/u/.netrc' },
        ],
      }),
      true,
    );
    expect(valuesOf(plan.build.args, '--secret')).toEqual([
      'id=npm,env=NPM_TOKEN',
      'id=netrc,src=/home/u/.netrc',
    ]);
    expect(plan.secretFiles).toEqual([]);
    expect(plan.build.args.join(' ')).not.toContain('tok-value');
  });

  it('logs in with the password on stdin and hides build-arg values in the log', () => {
    const plan = planDocker(request({ login }), true);
    expect(plan.login?.args).toEqual(['login', '--username', 'AWS', '--password-stdin', '127.0.0.1:5000']);
    expect(plan.login?.input).toBe('pw-secret');
    expect(valuesOf(plan.build.display, '--build-arg')).toEqual(['BASE_IMAGE=***', 'NPM_TOKEN=***']);
  });
});

describe('planDocker (docker build)', () => {
  it('builds, then pushes every reference and the cache, only when pushing', () => {
    const plan = planDocker(request({ cache: `${primary}-cache` }), false);
    expect(plan.build.args[0]).toBe('build');
    expect(plan.build.args).not.toContain('--push');
    expect(plan.push.map((c) => c.args)).toEqual([
      ['push', primary],
      ['push', second],
      ['tag', primary, `${primary}-cache`],
      ['push', `${primary}-cache`],
    ]);
    expect(planDocker(request({ cache: `${primary}-cache`, push: false }), false).push).toEqual([]);
  });

  it('writes env secrets to owner-only files for docker build', () => {
    const plan = planDocker(request({ secrets: [{ id: 'npm', env: 'NPM_TOKEN', value: 'v' }] }), false);
    expect(valuesOf(plan.build.args, '--secret')).toEqual(['id=npm,src=/tmp/run/secrets/0']);
    expect(plan.secretFiles).toEqual([{ path: '/tmp/run/secrets/0', value: 'v' }]);
  });

  it('refuses several platforms without buildx, naming the way out', () => {
    expect(() => planDocker(request({ platforms: ['linux/amd64', 'linux/arm64'] }), false)).toThrow(
      /needs docker buildx; install it or use builder: buildah/,
    );
  });
});

describe('dockerEnvironment', () => {
  it('without a login, docker runs with the user config as it is', () => {
    const { env, configDir } = dockerEnvironment(request({ env: { DOCKER_CONFIG: '/cfg', PATH: '/bin' } }));
    expect(configDir).toBeUndefined();
    expect(env.DOCKER_CONFIG).toBe('/cfg');
    expect(env.BUILDX_CONFIG).toBeUndefined();
  });

  it('with a login: a private DOCKER_CONFIG, buildx still pointed at the user builders', () => {
    const home = dockerEnvironment(request({ login }));
    expect(home.env.DOCKER_CONFIG).toBe('/tmp/run/docker-config');
    expect(home.userConfigDir).toBe('/home/u/.docker');
    expect(home.env.BUILDX_CONFIG).toBe('/home/u/.docker/buildx');
    const custom = dockerEnvironment(request({ login, env: { DOCKER_CONFIG: '/runner/docker' } }));
    expect(custom.env.BUILDX_CONFIG).toBe('/runner/docker/buildx');
    const own = dockerEnvironment(request({ login, env: { DOCKER_CONFIG: '/d', BUILDX_CONFIG: '/bx' } }));
    expect(own.env.BUILDX_CONFIG).toBe('/bx');
  });

  it('hands env secrets to docker under their own names', () => {
    const { env } = dockerEnvironment(request({ secrets: [{ id: 'npm', env: 'NPM_TOKEN', value: 'v1' }] }));
    expect(env.NPM_TOKEN).toBe('v1');
  });
});

describe('seedPrivateConfig', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("copies the user's logins, context, plugins and contexts, never our registry's entry", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-seed-'));
    dirs.push(dir);
    const user = join(dir, 'user');
    mkdirSync(join(user, 'cli-plugins'), { recursive: true });
    mkdirSync(join(user, 'contexts'));
    const userConfig = {
      auths: { 'ghcr.io': { auth: 'Z2g6cA==' }, '127.0.0.1:5000': { auth: 'b2xkOm9sZA==' } },
      credHelpers: { 'public.ecr.aws': 'ecr-login' },
      credsStore: 'pass',
      currentContext: 'remote',
      proxies: { default: { httpProxy: 'http://proxy' } },
    };
    writeFileSync(join(user, 'config.json'), JSON.stringify(userConfig));
    const priv = join(dir, 'private');
    await seedPrivateConfig(priv, user, '127.0.0.1:5000');
    expect(JSON.parse(readFileSync(join(priv, 'config.json'), 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: 'Z2g6cA==' } },
      credHelpers: { 'public.ecr.aws': 'ecr-login', '127.0.0.1:5000': '' },
      credsStore: 'pass',
      currentContext: 'remote',
    });
    expect(lstatSync(join(priv, 'config.json')).mode & 0o777).toBe(0o600);
    expect(readlinkSync(join(priv, 'cli-plugins'))).toBe(join(user, 'cli-plugins'));
    expect(readlinkSync(join(priv, 'contexts'))).toBe(join(user, 'contexts'));
    expect(JSON.parse(readFileSync(join(user, 'config.json'), 'utf8'))).toEqual(userConfig);
  });

  it('starts empty when the user has no docker config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-seed-'));
    dirs.push(dir);
    await seedPrivateConfig(join(dir, 'private'), join(dir, 'none'), '127.0.0.1:5000');
    expect(JSON.parse(readFileSync(join(dir, 'private', 'config.json'), 'utf8'))).toEqual({ auths: {} });
  });
});

describe('isTransientPushFailure: which failed pushes are pushed again', () => {
  const cases: [string, string, RegExp | undefined, boolean][] = [
    [
      'buildah, 503 on blob upload start',
      'Error: writing blob: initiating layer upload to /v2/app/blobs/uploads/ in 127.0.0.1:5000: received unexpected HTTP status: 503 Service Unavailable',
      undefined,
      true,
    ],
    [
      'buildah, 429 on manifest',
      'Error: writing manifest: uploading manifest 1 to 127.0.0.1:5000/app: too many requests to registry',
      undefined,
      true,
    ],
    [
      'buildah, connection cut mid-blob',
      'Error: writing blob: Patch "http://127.0.0.1:5000/v2/app/blobs/uploads/x": write tcp 127.0.0.1:1->127.0.0.1:5000: write: connection reset by peer',
      undefined,
      true,
    ],
    [
      'refused credentials',
      'Error: writing blob: initiating layer upload: authentication required',
      undefined,
      false,
    ],
    [
      'denied',
      'Error: writing manifest: denied: requested access to the resource is denied',
      undefined,
      false,
    ],
    ['docker push, 502', 'received unexpected HTTP status: 502 Bad Gateway', undefined, true],
    [
      'buildx: the push failed with 503',
      'ERROR: failed to solve: failed to push 127.0.0.1:5000/app:1: unexpected status from PUT request: 503 Service Unavailable',
      /push/i,
      true,
    ],
    [
      'buildx: a RUN step got a 503 (a build failure, not a push failure)',
      'ERROR: failed to solve: process "/bin/sh -c curl -f http://x" did not complete successfully: exit code: 22\ncurl: (22) The requested URL returned error: 503',
      /push/i,
      false,
    ],
    ['a Dockerfile error', 'Error: building at STEP "RUN false": exit status 1', undefined, false],
  ];
  it.each(cases)('%s', (_name, output, phase, expected) => {
    expect(isTransientPushFailure(output, phase)).toBe(expected);
  });
});
