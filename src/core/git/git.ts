/**
 * The one way core code runs git: argument arrays in one folder with one environment (credentials
 * included, see env.ts `gitEnv`), and one wording for git's failures.
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type ExecResult, exec } from '../util/exec.ts';

// File names come out as UTF-8, never octal-escaped (`-z` output is raw anyway; diffs are read by people).
const QUOTE_PATH_OFF = ['-c', 'core.quotePath=off'];

export class Git {
  constructor(
    readonly cwd: string,
    readonly env?: NodeJS.ProcessEnv,
    readonly log?: Logger,
  ) {}

  /** Runs git and resolves whatever the exit code; rejects only when git cannot be started. */
  exec(args: readonly string[], input?: string): Promise<ExecResult> {
    this.log?.debug(`$ git ${args.join(' ')}`);
    return exec('git', [...QUOTE_PATH_OFF, ...args], {
      cwd: this.cwd,
      env: this.env,
      input,
      allowFailure: true,
    });
  }

  /** Runs git and returns stdout; a non-zero exit throws `git <subcommand> failed: <git's reason>`. */
  async run(args: readonly string[], input?: string): Promise<string> {
    const result = await this.exec(args, input);
    if (result.code !== 0) {
      this.log?.debug(`git ${args.join(' ')} failed: ${result.stderr}`);
      throw new UserError(`git ${subcommand(args)} failed: ${gitMessage(result)}`);
    }
    return result.stdout;
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

/** The most telling lines of git's stderr (fatal/error lines), without hints. */
export function gitMessage(result: ExecResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'));
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  return (fatal.length ? fatal : lines).slice(-3).join(' / ') || `exit code ${result.code}`;
}
