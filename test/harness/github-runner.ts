import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { actionNode, versionOf } from './node-runtime.ts';
import { makeTempDir, removeDir } from './process.ts';

export interface GitHubRunOptions {
  /** `with:` values; names as in action.yml (`role-to-assume`). */
  inputs?: Record<string, string | boolean | number>;
  /** Extra or overriding environment (GITHUB_REF, ACTIONS_ID_TOKEN_REQUEST_URL, AWS_*, …). */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE and the working directory (default: a fresh empty folder). */
  cwd?: string;
  /** The webhook payload written to GITHUB_EVENT_PATH (default: a push payload). */
  event?: Record<string, unknown>;
  timeoutMs?: number;
  /** The Node.js binary running the bundle (default: Node 24, the runner's `node24`). */
  node?: string;
  /**
   * On abort, the step and every program it started get SIGKILL at once, as when a runner dies
   * or a job is cancelled hard: nothing runs a clean-up.
   */
  kill?: AbortSignal;
}

export interface GitHubRunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY contents. */
  summary: string;
  /** GITHUB_STATE and GITHUB_ENV, parsed like outputs. */
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  /** Values registered with `::add-mask::`. */
  masks: string[];
  /** `node --version` of the Node.js that ran the bundle. */
  node: string;
}

/** Variables of the machine running the tests that must not leak into the simulated step. */
const HOST_PREFIXES = ['INPUT_', 'GITHUB_', 'ACTIONS_', 'RUNNER_', 'STATE_', 'CI_', 'GITLAB_'];

/**
 * Runs an action bundle the way the GitHub runner does: `node <bundle>` on Node 24, with
 * INPUT_<NAME> variables, fresh empty file-command files and the usual context variables, then
 * parses what the step wrote.
 */
export async function runAsGitHub(
  bundlePath: string,
  options: GitHubRunOptions = {},
): Promise<GitHubRunResult> {
  const dir = makeTempDir('ga-runner');
  try {
    const workspace = options.cwd ? resolve(options.cwd) : join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const runnerTemp = join(dir, 'runner-temp');
    mkdirSync(runnerTemp);
    const files = {
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_PATH: join(dir, 'path'),
    };
    // The runner creates them; @actions/core fails on a missing file.
    for (const file of Object.values(files)) writeFileSync(file, '');

    const ref = options.env?.GITHUB_REF ?? 'refs/heads/main';
    const sha = options.env?.GITHUB_SHA ?? headOf(workspace) ?? 'a'.repeat(40);
    const repository = options.env?.GITHUB_REPOSITORY ?? 'org/app';
    const eventName = options.env?.GITHUB_EVENT_NAME ?? 'push';
    const eventPath = join(dir, 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify(
        options.event ?? {
          ref,
          before: '0'.repeat(40),
          after: sha,
          created: false,
          forced: false,
          repository: { full_name: repository, default_branch: 'main' },
          head_commit: { id: sha, timestamp: commitTimeOf(workspace) ?? '2026-01-01T00:00:00Z' },
        },
      ),
    );

    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!HOST_PREFIXES.some((prefix) => key.startsWith(prefix)) && key !== 'CI') env[key] = value;
    }
    const refName = ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, '');
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_SHA: sha,
      GITHUB_REF: ref,
      GITHUB_REF_NAME: refName,
      GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
      GITHUB_REPOSITORY_ID: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_NUMBER: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'octocat',
      GITHUB_JOB: 'build',
      GITHUB_WORKFLOW: 'ci',
      RUNNER_TEMP: runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
      RUNNER_NAME: 'harness',
      ...files,
    });
    for (const [name, value] of Object.entries(options.inputs ?? {})) {
      // Runner rule: spaces become _, then upper-case; hyphens stay.
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
    }
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }

    const node = options.node ?? actionNode();
    const { code, stdout, stderr } = await run(node, [resolve(bundlePath)], {
      cwd: workspace,
      env,
      timeoutMs: options.timeoutMs ?? 120_000,
      kill: options.kill,
    });
    return {
      code,
      stdout,
      stderr,
      outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      state: parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8')),
      exportedEnv: parseFileCommand(readFileSync(files.GITHUB_ENV, 'utf8')),
      masks: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!),
      node: versionOf(node),
    };
  } finally {
    removeDir(dir);
  }
}

/** Parses `name=value` lines and `name<<DELIM … DELIM` blocks, as the runner does. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = line.indexOf('<<');
    const equals = line.indexOf('=');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i]!);
      }
      if (!closed) throw new Error(`Matching delimiter not found '${delimiter}'`);
      result[name] = value.join('\n');
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return result;
}

function headOf(dir: string): string | undefined {
  const out = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

function commitTimeOf(dir: string): string | undefined {
  const out = spawnSync('git', ['log', '-1', '--format=%cI'], { cwd: dir, encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

function run(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; kill?: AbortSignal },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that a kill reaches the programs the step started too.
      detached: options.kill !== undefined,
    });
    options.kill?.addEventListener('abort', () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: `${Buffer.concat(err).toString('utf8')}${timedOut ? `\n[harness] killed after ${options.timeoutMs} ms\n` : ''}`,
      });
    });
  });
}
