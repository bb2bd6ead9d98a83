/**
 * The programs the demo starts: argument arrays (no shell), each in a process group of its own so
 * stopping it also stops what it started (buildah under the CLI), and a clean-up that runs exactly
 * once, on a normal end, a failure or Ctrl-C.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { DemoError, dim, redact, say } from './output.ts';

/** Clean-up actions, run in reverse order exactly once. */
const cleanups: (() => Promise<unknown>)[] = [];
/** Every process the demo started and that still runs. */
const running = new Set<ChildProcess>();
let cleaning: Promise<void> | undefined;

export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...running].map((child) => stop(child)));
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        say(dim(`      clean-up: ${(error as Error).message}`));
      }
    }
  })();
  return cleaning;
}

/** Stops a process the demo started, by its id (its process group): SIGTERM, SIGKILL after 3 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.on('exit', () => running.delete(child));
  child.on('error', () => running.delete(child));
  return child;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Goes to stdin. */
  input?: string;
  /** Streams stderr lines indented under the current step. */
  echo?: boolean;
  /** Resolves on a non-zero exit instead of rejecting. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program and resolves with its output; a non-zero exit rejects unless `allowFailure`. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { cwd, env, input, echo = false, allowFailure = false } = options;
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(command, args, {
        cwd,
        env: env ?? process.env,
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
      }),
    );
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      if (!echo) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) say(dim(`      │ ${redact(line)}`));
    });
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', (error) => reject(new DemoError(`cannot run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (echo && partial) say(dim(`      │ ${redact(partial)}`));
      const result = { code: code ?? 128, signal, stdout, stderr };
      if (code === 0 || allowFailure) resolve(result);
      else {
        const tail = redact(stderr.trim()).split('\n').slice(-15).join('\n');
        reject(
          new DemoError(
            `${command} ${args[0] ?? ''} failed (exit ${code ?? signal})${tail ? `:\n${tail}` : ''}`,
          ),
        );
      }
    });
  });
}

/** Starts a long-running program; the demo stops it at the end. */
export const startDaemon = (command: string, args: string[], options: SpawnOptions) =>
  track(spawn(command, args, { ...options, detached: true }));

export async function onPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      await access(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not here
    }
  }
  return undefined;
}

// The test harness's: a port that was free a moment ago.
export { freePort } from '../../test/harness/process.ts';

/** Polls `check` (true, or the reason it is not up yet) until it holds or the time is up. */
export async function waitFor(what: string, check: () => Promise<true | string>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = await check().catch((error: Error) => error.message);
    if (reason === true) return;
    if (Date.now() > deadline) throw new DemoError(`${what} did not come up: ${reason}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
