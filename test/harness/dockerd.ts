import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { exec } from '../../src/core/util/exec.ts';
import { makeTempDir, removeDir, startDaemon, waitUntil } from './process.ts';

export interface DockerdHandle {
  /** `unix:///tmp/…/docker.sock`, for DOCKER_HOST or `docker -H`. */
  host: string;
  socket: string;
  /** DOCKER_HOST (and a private DOCKER_CONFIG) for programs that should use this daemon. */
  env: Record<string, string>;
  dataRoot: string;
  storageDriver: string;
  stop(): Promise<void>;
}

let lastReason: string | undefined;

/** Why the last `startDockerd()` returned undefined. */
export function dockerdUnavailableReason(): string | undefined {
  return lastReason;
}

/**
 * Starts a private dockerd (own data-root, exec-root, pidfile and socket under a temp dir, no
 * bridge, no iptables) and waits for /_ping. Returns undefined, with `dockerdUnavailableReason()`,
 * when this machine cannot run one, so tests can skip with a clear message.
 */
export async function startDockerd(): Promise<DockerdHandle | undefined> {
  lastReason = undefined;
  if (process.getuid?.() !== 0) return unavailable('dockerd needs root, and the tests do not run as root');
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd')) {
    return unavailable('dockerd is not installed');
  }
  const failures: string[] = [];
  // overlay2 is fast; vfs works on any filesystem (nested overlay, tmpfs quirks).
  for (const driver of ['overlay2', 'vfs']) {
    const handle = await tryStart(driver).catch((error: Error) => {
      failures.push(`${driver}: ${error.message}`);
      return undefined;
    });
    if (handle) return handle;
  }
  return unavailable(`dockerd did not start:\n${failures.join('\n')}`);
}

function unavailable(reason: string): undefined {
  lastReason = reason;
  return undefined;
}

async function tryStart(storageDriver: string): Promise<DockerdHandle> {
  // Short base path: the socket path must fit in 108 bytes, containerd's under exec-root too.
  const dir = makeTempDir('gad', '/tmp');
  const socket = join(dir, 'docker.sock');
  const dataRoot = join(dir, 'data');
  const configFile = join(dir, 'daemon.json');
  // Our own (empty) daemon.json so /etc/docker/daemon.json never applies.
  writeFileSync(configFile, '{}\n');
  const daemon = startDaemon(
    process.env.DOCKERD_PATH ?? 'dockerd',
    [
      '--config-file',
      configFile,
      '--data-root',
      dataRoot,
      '--exec-root',
      join(dir, 'x'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '--host',
      `unix://${socket}`,
      '--storage-driver',
      storageDriver,
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--userland-proxy=false',
      '--log-level=warn',
    ],
    { logFile: join(dir, 'dockerd.log') },
  );
  const cleanup = async () => {
    await daemon.stop('SIGTERM', 15_000);
    await unmountUnder(dir);
    removeDir(dir);
  };
  try {
    await waitUntil(() => ping(socket), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `dockerd (${storageDriver})`,
      abort: () => (daemon.exited() ? `exited early:\n${daemon.logTail(15)}` : undefined),
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const configDir = join(dir, 'docker-config');
  return {
    host: `unix://${socket}`,
    socket,
    env: { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: configDir },
    dataRoot,
    storageDriver,
    stop: cleanup,
  };
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Container and overlay mounts left under the temp dir would make its removal fail. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((point): point is string => !!point && point.startsWith(`${dir}/`))
    .reverse();
  for (const point of mounts) await exec('umount', ['-l', point], { allowFailure: true });
}
