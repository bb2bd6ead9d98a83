/**
 * The YAML files of a folder (the workspace of a build), for the Flux check: hidden folders and
 * node_modules are skipped, and large or very many files are left out with a note rather than read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isYamlName } from '../gitops/files.ts';
import type { SourceFile } from './objects.ts';

const MAX_FILES = 20_000;
const MAX_BYTES = 2_000_000;

/**
 * `listed`: the folder's files as git's index lists them, when the caller has them already (a
 * checkout of 100k files took a second to walk); otherwise the folder is walked.
 */
export async function readYamlFiles(
  root: string,
  listed?: readonly string[],
): Promise<{ files: SourceFile[]; notes: string[] }> {
  const files: SourceFile[] = [];
  const notes: string[] = [];
  const paths = listed
    ? listed.filter((path) => isYamlName(path) && !path.split('/').some(skipped))
    : (await walk(root)).filter(isYamlName);
  // Folder by folder, names ignoring case as a file browser lists them: the same order however the
  // files were found. Not `localeCompare`: its first call costs 16 ms to load ICU's collator.
  paths.sort(bySegments);
  if (paths.length > MAX_FILES)
    notes.push(`only the first ${MAX_FILES} of ${paths.length} YAML files were read`);
  for (const path of paths.slice(0, MAX_FILES)) {
    const full = join(root, path);
    // A listed file may be gone from the work tree (deleted, not yet committed).
    const size = (await stat(full).catch(() => undefined))?.size;
    if (size === undefined) continue;
    if (size > MAX_BYTES) {
      notes.push(`${path} is larger than ${MAX_BYTES} bytes and was not read`);
      continue;
    }
    files.push({ path, text: await readFile(full, 'utf8') });
  }
  return { files, notes };
}

const skipped = (name: string) => name.startsWith('.') || name === 'node_modules';

async function walk(root: string): Promise<string[]> {
  const paths: string[] = [];
  const visit = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (skipped(entry.name)) continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(join(dir, entry.name), path);
      else if (entry.isFile()) paths.push(path);
    }
  };
  await visit(root, '');
  return paths;
}

function bySegments(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = byName(left[i]!, right[i]!);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function byName(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
