/**
 * The repository as the loop guard reads it: the files in git's index, i.e. what a commit of this
 * checkout holds (in CI, the commit itself; before a local commit, what is staged). Untracked files
 * are not listed: no push carries them, and finding them walked the whole work tree, which cost as
 * much as the diff itself in a 100k-file checkout.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoGit } from '../paths/git.ts';
import type { RepoView } from './model.ts';

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const MAX_WALK = 200_000;

export async function repoView(git: RepoGit, defaultBranch?: string): Promise<RepoView> {
  const listed = await git.try(['ls-files', '-z', '--cached']);
  // Without git (or outside a work tree), walk the folder instead. An unmerged path is listed once
  // per stage, next to each other (the index is sorted).
  const files =
    listed !== undefined
      ? listed.split('\0').filter((path, index, all) => path !== '' && path !== all[index - 1])
      : await walk(git.cwd);
  const remoteUrl = await git.remoteUrl();
  return {
    files,
    read: (path) => readFile(join(git.cwd, path), 'utf8').catch(() => undefined),
    remoteUrl,
    defaultBranch,
  };
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [''];
  while (queue.length > 0 && out.length < MAX_WALK) {
    const dir = queue.shift()!;
    const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) queue.push(path);
      } else if (entry.isFile()) out.push(path);
    }
  }
  return out;
}

/** An in-memory view, for tests and for callers that already hold the files. */
export function memoryView(
  files: Record<string, string>,
  options: Partial<Omit<RepoView, 'files' | 'read'>> = {},
): RepoView {
  return { files: Object.keys(files), read: async (path) => files[path], ...options };
}
