/**
 * Getting just enough history into a (possibly shallow) clone: a commit by SHA or name, and the
 * merge base of two commits, deepening step by step (100, 200, 400 … commits by default) before falling back
 * to a full `--unshallow`, the way CI checkouts (depth 1 on GitHub, 20-50 on GitLab) need it.
 */
import { UserError } from '../errors.ts';
import type { RepoGit } from './git.ts';

const DEEPEN_ROUNDS = 5;

/**
 * The SHA of `rev` (SHA, branch, tag or any local rev), fetching it from the remote when this clone
 * lacks it. `depth` bounds that fetch in a shallow clone. Undefined when neither has it.
 */
export async function ensureCommit(git: RepoGit, rev: string, depth = 1): Promise<string | undefined> {
  const local = await git.resolve(rev);
  if (local) return local;
  if (rev.startsWith('-') || !(await git.remote())) return undefined;
  if (await git.fetch([`--depth=${depth}`, rev])) return git.resolve('FETCH_HEAD');
  return undefined;
}

/**
 * The tip of a remote branch (the remote-tracking ref when present, else fetched into it).
 * Undefined when the remote has no such branch.
 */
export async function ensureBranch(git: RepoGit, branch: string): Promise<string | undefined> {
  const remote = await git.remote();
  if (remote) {
    const tracking = await git.resolve(`refs/remotes/${remote}/${branch}`);
    if (tracking) return tracking;
    if (
      await git.fetch([
        `--depth=${git.initialFetchDepth}`,
        `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`,
      ])
    ) {
      return git.resolve(`refs/remotes/${remote}/${branch}`);
    }
    return undefined;
  }
  return git.resolve(`refs/heads/${branch}`);
}

/** The merge base of two commits, deepening a shallow clone until git can find it. */
export async function mergeBase(git: RepoGit, a: string, b: string): Promise<string> {
  let depth = git.initialFetchDepth;
  for (let round = 0; ; round++) {
    const found = (await git.try(['merge-base', a, b]))?.trim();
    if (found) return found;
    if (!(await git.isShallow())) break;
    if (round < DEEPEN_ROUNDS) {
      git.log?.info(
        `No merge base of ${short(a)} and ${short(b)} in the shallow clone yet: fetching ${depth} more commits`,
      );
      if (!(await git.fetch([`--deepen=${depth}`, a, b]))) await git.fetch([`--deepen=${depth}`]);
      depth *= 2;
    } else {
      git.log?.info('Still no merge base: fetching the full history');
      if (!(await git.fetch(['--unshallow']))) break;
    }
  }
  throw new UserError(
    `${short(a)} and ${short(b)} have no common history: there is nothing to compare against`,
  );
}

/** True when `ancestor` is reachable from `commit` (only meaningful with enough history). */
export async function isAncestor(git: RepoGit, ancestor: string, commit: string): Promise<boolean> {
  return (await git.try(['merge-base', '--is-ancestor', ancestor, commit])) !== undefined;
}

export const short = (sha: string) => (/^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 7) : sha);
