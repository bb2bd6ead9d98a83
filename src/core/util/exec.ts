import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Logger } from '../log.ts';
import { childEnv } from './env.ts';
import { toolHint } from './tool-failures.ts';

export interface ExecOptions {
  cwd?: string;
  /** Default: this process's environment, scrubbed (see childEnv). */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed. The way secrets reach a program: never argv. */
  input?: string | Buffer;
  /** Stream each output line to this logger (at info level) while the program runs. */
  logger?: Logger;
  /**
   * Hand stdout over as UTF-8 text while the program runs, instead of collecting it (the result's
   * stdout is then empty): a large output is read while the program is still writing it.
   */
  onStdout?: (text: string) => void;
  /** Resolve instead of throwing when the exit code is non-zero. */
  allowFailure?: boolean;
  /**
   * Logged instead of `args` (the debug log shows the command line): callers pass a copy with
   * values hidden, e.g. `--build-arg NAME=***`, because masking only covers values it was told.
   */
  displayArgs?: readonly string[];
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for output that mixes byte counts with content (`git cat-file --batch`). */
  stdoutBytes?: Buffer;
}

export class ExecError extends Error {
  override name = 'ExecError';
  constructor(
    readonly command: string,
    readonly result: ExecResult,
  ) {
    const tail = lastLines(result.stderr || result.stdout, 20);
    const hint = toolHint(command, `${result.stderr}\n${result.stdout}`);
    super(
      `${command} exited with code ${result.code}${tail ? `:\n${tail}` : ''}${hint ? `\nhint: ${hint}` : ''}`,
    );
  }
}

/** Runs a program with an argument array. There is deliberately no shell form. */
export function exec(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const display = [file, ...(options.displayArgs ?? args)].join(' ');
  options.logger?.debug(`$ ${display}`);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? childEnv(process.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const stream = options.logger ? lineStreamer(options.logger) : undefined;
    const onStdout = options.onStdout;
    // The decoder keeps a character split between two chunks whole.
    const decoder = onStdout ? new StringDecoder('utf8') : undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (decoder) onStdout!(decoder.write(chunk));
      else out.push(chunk);
      stream?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      stream?.(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(`${file}: program not found on PATH`) : error);
    });
    child.on('close', (code, signal) => {
      stream?.(null);
      if (decoder) onStdout!(decoder.end());
      const bytes = Buffer.concat(out);
      const result = {
        code: code ?? (signal ? 128 : 1),
        stdout: bytes.toString('utf8'),
        stdoutBytes: bytes,
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !options.allowFailure) reject(new ExecError(file, result));
      else resolve(result);
    });
    child.stdin.on('error', () => {
      // The program may exit before reading stdin; its exit code tells the story.
    });
    child.stdin.end(options.input ?? '');
  });
}

function lineStreamer(logger: Logger): (chunk: Buffer | null) => void {
  let pending = '';
  return (chunk) => {
    if (chunk === null) {
      if (pending) logger.info(pending);
      pending = '';
      return;
    }
    pending += chunk.toString('utf8');
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) logger.info(line);
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
