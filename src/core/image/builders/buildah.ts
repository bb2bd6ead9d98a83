import { join } from 'node:path';
import { exec } from '../../util/exec.ts';
import type { Builder, BuildRequest } from './builder.ts';

/**
 * Daemonless builds with buildah. Storage and isolation follow buildah's own configuration
 * (STORAGE_DRIVER, CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION), so runners set them once.
 */
export const buildah: Builder = {
  name: 'buildah',
  async build(request) {
    const authfile = join(request.workDir, 'buildah-auth.json');
    const tls = request.insecure ? ['--tls-verify=false'] : [];
    if (request.login) {
      await exec(
        'buildah',
        [
          'login',
          '--authfile',
          authfile,
          ...tls,
          '--username',
          request.login.username,
          '--password-stdin',
          request.login.host,
        ],
        { input: request.login.password, logger: quiet(request) },
      );
    }
    const auth = request.login ? ['--authfile', authfile] : [];
    const multiPlatform = request.platforms.length > 1;
    const primary = request.references[0]!;
    const args = ['build', ...auth, ...tls, '-f', request.dockerfile, ...buildOptions(request)];
    if (multiPlatform) args.push('--manifest', primary);
    else for (const ref of request.references) args.push('-t', ref);
    args.push(request.context);
    await request.log.group('buildah build', () => exec('buildah', args, { logger: request.log }));
    if (!request.push) return;
    await request.log.group('buildah push', async () => {
      for (const ref of request.references) {
        const push = multiPlatform
          ? ['manifest', 'push', '--all', ...auth, ...tls, primary, `docker://${ref}`]
          : ['push', ...auth, ...tls, ref, `docker://${ref}`];
        await exec('buildah', push, { logger: request.log });
      }
    });
  },
};

function buildOptions(request: BuildRequest): string[] {
  const args: string[] = [];
  for (const arg of request.buildArgs) args.push('--build-arg', arg);
  for (const [key, value] of Object.entries(request.labels)) args.push('--label', `${key}=${value}`);
  if (request.target) args.push('--target', request.target);
  if (request.platforms.length) args.push('--platform', request.platforms.join(','));
  if (request.timestamp !== undefined) args.push('--timestamp', String(request.timestamp));
  if (request.cache) args.push('--layers', '--cache-from', request.cache, '--cache-to', request.cache);
  return args;
}

/** Login chatter goes to debug: it names the registry and nothing useful. */
const quiet = (request: BuildRequest) => ({ ...request.log, info: request.log.debug });
