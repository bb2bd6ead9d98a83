import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import {
  type AuthConfig,
  dockerConfigDir,
  readAuthFile,
  userCredentials,
  writeAuthFile,
  writePrivateFile,
} from '../../registry/docker-config.ts';
import { ExecError, exec } from '../../util/exec.ts';
import type { Builder, BuildRequest } from './builder.ts';
import { type Command, CommandLine } from './command.ts';
import { retryPush } from './push-retry.ts';

/** What a docker build runs, in order. */
export interface DockerPlan {
  /** Secrets from environment variables, as owner-only files (for `docker build` without buildx). */
  secretFiles: { path: string; value: string }[];
  login?: Command;
  build: Command;
  /** `docker build` only: buildx pushes while it builds. */
  push: Command[];
}

/** The environment docker runs in, and the private config folder to prepare when logging in. */
export interface DockerEnvironment {
  env: NodeJS.ProcessEnv;
  /** Private DOCKER_CONFIG (with a login only): our credentials stay out of the user's config. */
  configDir?: string;
  /** The user's docker config folder, which the private one is seeded from. */
  userConfigDir: string;
}

/**
 * Builds with the docker CLI against whatever daemon DOCKER_HOST points at: `docker buildx build`
 * when the plugin is there, else `docker build` with BuildKit. Our login goes to a private
 * DOCKER_CONFIG seeded with the user's logins, plugins and buildx builders, so the user's own
 * config is used but never changed.
 */
export const docker: Builder = {
  name: 'docker',
  // Which daemon, over which TLS, with which config and context: the runner's setup.
  meantEnv: ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY'],
  async build(request) {
    const { env, configDir, userConfigDir } = dockerEnvironment(request);
    if (configDir) await seedPrivateConfig(configDir, userConfigDir, request.login!.host);
    const run = (command: Command, log = request.log, runEnv = env) =>
      exec('docker', command.args, {
        displayArgs: command.display,
        input: command.input,
        env: runEnv,
        logger: log,
      });
    const buildx = await hasBuildx(env);
    const plan = planDocker(request, buildx);
    for (const file of plan.secretFiles) await writePrivateFile(file.path, file.value);
    if (plan.login) await run(plan.login, { ...request.log, info: request.log.debug });
    if (buildx) {
      // buildx pushes while it builds: a push that failed for a transient reason runs the build
      // again, which its cache makes a push only.
      await request.log.group('docker buildx build', () =>
        request.push
          ? retryPush(() => run(plan.build), {
              what: `docker buildx build --push ${request.references[0]}`,
              log: request.log,
              phase: /push/i,
            })
          : run(plan.build),
      );
      return;
    }
    await request.log.group('docker build', async () => {
      try {
        await run(plan.build);
      } catch (error) {
        // Docker 23+ clients hand BuildKit builds to the buildx plugin; without it, the classic
        // builder still works, except for secrets.
        if (!(error instanceof ExecError) || !/buildx component is missing/.test(error.result.stderr))
          throw error;
        if (request.secrets.length) {
          throw new UserError(
            'docker: build secrets need BuildKit, which needs the buildx plugin here; install docker buildx or use builder: buildah',
          );
        }
        request.log.warning(
          'docker: BuildKit needs the buildx plugin, which is missing; using the classic builder',
        );
        await run(plan.build, request.log, { ...env, DOCKER_BUILDKIT: '0' });
      }
    });
    if (plan.push.length === 0) return;
    await request.log.group('docker push', async () => {
      for (const push of plan.push) {
        if (push.args[0] !== 'push') await run(push);
        else await retryPush(() => run(push), { what: `docker push ${push.args[1]}`, log: request.log });
      }
    });
  },
};

/** The environment for docker, without touching the disk. */
export function dockerEnvironment(request: BuildRequest): DockerEnvironment {
  const userConfigDir = dockerConfigDir(request.env);
  const env: NodeJS.ProcessEnv = { ...request.env, DOCKER_BUILDKIT: '1' };
  // buildx reads `--secret id=…,env=NAME` from its own environment.
  for (const secret of request.secrets) if ('env' in secret) env[secret.env] = secret.value;
  if (!request.login) return { env, userConfigDir };
  const configDir = join(request.workDir, 'docker-config');
  env.DOCKER_CONFIG = configDir;
  // buildx keeps builders (docker/setup-buildx-action's) under $DOCKER_CONFIG/buildx unless told.
  env.BUILDX_CONFIG = request.env.BUILDX_CONFIG || join(userConfigDir, 'buildx');
  return { env, configDir, userConfigDir };
}

/** Plans the build without running anything. `buildx`: whether the buildx plugin answers. */
export function planDocker(request: BuildRequest, buildx: boolean): DockerPlan {
  const plan: DockerPlan = { secretFiles: [], build: { args: [], display: [] }, push: [] };
  if (request.login) {
    plan.login = new CommandLine('login', '--username', request.login.username, '--password-stdin')
      .add(request.login.host)
      .command(request.login.password);
  }
  const multiPlatform = request.platforms.length > 1;
  if (!buildx && multiPlatform) {
    throw new UserError(
      'Building for several platforms needs docker buildx; install it or use builder: buildah',
    );
  }
  const build = buildx
    ? // No provenance attestation by default: it turns the image into an index with an
      // unknown/unknown entry, which ECR lists as an untagged image and Lambda refuses.
      new CommandLine('buildx', 'build', '--provenance=false', '-f', request.dockerfile)
    : new CommandLine('build', '-f', request.dockerfile);
  for (const ref of request.references) build.add('-t', ref);
  build.buildArgs(request);
  for (const [key, value] of Object.entries(request.labels)) build.add('--label', `${key}=${value}`);
  if (buildx) {
    for (const [key, value] of Object.entries(request.annotations))
      build.add('--annotation', `${key}=${value}`);
  } else if (Object.keys(request.annotations).length > 0) {
    request.log.info('docker build without buildx sets no manifest annotations (labels are set)');
  }
  if (request.target) build.add('--target', request.target);
  if (request.platforms.length) build.add('--platform', request.platforms.join(','));
  if (request.timestamp !== undefined) build.add('--build-arg', `SOURCE_DATE_EPOCH=${request.timestamp}`);
  request.secrets.forEach((secret, index) => {
    if ('file' in secret) build.add('--secret', `id=${secret.id},src=${secret.file}`);
    else if (buildx) build.add('--secret', `id=${secret.id},env=${secret.env}`);
    else {
      // `docker build` of older clients reads secrets from files only.
      const path = join(request.workDir, 'secrets', String(index));
      plan.secretFiles.push({ path, value: secret.value });
      build.add('--secret', `id=${secret.id},src=${path}`);
    }
  });

  if (buildx) {
    if (request.cache) {
      build.add('--cache-from', `type=registry,ref=${request.cache}`);
      if (request.push)
        build.add(
          '--cache-to',
          `type=registry,ref=${request.cache},mode=max,image-manifest=true,oci-mediatypes=true`,
        );
    }
    // --load cannot take a manifest list ("docker exporter does not currently support exporting
    // manifest lists"): a multi-platform build that is not pushed stays in the builder.
    if (request.push) build.add('--push');
    else if (multiPlatform) build.add('--output', 'type=image,push=false');
    else build.add('--load');
    plan.build = build.add(request.context).command();
    return plan;
  }

  if (request.cache) build.add('--cache-from', request.cache, '--build-arg', 'BUILDKIT_INLINE_CACHE=1');
  plan.build = build.add(request.context).command();
  if (request.push) {
    for (const ref of request.references) plan.push.push(new CommandLine('push', ref).command());
    if (request.cache) {
      plan.push.push(new CommandLine('tag', request.references[0]!, request.cache).command());
      plan.push.push(new CommandLine('push', request.cache).command());
    }
  }
  return plan;
}

/**
 * The private DOCKER_CONFIG: the user's logins (without ours, which `docker login` adds), their
 * current context, and links to their CLI plugins and contexts, so docker behaves as it does for them.
 */
export async function seedPrivateConfig(
  configDir: string,
  userConfigDir: string,
  host: string,
): Promise<void> {
  const user = (await readAuthFile(join(userConfigDir, 'config.json'))) as AuthConfig & {
    currentContext?: unknown;
  };
  const config: AuthConfig & { currentContext?: string } = userCredentials([user], [host], 'docker');
  if (typeof user.currentContext === 'string') config.currentContext = user.currentContext;
  await writeAuthFile(join(configDir, 'config.json'), config);
  for (const name of ['cli-plugins', 'contexts']) {
    const target = join(userConfigDir, name);
    if (existsSync(target) && !existsSync(join(configDir, name)))
      await symlink(target, join(configDir, name));
  }
}

async function hasBuildx(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { code } = await exec('docker', ['buildx', 'version'], { env, allowFailure: true }).catch(() => ({
    code: 1,
  }));
  return code === 0;
}
