/** Git in the checkout being filtered: its remote, and the fetches a shallow clone needs. */
import { Git, gitMessage } from '../git/git.ts';

export class RepoGit extends Git {
  private remoteName: string | null | undefined;
  /** Why the last fetch failed (git's own words), for error messages. */
  lastFetchError: string | undefined;
  /** Commits fetched first when a shallow clone lacks history; doubled on each further fetch. */
  initialFetchDepth = 100;

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
    const result = await this.exec(['fetch', '--no-tags', '--quiet', remote, ...effective]);
    if (result.code !== 0) {
      this.lastFetchError = gitMessage(result);
      this.log?.debug(`git fetch failed: ${result.stderr.trim()}`);
    }
    return result.code === 0;
  }
}
