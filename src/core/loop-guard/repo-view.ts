/** The checkout as the loop guard reads it: tracked and untracked (not ignored) files. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoGit } from '../paths/git.ts';
import type { RepoView } from './model.ts';

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const MAX_WALK = 200_000;

export async function repoView(git: RepoGit, defaultBranch?: string): Promise<RepoView> {
  const listed = await git.try(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  // Without git (or outside a work tree), walk the folder instead.
  const files = listed !== undefined ? [...new Set(listed.split('\0').filter(Boolean))] : await walk(git.cwd);
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
