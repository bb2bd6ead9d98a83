import { Git } from './git.ts';

/** Facts about the local checkout, read with git. Each returns undefined when git cannot say. */
const read = async (cwd: string, args: string[]) => (await new Git(cwd).try(args))?.trim();

export const headSha = (cwd: string) => read(cwd, ['rev-parse', '--verify', 'HEAD^{commit}']);

/** refs/heads/<branch> when on a branch, else refs/tags/<tag> pointing at HEAD, else undefined. */
export async function headRef(cwd: string): Promise<string | undefined> {
  const branch = await read(cwd, ['symbolic-ref', '-q', 'HEAD']);
  if (branch) return branch;
  const tag = await read(cwd, ['describe', '--tags', '--exact-match', 'HEAD']);
  return tag ? `refs/tags/${tag}` : undefined;
}

/**
 * Committer time of a commit, unix seconds: the same for every re-run of that commit. `log`, not
 * `show -s`: show compares the commit with its parent even when it prints no diff (a quarter of a
 * second for a commit changing 100k files).
 */
export async function commitTime(cwd: string, sha: string): Promise<number | undefined> {
  const text = await read(cwd, ['log', '-1', '--no-walk', '--format=%ct', `${sha}^{commit}`]);
  const seconds = text ? Number(text) : Number.NaN;
  return Number.isInteger(seconds) ? seconds : undefined;
}

export const repositoryRoot = (cwd: string) => read(cwd, ['rev-parse', '--show-toplevel']);

/** The default branch as the clone knows it (`origin/HEAD`), e.g. `main`. */
export async function defaultBranch(cwd: string): Promise<string | undefined> {
  const ref = await read(cwd, ['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD']);
  return ref?.replace(/^origin\//, '') || undefined;
}
