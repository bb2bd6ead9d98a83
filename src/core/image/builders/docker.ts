import { join } from 'node:path';
import { ExecError, exec } from '../../util/exec.ts';
import type { Builder, BuildRequest } from './builder.ts';

/**
 * Builds with the docker CLI against whatever daemon DOCKER_HOST points at: `docker buildx build`
 * when the plugin is there, else `docker build` with BuildKit. Credentials live in a private
 * DOCKER_CONFIG for this run only, so the runner's own docker login is neither used nor changed.
 */
export const docker: Builder = {
  name: 'docker',
  async build(request) {
    const env = {
      ...process.env,
      DOCKER_CONFIG: join(request.workDir, 'docker-config'),
      DOCKER_BUILDKIT: '1',
    };
    if (request.login) {
      await exec(
        'docker',
        ['login', '--username', request.login.username, '--password-stdin', request.login.host],
        {
          input: request.login.password,
          env,
          logger: { ...request.log, info: request.log.debug },
        },
      );
    }
    if (await hasBuildx(env)) await buildx(request, env);
    else await classic(request, env);
  },
};

async function hasBuildx(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { code } = await exec('docker', ['buildx', 'version'], { env, allowFailure: true }).catch(() => ({
    code: 1,
  }));
  return code === 0;
}

async function buildx(request: BuildRequest, env: NodeJS.ProcessEnv): Promise<void> {
  // No provenance attestation by default: it turns the image into an index with an unknown/unknown
  // entry, which ECR lists as an untagged image and Lambda refuses.
  const args = ['buildx', 'build', '--provenance=false', '-f', request.dockerfile, ...common(request)];
  if (request.cache) {
    args.push('--cache-from', `type=registry,ref=${request.cache}`);
    if (request.push)
      args.push(
        '--cache-to',
        `type=registry,ref=${request.cache},mode=max,image-manifest=true,oci-mediatypes=true`,
      );
  }
  args.push(request.push ? '--push' : '--load', request.context);
  await request.log.group('docker buildx build', () => exec('docker', args, { env, logger: request.log }));
}

async function classic(request: BuildRequest, env: NodeJS.ProcessEnv): Promise<void> {
  if (request.platforms.length > 1) {
    throw new Error('Building for several platforms needs docker buildx; install it or use builder: buildah');
  }
  const args = ['build', '-f', request.dockerfile, ...common(request)];
  if (request.cache) args.push('--cache-from', request.cache, '--build-arg', 'BUILDKIT_INLINE_CACHE=1');
  args.push(request.context);
  await request.log.group('docker build', async () => {
    try {
      await exec('docker', args, { env, logger: request.log });
    } catch (error) {
      // Docker 23+ clients hand BuildKit builds to the buildx plugin; without it, the classic
      // builder still works.
      if (!(error instanceof ExecError) || !/buildx component is missing/.test(error.result.stderr))
        throw error;
      request.log.warning(
        'docker: BuildKit needs the buildx plugin, which is missing; using the classic builder',
      );
      await exec('docker', args, { env: { ...env, DOCKER_BUILDKIT: '0' }, logger: request.log });
    }
  });
  if (!request.push) return;
  await request.log.group('docker push', async () => {
    for (const ref of request.references) await exec('docker', ['push', ref], { env, logger: request.log });
    if (request.cache) {
      await exec('docker', ['tag', request.references[0]!, request.cache], { env });
      await exec('docker', ['push', request.cache], { env, logger: request.log });
    }
  });
}

function common(request: BuildRequest): string[] {
  const args: string[] = [];
  for (const ref of request.references) args.push('-t', ref);
  for (const arg of request.buildArgs) args.push('--build-arg', arg);
  for (const [key, value] of Object.entries(request.labels)) args.push('--label', `${key}=${value}`);
  if (request.target) args.push('--target', request.target);
  if (request.platforms.length) args.push('--platform', request.platforms.join(','));
  if (request.timestamp !== undefined) args.push('--build-arg', `SOURCE_DATE_EPOCH=${request.timestamp}`);
  return args;
}
