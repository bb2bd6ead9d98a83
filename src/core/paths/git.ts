/** Git in the checkout being filtered: its remote, and the fetches a shallow clone needs. */
import { Git, gitMessage } from '../git/git.ts';
import type { Logger } from '../log.ts';

interface RemoteFacts {
  name: string | null;
  url?: string;
}

export class RepoGit extends Git {
  private remoteFacts: Promise<RemoteFacts> | undefined;
  /** Why the last fetch failed (git's own words), for error messages. */
  lastFetchError: string | undefined;
  /** Commits fetched first when a shallow clone lacks history; doubled on each further fetch. */
  initialFetchDepth = 100;

  /** The same checkout with another environment (a token for fetches), keeping what was read. */
  withEnv(env: NodeJS.ProcessEnv, log?: Logger): RepoGit {
    const git = new RepoGit(this.cwd, env, log);
    git.remoteFacts = this.remoteFacts;
    return git;
  }

  /** The fetch URL of `remote()` (after `insteadOf` rewriting, as git fetches it). */
  async remoteUrl(): Promise<string | undefined> {
    return (await this.remoteInfo()).url;
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
    return (await this.remoteInfo()).name;
  }

  /** The remote and its URL from one `git remote -v`, read once (callers ask it concurrently). */
  private remoteInfo(): Promise<RemoteFacts> {
    this.remoteFacts ??= this.try(['remote', '-v']).then((listed) => {
      const urls = new Map<string, string>();
      for (const line of (listed ?? '').split('\n')) {
        const entry = /^([^\t]+)\t(.*) \(fetch\)$/.exec(line);
        if (entry && !urls.has(entry[1]!)) urls.set(entry[1]!, entry[2]!);
      }
      const names = [...urls.keys()];
      const name = names.includes('origin') ? 'origin' : names.length === 1 ? names[0]! : null;
      return { name, url: name ? urls.get(name) || undefined : undefined };
    });
    return this.remoteFacts;
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
