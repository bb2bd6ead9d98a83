/** YAML read for analysis: plain values plus the line of any node, for file:line annotations. */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';

export interface YamlFile {
  path: string;
  docs: Document[];
  lineOf(node: unknown): number | undefined;
  /** The first parse error, if any (the file is then skipped by callers). */
  error?: string;
}

export function readYaml(path: string, text: string): YamlFile {
  const counter = new LineCounter();
  // GitLab's `!reference [...]` and other custom tags must not make the whole file unreadable.
  const parsed = parseAllDocuments(text, {
    lineCounter: counter,
    uniqueKeys: false,
    strict: false,
    logLevel: 'silent',
  });
  const docs = Array.isArray(parsed) ? parsed : [];
  const firstError = docs.flatMap((doc) => doc.errors)[0];
  return {
    path,
    docs: docs.filter((doc) => doc.errors.length === 0),
    lineOf(node) {
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      return range ? counter.linePos(range[0]).line : undefined;
    },
    error: firstError ? `${firstError.message.split('\n')[0]}` : undefined,
  };
}

/** Value node under `key` of a map node (aliases resolved), or undefined. */
export function child(doc: Document, node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return resolve(doc, pair.value as Node);
  }
  return undefined;
}

/** The key node of `key` in a map (for the line of `key:` itself). */
export function keyNode(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key)?.key as
    | Node
    | undefined;
}

export function entries(doc: Document, node: unknown): [string, Node | undefined, Node][] {
  if (!isMap(node)) return [];
  return node.items
    .filter((pair) => isScalar(pair.key))
    .map((pair) => [
      String((pair.key as { value: unknown }).value),
      resolve(doc, pair.value as Node),
      pair.key as Node,
    ]);
}

export function items(doc: Document, node: unknown): Node[] {
  if (!isSeq(node)) return [];
  return node.items
    .map((item) => resolve(doc, item as Node))
    .filter((item): item is Node => item !== undefined);
}

export function resolve(doc: Document, node: Node | null | undefined): Node | undefined {
  if (node === null || node === undefined) return undefined;
  return isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
}

/** A scalar's value as a string (numbers and booleans too), else undefined. */
export function text(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  return value === null || value === undefined ? undefined : String(value);
}

/** Plain JS value of a node. */
export function plain(doc: Document, node: Node | undefined): unknown {
  if (node === undefined) return undefined;
  return (node as unknown as { toJS(doc: Document): unknown }).toJS(doc);
}
