/**
 * A GitHub step as the runner starts it (`node dist/<action>/index.js` with INPUT_* variables and
 * file commands), prepared once and then timed run after run: only the child process is on the clock.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFileCommand } from '../test/harness/github-runner.ts';
import { makeTempDir } from '../test/harness/process.ts';

export interface StepOptions {
  /** Folder for the step's files (the bench removes it at the end). */
  scratch: string;
  workspace: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  event?: Record<string, unknown>;
}

export interface StepRun {
  ms: number;
  outputs: Record<string, string>;
}

export interface Step {
  run(node: string, extraArgs?: string[], extraEnv?: Record<string, string>): Promise<StepRun>;
}

const HOST_PREFIXES = ['INPUT_', 'GITHUB_', 'ACTIONS_', 'RUNNER_', 'STATE_', 'CI_', 'GITLAB_'];

export function githubStep(action: string, options: StepOptions): Step {
  const bundle = resolve('dist', action, 'index.js');
  const dir = makeTempDir(action, options.scratch);
  const temp = join(dir, 'temp');
  mkdirSync(temp);
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
  };
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!HOST_PREFIXES.some((prefix) => key.startsWith(prefix)) && key !== 'CI') env[key] = value;
  }
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'org/app',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    ...files,
    ...options.env,
  });
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

  return {
    async run(node, extraArgs = [], extraEnv = {}) {
      for (const file of Object.values(files)) writeFileSync(file, '');
      const start = process.hrtime.bigint();
      // Asynchronous: the local AWS server answering the step lives in this process.
      const child = await runChild(node, [...extraArgs, bundle], options.workspace, { ...env, ...extraEnv });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (child.code !== 0) {
        throw new Error(`${action} exited ${child.code}:\n${child.stdout.slice(-3000)}${child.stderr}`);
      }
      return { ms, outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')) };
    },
  };
}

function runChild(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000); // a hung step fails the bench
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Wall time of one process, ms. */
export function timeProcess(command: string, args: string[], cwd?: string): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${child.status}`);
  return ms;
}
