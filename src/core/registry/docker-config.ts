import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { registryHost } from './hosts.ts';

export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

/**
 * Writes `<dir>/config.json` in Docker's format, readable by the owner only, and returns its path.
 * Point `DOCKER_CONFIG=<dir>` (docker) or `--authfile <path>` (buildah, skopeo, helm) at it, so
 * no password ever goes on a command line.
 */
export async function writeDockerConfig(
  dir: string,
  logins: RegistryLogin | RegistryLogin[],
): Promise<string> {
  const auths: Record<string, { auth: string }> = {};
  for (const login of Array.isArray(logins) ? logins : [logins]) {
    auths[registryHost(login.host)] = {
      auth: Buffer.from(`${login.username}:${login.password}`).toString('base64'),
    };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'config.json');
  const file = await open(path, 'w', 0o600);
  try {
    // The open mode only applies to a new file: tighten an existing one before the secret goes in.
    await file.chmod(0o600);
    await file.writeFile(`${JSON.stringify({ auths }, null, 2)}\n`);
  } finally {
    await file.close();
  }
  return path;
}
