import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shared plumbing of the harness: temp dirs, free ports, daemons that die with the test process. */

export function makeTempDir(prefix: string, base = tmpdir()): string {
  return mkdtempSync(join(base, `${prefix}-`));
}

/** A port that was free a moment ago (callers retry when a daemon loses the race for it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  child: ChildProcess;
  logFile: string;
  /** Last lines of the daemon's output, for failure messages. */
  logTail(lines?: number): string;
  exited(): boolean;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every daemon still running when the test process exits, however it exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  });
}

/**
 * Starts a long-running program in its own process group with output to a log file (a pipe that
 * nobody reads would block it). `stop()` sends `signal`, then SIGKILL to the group after `graceMs`.
 */
export function startDaemon(
  file: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv },
): Daemon {
  installExitHook();
  const out = openSync(options.logFile, 'a');
  const child = spawn(file, args, {
    stdio: ['ignore', out, out],
    detached: true,
    env: options.env ?? process.env,
  });
  live.add(child);
  let exited = false;
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
    child.once('error', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    child,
    logFile: options.logFile,
    logTail: (lines = 30) => {
      try {
        return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    exited: () => exited,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (exited) return;
      killGroup(signal);
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` until it returns true; fails early when `abort` returns a reason. */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const reason = options.abort?.();
    if (reason) throw new Error(`${options.what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${options.what}: not ready after ${options.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
