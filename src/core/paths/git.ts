/** A small git client for one checkout: argument arrays only, and the fetches a shallow clone needs. */
import type { Logger } from '../log.ts';
import { exec } from '../util/exec.ts';

export class Git {
  private remoteName: string | null | undefined;
  /** Why the last fetch failed (git's last stderr line), for error messages. */
  lastFetchError: string | undefined;

  /** `env`: the environment for git, fetch credentials included (see gitops/git.ts `gitEnv`). */
  constructor(
    readonly cwd: string,
    readonly log?: Logger,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  /** Runs git and returns stdout; throws ExecError with git's stderr on failure. */
  async run(args: string[]): Promise<string> {
    const { stdout } = await exec('git', ['-c', 'core.quotePath=off', ...args], {
      cwd: this.cwd,
      env: this.env,
    });
    return stdout;
  }

  /** Runs git; undefined instead of an error on a non-zero exit. */
  async try(args: string[]): Promise<string | undefined> {
    const result = await exec('git', ['-c', 'core.quotePath=off', ...args], {
      cwd: this.cwd,
      env: this.env,
      allowFailure: true,
    });
    return result.code === 0 ? result.stdout : undefined;
  }

  async remoteUrl(): Promise<string | undefined> {
    const remote = await this.remote();
    return remote ? (await this.try(['remote', 'get-url', remote]))?.trim() || undefined : undefined;
  }

  /** The full SHA of a commit-ish, if this clone has it. */
  async resolve(rev: string): Promise<string | undefined> {
    if (rev.startsWith('-')) return undefined;
    return (
      await this.try(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])
    )?.trim();
  }

  async isShallow(): Promise<boolean> {
    return (await this.try(['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
  }

  /** `origin` if present, else the only remote; null when there is none to fetch from. */
  async remote(): Promise<string | null> {
    if (this.remoteName !== undefined) return this.remoteName;
    const names = ((await this.try(['remote'])) ?? '').split('\n').filter(Boolean);
    this.remoteName = names.includes('origin') ? 'origin' : names.length === 1 ? names[0]! : null;
    return this.remoteName;
  }

  /** `git fetch <remote> <args>`; false (and a debug line) when it fails or there is no remote. */
  async fetch(args: string[]): Promise<boolean> {
    const remote = await this.remote();
    if (!remote) return false;
    const shallow = await this.isShallow();
    const depthArgs = args.filter((arg) => arg.startsWith('--depth') || arg.startsWith('--deepen'));
    // In a full clone, depth options would make it shallow: drop them.
    const effective = shallow ? args : args.filter((arg) => !depthArgs.includes(arg));
    this.log?.debug(`git fetch ${remote} ${effective.join(' ')}`);
    const result = await exec('git', ['fetch', '--no-tags', '--quiet', remote, ...effective], {
      cwd: this.cwd,
      env: this.env,
      allowFailure: true,
    });
    if (result.code !== 0) {
      this.lastFetchError = result.stderr.trim().split('\n').pop() || `exit code ${result.code}`;
      this.log?.debug(`git fetch failed: ${result.stderr.trim()}`);
    }
    return result.code === 0;
  }
}
