import { join } from 'node:path';
import {
  type AuthConfig,
  containersAuthFiles,
  readAuthFile,
  userCredentials,
  writeAuthFile,
  writePrivateFile,
} from '../../registry/docker-config.ts';
import { ExecError, exec } from '../../util/exec.ts';
import type { Builder, BuildRequest } from './builder.ts';
import { type Command, CommandLine } from './command.ts';
import { retryPush } from './push-retry.ts';

/** What a buildah build runs, in order. */
export interface BuildahPlan {
  /** Our private auth file, seeded with the user's logins; `login` adds ours to it. */
  authFile?: { path: string; config: AuthConfig };
  /** Secrets from environment variables, as owner-only files: buildah mounts secrets from files. */
  secretFiles: { path: string; value: string }[];
  login?: Command;
  /** Multi-platform: drops the manifest list an earlier run left in persistent storage. */
  removeManifest?: Command;
  build: Command;
  push: Command[];
}

/**
 * Daemonless builds with buildah. Storage and isolation follow buildah's own configuration
 * (STORAGE_DRIVER, CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION), so runners set them once.
 */
export const buildah: Builder = {
  name: 'buildah',
  // Isolation is the runner's to choose (chroot in unprivileged containers); the user's logins
  // seed our auth file.
  meantEnv: ['BUILDAH_ISOLATION', 'REGISTRY_AUTH_FILE'],
  async build(request) {
    const plan = planBuildah(request, request.login ? await userAuth(request) : {});
    if (plan.authFile) await writeAuthFile(plan.authFile.path, plan.authFile.config);
    for (const file of plan.secretFiles) await writePrivateFile(file.path, file.value);
    const run = (command: Command, log = request.log) =>
      exec('buildah', command.args, {
        displayArgs: command.display,
        input: command.input,
        env: request.env,
        logger: log,
      });
    // Login chatter goes to debug: it names the registry and nothing useful.
    if (plan.login) await run(plan.login, { ...request.log, info: request.log.debug });
    if (plan.removeManifest) await removeLeftover(plan.removeManifest, request);
    await request.log.group('buildah build', () => run(plan.build));
    if (plan.push.length === 0) return;
    await request.log.group('buildah push', async () => {
      for (const push of plan.push) {
        const to = push.args.at(-1)!.replace(/^docker:\/\//, '');
        await retryPush(() => run(push), { what: `buildah push ${to}`, log: request.log });
      }
    });
  },
};

/** Plans the build without running anything. `user`: the user's logins, to seed our auth file. */
export function planBuildah(request: BuildRequest, user: AuthConfig = {}): BuildahPlan {
  const tls = request.insecure ? ['--tls-verify=false'] : [];
  // With --authfile buildah reads no other auth file: ours starts from the user's logins.
  const authfile = request.login ? join(request.workDir, 'buildah-auth.json') : undefined;
  const auth = authfile ? ['--authfile', authfile] : [];
  const multiPlatform = request.platforms.length > 1;
  const primary = request.references[0]!;
  const plan: BuildahPlan = { secretFiles: [], build: { args: [], display: [] }, push: [] };
  if (request.login && authfile) {
    plan.authFile = { path: authfile, config: user };
    plan.login = new CommandLine('login', '--authfile', authfile, ...tls)
      .add('--username', request.login.username, '--password-stdin', request.login.host)
      .command(request.login.password);
  }

  const build = new CommandLine('build', ...auth, ...tls, '-f', request.dockerfile).buildArgs(request);
  request.secrets.forEach((secret, index) => {
    let src: string;
    if ('file' in secret) src = secret.file;
    else {
      src = join(request.workDir, 'secrets', String(index));
      plan.secretFiles.push({ path: src, value: secret.value });
    }
    build.add('--secret', `id=${secret.id},src=${src}`);
  });
  for (const [key, value] of Object.entries(request.labels)) build.add('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(request.annotations))
    build.add('--annotation', `${key}=${value}`);
  if (request.target) build.add('--target', request.target);
  if (request.platforms.length) build.add('--platform', request.platforms.join(','));
  if (request.timestamp !== undefined) build.add('--timestamp', String(request.timestamp));
  if (request.cache) {
    build.add('--layers', '--cache-from', request.cache);
    // Writing cache layers is a push: never on dry-run or push: false.
    if (request.push) build.add('--cache-to', request.cache);
  }
  if (multiPlatform) {
    // --manifest appends to an existing list: one left by an earlier run would keep its images.
    plan.removeManifest = new CommandLine('manifest', 'rm', primary).command();
    build.add('--manifest', primary);
  } else for (const ref of request.references) build.add('-t', ref);
  plan.build = build.add(request.context).command();

  if (request.push) {
    for (const ref of request.references) {
      const push = multiPlatform
        ? new CommandLine('manifest', 'push', '--all', ...auth, ...tls, primary, `docker://${ref}`)
        : // buildah's own retry covers dropped connections; retryPush covers 5xx and throttling.
          new CommandLine(
            'push',
            '--retry',
            '2',
            '--retry-delay',
            '2s',
            ...auth,
            ...tls,
            ref,
            `docker://${ref}`,
          );
      plan.push.push(push.command());
    }
  }
  return plan;
}

/** The logins buildah would use without `--authfile`, minus the registry we log in to. */
async function userAuth(request: BuildRequest): Promise<AuthConfig> {
  const configs = await Promise.all(containersAuthFiles(request.env).map(readAuthFile));
  return userCredentials(configs, [request.login!.host], 'containers');
}

async function removeLeftover(command: Command, request: BuildRequest): Promise<void> {
  const result = await exec('buildah', command.args, {
    env: request.env,
    allowFailure: true,
    logger: { ...request.log, info: request.log.debug },
  });
  if (result.code !== 0 && !/image not known|not found/i.test(result.stderr))
    throw new ExecError('buildah', result);
}
