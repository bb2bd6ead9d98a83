import { exec } from '../util/exec.ts';

/** Facts about the local checkout, read with git. Each returns undefined when git cannot say. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { code, stdout } = await exec('git', args, { cwd, allowFailure: true });
    return code === 0 ? stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

export const headSha = (cwd: string) => git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}']);

/** refs/heads/<branch> when on a branch, else refs/tags/<tag> pointing at HEAD, else undefined. */
export async function headRef(cwd: string): Promise<string | undefined> {
  const branch = await git(cwd, ['symbolic-ref', '-q', 'HEAD']);
  if (branch) return branch;
  const tag = await git(cwd, ['describe', '--tags', '--exact-match', 'HEAD']);
  return tag ? `refs/tags/${tag}` : undefined;
}

/** Committer time of a commit, unix seconds: the same for every re-run of that commit. */
export async function commitTime(cwd: string, sha: string): Promise<number | undefined> {
  const text = await git(cwd, ['show', '-s', '--format=%ct', `${sha}^{commit}`]);
  const seconds = text ? Number(text) : Number.NaN;
  return Number.isInteger(seconds) ? seconds : undefined;
}

export const repositoryRoot = (cwd: string) => git(cwd, ['rev-parse', '--show-toplevel']);
