/**
 * The repository as the loop guard reads it: the files in git's index, i.e. what a commit of this
 * checkout holds (in CI, the commit itself; before a local commit, what is staged). Untracked files
 * are not listed: no push carries them, and finding them walked the whole work tree, which cost as
 * much as the diff itself in a 100k-file checkout. The scans read only YAML files, so git lists
 * those by itself; the whole listing is read only when a question needs it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isYamlName } from '../gitops/files.ts';
import type { RepoGit } from '../paths/git.ts';
import type { RepoView } from './model.ts';

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const MAX_WALK = 200_000;
/** What `isYamlName` accepts, as git pathspecs (`*` crosses folders here); the exact test follows. */
const YAML_PATHSPECS = [':(icase)*.yml', ':(icase)*.yaml', '*Kustomization'];

export async function repoView(git: RepoGit, defaultBranch?: string): Promise<RepoView> {
  let all: Promise<readonly string[]> | undefined;
  const files = () => {
    all ??= listIndex(git, []).then((listed) => listed ?? walk(git.cwd));
    return all;
  };
  const yaml = listIndex(git, YAML_PATHSPECS).then(async (listed) =>
    (listed ?? (await files())).filter(isYamlName),
  );
  const [yamlFiles, remoteUrl] = await Promise.all([yaml, git.remoteUrl()]);
  return {
    yamlFiles: async () => yamlFiles,
    files,
    read: (path) => readFile(join(git.cwd, path), 'utf8').catch(() => undefined),
    remoteUrl,
    defaultBranch,
  };
}

/**
 * The index's paths under `pathspecs` (all of them when none); undefined without git or outside a
 * work tree. An unmerged path is listed once per stage, next to each other (the index is sorted).
 */
async function listIndex(git: RepoGit, pathspecs: string[]): Promise<string[] | undefined> {
  const listed = await git.try(['ls-files', '-z', '--cached', '--', ...pathspecs]);
  return listed?.split('\0').filter((path, index, all) => path !== '' && path !== all[index - 1]);
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
  options: Partial<Omit<RepoView, 'files' | 'yamlFiles' | 'read'>> = {},
): RepoView {
  const paths = Object.keys(files);
  return {
    files: async () => paths,
    yamlFiles: async () => paths.filter(isYamlName),
    read: async (path) => files[path],
    ...options,
  };
}
