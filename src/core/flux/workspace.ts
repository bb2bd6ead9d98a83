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

export async function readYamlFiles(root: string): Promise<{ files: SourceFile[]; notes: string[] }> {
  const files: SourceFile[] = [];
  const notes: string[] = [];
  const paths: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), path);
      else if (entry.isFile() && isYamlName(path)) paths.push(path);
    }
  };
  await walk(root, '');
  if (paths.length > MAX_FILES)
    notes.push(`only the first ${MAX_FILES} of ${paths.length} YAML files were read`);
  for (const path of paths.slice(0, MAX_FILES)) {
    const full = join(root, path);
    if ((await stat(full)).size > MAX_BYTES) {
      notes.push(`${path} is larger than ${MAX_BYTES} bytes and was not read`);
      continue;
    }
    files.push({ path, text: await readFile(full, 'utf8') });
  }
  return { files, notes };
}
