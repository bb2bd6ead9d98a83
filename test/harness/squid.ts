import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, makeTempDir, removeDir, startDaemon, waitUntil } from './process.ts';

export interface SquidHandle {
  /** `http://127.0.0.1:<port>`: the value for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  /** Access log lines (`<method> <url or host:port> <status>`); complete once stopped. */
  accessLog(): string[];
  stop(): Promise<void>;
}

/**
 * Debian's squid as a forward proxy on loopback. `hosts` maps made-up names to 127.0.0.1 in squid's
 * own hosts file, so those names resolve only through the proxy (the system resolver never knows
 * them); any other name fails, because squid's only DNS server is one nobody runs.
 */
export async function startSquid(options: { hosts: string[] }): Promise<SquidHandle> {
  const dir = makeTempDir('ga-squid');
  // As root, squid drops to the `proxy` user, which must write its logs here.
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'hosts'), `${options.hosts.map((h) => `127.0.0.1 ${h}`).join('\n')}\n`);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = join(dir, 'squid.conf');
    writeFileSync(
      config,
      [
        `http_port 127.0.0.1:${port}`,
        'http_access allow localhost',
        'http_access deny all',
        `hosts_file ${join(dir, 'hosts')}`,
        'dns_nameservers 127.0.0.1',
        'dns_timeout 2 seconds',
        'dns_v4_first on',
        'logformat harness %rm %ru %>Hs',
        `access_log stdio:${join(dir, 'access.log')} harness`,
        `cache_log ${join(dir, 'cache.log')}`,
        `pid_filename ${join(dir, 'squid.pid')}`,
        `coredump_dir ${dir}`,
        'cache deny all',
        'netdb_filename none',
        'logfile_rotate 0',
        'shutdown_lifetime 0 seconds',
        'buffered_logs off',
      ].join('\n'),
    );
    const daemon = startDaemon('/usr/sbin/squid', ['-N', '-f', config], { logFile: join(dir, 'squid.out') });
    try {
      await waitUntil(
        () =>
          new Promise<boolean>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.destroy();
              resolve(true);
            });
            socket.on('error', () => resolve(false));
          }),
        {
          timeoutMs: 20_000,
          what: 'squid',
          abort: () => (daemon.exited() ? `exited early:\n${daemon.logTail()}\n${tail(dir)}` : undefined),
        },
      );
    } catch (error) {
      await daemon.stop('SIGKILL');
      if (attempt < 3 && /Address already in use/i.test(tail(dir))) continue;
      removeDir(dir);
      throw error;
    }
    let final: string[] | undefined;
    // Requests are logged when their connection ends; the readiness probe's line is left out.
    const accessLog = () => {
      try {
        const text = readFileSync(join(dir, 'access.log'), 'utf8');
        return text.split('\n').filter((line) => line && !line.startsWith('- '));
      } catch {
        return [];
      }
    };
    return {
      url: `http://127.0.0.1:${port}`,
      accessLog: () => final ?? accessLog(),
      async stop() {
        if (final) return;
        await daemon.stop('SIGTERM', 3000);
        final = accessLog();
        removeDir(dir);
      },
    };
  }
}

function tail(dir: string): string {
  try {
    return readFileSync(join(dir, 'cache.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}
