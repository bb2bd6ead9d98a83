/**
 * Loading a GitLab pipeline's files: `.gitlab-ci.yml` first, then its local includes (recursively,
 * globs allowed, at most MAX_FILES). Remote, project and component includes are not fetched.
 */
import type { Document, Node } from 'yaml';
import { isSeq } from 'yaml';
import { compileGitlabGlob } from '../paths/fnmatch.ts';
import { child, items, text, type YamlFile } from '../paths/yaml-source.ts';
import { readCiFile } from './ci-file.ts';
import type { CiScan, RepoView } from './model.ts';

const ROOT = '.gitlab-ci.yml';
const MAX_FILES = 50;

/** One loaded file and the YAML document that holds its pipeline. */
export interface Source {
  file: YamlFile;
  doc: Document;
}

/** A node and the file it was found in (for line numbers). */
export interface At {
  src: Source;
  node: Node | undefined;
}

/** `.gitlab-ci.yml` first, then local includes (recursively, globs allowed). */
export async function loadSources(view: RepoView, scan: CiScan): Promise<Source[]> {
  const sources: Source[] = [];
  const queue = (await view.yamlFiles()).includes(ROOT) ? [ROOT] : [];
  const seen = new Set<string>();
  while (queue.length > 0 && sources.length < MAX_FILES) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const file = await readCiFile(view, path, scan);
    if (!file) continue;
    // A file with a `spec:` header has its content in the second document.
    const doc =
      file.docs.length > 1 && child(file.docs[0]!, file.docs[0]!.contents, 'spec')
        ? file.docs[1]!
        : file.docs[0]!;
    const src = { file, doc };
    sources.push(src);
    for (const entry of includeEntries(src)) {
      const local = text(entry) ?? text(child(doc, entry, 'local'));
      if (
        !local ||
        /^[a-z]+:\/\//i.test(local) ||
        child(doc, entry, 'component') ||
        child(doc, entry, 'project')
      )
        continue;
      const pattern = local.replace(/^\.?\//, '');
      if (/[*?[{]/.test(pattern)) {
        const matches = compileGitlabGlob(pattern);
        queue.push(...(await view.files()).filter(matches));
      } else queue.push(pattern);
    }
  }
  return sources;
}

export function includeEntries(src: Source): Node[] {
  const include = child(src.doc, src.doc.contents, 'include');
  if (include === undefined) return [];
  return isSeq(include) ? items(src.doc, include) : [include];
}
