/** Collecting a GitLab pipeline's jobs across its files, with `extends` followed. */
import type { Document, Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import { child, entries, items, keyNode, text } from '../paths/yaml-source.ts';
import type { At, Source } from './gitlab-sources.ts';
import type { Location } from './model.ts';

/** Top-level keys that are not jobs. */
const KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);

export interface Job {
  name: string;
  where: Location;
  /** A key as the merged job has it: its own, a later file's, or an `extends` parent's. */
  get(key: string): At | undefined;
}

/** Jobs by name; a job defined again in a later file adds/overrides keys, `extends` is followed. */
export function collectJobs(sources: Source[]): Map<string, Job> {
  const defs = new Map<string, { src: Source; node: Node; key: Node }[]>();
  // Included files first, the root last: the root's keys win, as in GitLab's merge.
  for (const src of [...sources.slice(1), sources[0]!]) {
    for (const [name, node, key] of entries(src.doc, src.doc.contents)) {
      if (KEYWORDS.has(name) || !isMap(node)) continue;
      defs.set(name, [...(defs.get(name) ?? []), { src, node, key }]);
    }
  }
  const jobs = new Map<string, Job>();
  const lookup = (name: string, key: string, depth: number): At | undefined => {
    const layers = defs.get(name) ?? [];
    for (let i = layers.length - 1; i >= 0; i--) {
      const { src, node } = layers[i]!;
      const found = child(src.doc, node, key);
      if (found !== undefined || keyNode(node, key)) return { src, node: found };
    }
    if (depth > 10) return undefined;
    for (let i = layers.length - 1; i >= 0; i--) {
      const { src, node } = layers[i]!;
      const parents = child(src.doc, node, 'extends');
      const names = isSeq(parents)
        ? items(src.doc, parents).map((p) => text(p) ?? '')
        : [text(parents) ?? ''];
      for (const parent of names.filter(Boolean).reverse()) {
        const found = lookup(parent, key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  for (const [name, layers] of defs) {
    const last = layers[layers.length - 1]!;
    jobs.set(name, {
      name,
      where: { file: last.src.file.path, line: last.src.file.lineOf(last.key) },
      get: (key) => lookup(name, key, 0),
    });
  }
  return jobs;
}

export function scriptText(job: Job): string {
  const parts: string[] = [];
  const add = (doc: Document, node: Node | undefined) => {
    if (node === undefined) return;
    if (isSeq(node)) for (const item of items(doc, node)) add(doc, item);
    else parts.push(text(node) ?? '');
  };
  for (const key of ['before_script', 'script', 'after_script']) {
    const at = job.get(key);
    if (at) add(at.src.doc, at.node);
  }
  return parts.join('\n');
}
