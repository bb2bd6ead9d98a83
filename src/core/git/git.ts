/**
 * The one way core code runs git: argument arrays in one folder with one environment (credentials
 * included, see env.ts `gitEnv`), and one wording for git's failures.
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type ExecResult, exec } from '../util/exec.ts';
import { retry } from '../util/retry.ts';
import { toolHint } from '../util/tool-failures.ts';

// File names come out as UTF-8, never octal-escaped (`-z` output is raw anyway; diffs are read by people).
const QUOTE_PATH_OFF = ['-c', 'core.quotePath=off'];

export class Git {
  constructor(
    readonly cwd: string,
    readonly env?: NodeJS.ProcessEnv,
    readonly log?: Logger,
  ) {}

  /** Runs git and resolves whatever the exit code; rejects only when git cannot be started. */
  exec(args: readonly string[], input?: string, onStdout?: (text: string) => void): Promise<ExecResult> {
    this.log?.debug(`$ git ${args.join(' ')}`);
    return exec('git', [...QUOTE_PATH_OFF, ...args], {
      cwd: this.cwd,
      env: this.env,
      input,
      allowFailure: true,
      onStdout,
    });
  }

  /** Runs git and returns stdout; a non-zero exit throws `git <subcommand> failed: <git's reason>`. */
  async run(args: readonly string[], input?: string): Promise<string> {
    return this.checked(args, await this.exec(args, input)).stdout;
  }

  /** Like run, stdout as bytes. */
  async runBytes(args: readonly string[], input?: string): Promise<Buffer> {
    return this.checked(args, await this.exec(args, input)).stdoutBytes ?? Buffer.alloc(0);
  }

  /** Like run, but hands stdout to `onText` piece by piece while git writes it. */
  async stream(args: readonly string[], onText: (text: string) => void): Promise<void> {
    this.checked(args, await this.exec(args, undefined, onText));
  }

  private checked(args: readonly string[], result: ExecResult): ExecResult {
    if (result.code !== 0) {
      this.log?.debug(`git ${args.join(' ')} failed: ${result.stderr}`);
      throw new UserError(`git ${subcommand(args)} failed: ${gitMessage(result)}`);
    }
    return result;
  }

  /** Runs git; undefined instead of an error on a non-zero exit or when git is missing. */
  async try(args: readonly string[]): Promise<string | undefined> {
    const result = await this.exec(args).catch(() => undefined);
    return result?.code === 0 ? result.stdout : undefined;
  }
}

/** The git subcommand in an argument list that may start with `-c key=value` pairs. */
function subcommand(args: readonly string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  return args[i] ?? 'git';
}

/**
 * The most telling lines of git's stderr (fatal/error lines), without git's own hints, then ours
 * for a known failure (what to change).
 */
export function gitMessage(result: ExecResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'));
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  const message = (fatal.length ? fatal : lines).slice(-3).join(' / ') || `exit code ${result.code}`;
  return withGitHint(message, result.stderr);
}

/** `message; hint: …` when `output` shows a known git failure. */
export function withGitHint(message: string, output = message): string {
  const hint = toolHint('git', output);
  return hint ? `${message}; hint: ${hint}` : message;
}

/**
 * Git failures a later attempt may not see: the connection dropped or timed out, the server
 * answered 5xx/429, the transfer was cut. Refusals (auth, missing repository, hooks) are not.
 */
const TRANSIENT =
  /RPC failed|early EOF|remote end hung up unexpectedly|unexpected disconnect|connection reset|connection refused|connection timed out|operation timed out|failed to connect|could not resolve host|empty reply from server|transfer closed|returned error: (5\d\d|429)|\b(50[0234]|429)\b.*(error|status)|index-pack failed|bad pack header|not cleanly closed|recv failure|send failure|gnutls|SSL_ERROR/i;
const REFUSED =
  /authentication failed|returned error: (401|403|404)|not found|permission denied|could not read Username/i;

export function isTransientGitFailure(result: ExecResult): boolean {
  return result.code !== 0 && TRANSIENT.test(result.stderr) && !REFUSED.test(result.stderr);
}

/** The server's own words in git's stderr (`remote:` lines), without its progress chatter. */
export function serverMessage(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.replace(/\r.*$/, '').trimEnd())
    .filter((line) => /^remote:\s*\S/.test(line))
    .filter(
      (line) =>
        !/^remote:\s*(Enumerating|Counting|Compressing|Resolving deltas|Total \d|Processing)/.test(line),
    );
}

/**
 * Runs one git network operation (clone, fetch, ls-remote) again after a transient failure: up to
 * 4 attempts, full-jitter backoff from 1 s, no attempt started after 45 s. Returns the last result.
 */
export async function retryTransient(
  operation: () => Promise<ExecResult>,
  options: { what: string; log?: Logger; sleep?: (ms: number) => Promise<void>; baseMs?: number },
): Promise<ExecResult> {
  let last: ExecResult | undefined;
  try {
    return await retry(
      async () => {
        last = await operation();
        if (isTransientGitFailure(last)) throw new TransientGitFailure(last);
        return last;
      },
      {
        attempts: 4,
        baseMs: options.baseMs ?? 1000,
        capMs: 10_000,
        budgetMs: 45_000,
        sleep: options.sleep,
        retryable: (error) => error instanceof TransientGitFailure,
        onRetry: (error, attempt, delay) =>
          options.log?.warning(
            `${options.what}: attempt ${attempt}/4 failed (${gitMessage((error as TransientGitFailure).result)}); retrying in ${delay} ms`,
          ),
      },
    );
  } catch (error) {
    if (error instanceof TransientGitFailure) return error.result;
    throw error;
  }
}

class TransientGitFailure extends Error {
  constructor(readonly result: ExecResult) {
    super('transient git failure');
  }
}
