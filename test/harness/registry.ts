import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { exec } from '../../src/core/util/exec.ts';
import { freePort, makeTempDir, removeDir, startDaemon, waitUntil } from './process.ts';

export interface RegistryHandle {
  /** `127.0.0.1:<port>`: use as the registry host (plain http, loopback; https with `tls`). */
  host: string;
  url: string;
  auth: boolean;
  /** The htpasswd user and its password (empty strings without auth). */
  username: string;
  password: string;
  /** Password of the extra user `AWS`, the one ECR tokens from the harness AWS server carry. */
  ecrPassword: string;
  /** The registry's storage, for tests that look at what landed on disk. */
  dataDir: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  auth?: boolean;
  username?: string;
  /** Serve HTTPS with this certificate (e.g. from makePrivateCa); `ca` is what clients must trust. */
  tls?: { certFile: string; keyFile: string; ca: string };
}

/**
 * Runs Debian's docker-registry (distribution 2.8) on a free loopback port with a throw-away
 * filesystem store, deletes enabled, and optional htpasswd (bcrypt) auth.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryHandle> {
  const dir = makeTempDir('ga-registry');
  try {
    const auth = options.auth ?? false;
    const username = auth ? (options.username ?? 'tester') : '';
    const password = auth ? randomBytes(12).toString('hex') : '';
    const ecrPassword = auth ? randomBytes(24).toString('base64url') : '';
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    let authConfig = '';
    if (auth) {
      // htpasswd reads the password on stdin (-i); cost 4 keeps each request's bcrypt check cheap.
      const lines: string[] = [];
      for (const [user, pass] of [
        [username, password],
        ['AWS', ecrPassword],
      ] as const) {
        lines.push((await exec('htpasswd', ['-iBn', '-C', '4', user], { input: pass })).stdout.trim());
      }
      writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
      authConfig = `auth:\n  htpasswd:\n    realm: harness\n    path: ${join(dir, 'htpasswd')}\n`;
    }
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      const config = join(dir, 'config.yml');
      writeFileSync(
        config,
        [
          'version: 0.1',
          'log:',
          '  level: error',
          '  accesslog:',
          '    disabled: true',
          'storage:',
          '  filesystem:',
          `    rootdirectory: ${dataDir}`,
          '  delete:',
          '    enabled: true',
          '  maintenance:',
          '    uploadpurging:',
          '      enabled: false',
          'http:',
          `  addr: ${host}`,
          `  secret: ${randomBytes(16).toString('hex')}`,
          ...(options.tls
            ? ['  tls:', `    certificate: ${options.tls.certFile}`, `    key: ${options.tls.keyFile}`]
            : []),
          'health:',
          '  storagedriver:',
          '    enabled: false',
          authConfig,
        ].join('\n'),
      );
      const daemon = startDaemon('/usr/bin/docker-registry', ['serve', config], {
        logFile: join(dir, 'registry.log'),
      });
      const url = `${options.tls ? 'https' : 'http'}://${host}`;
      // The harness itself trusts the private CA; the product under test must be told to.
      const dispatcher = options.tls ? new Agent({ connect: { ca: options.tls.ca } }) : undefined;
      try {
        await waitUntil(
          async () => {
            const res = await undiciFetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000), dispatcher });
            await res.body?.cancel();
            return res.status === 200 || res.status === 401;
          },
          {
            timeoutMs: 15_000,
            what: 'docker-registry',
            abort: () => (daemon.exited() ? `exited early:\n${daemon.logTail()}` : undefined),
          },
        );
      } catch (error) {
        await daemon.stop('SIGKILL');
        if (attempt < 3 && /address already in use/.test(daemon.logTail())) continue;
        throw error;
      }
      return {
        host,
        url,
        auth,
        username,
        password,
        ecrPassword,
        dataDir,
        async stop() {
          await dispatcher?.close();
          await daemon.stop('SIGTERM', 3000);
          removeDir(dir);
        },
      };
    }
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}
