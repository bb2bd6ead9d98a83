/**
 * JSON bytes as Go's encoding/json writes them, for the blobs Helm pushes: struct fields in
 * declaration order, map keys sorted by bytes, and HTML-safe escaping (`<` `>` `&` as \u003c \u003e
 * \u0026, and U+2028/U+2029 escaped).
 */
import type { ChartMetadata, Dependency, Maintainer } from './metadata.ts';

/**
 * A JSON-able value. Plain objects stand for Go structs (fields in the order given; never
 * integer-like keys, which JS would reorder); a `Map` stands for a Go map.
 */
export type GoJson =
  | string
  | number
  | boolean
  | null
  | GoJson[]
  | Map<string, GoJson>
  | { [key: string]: GoJson };

/** Go's json.Marshal output (compact). Go maps come out with keys sorted by their UTF-8 bytes. */
export function goJsonStringify(value: GoJson): string {
  if (value === null || typeof value !== 'object') return goEscape(JSON.stringify(value));
  if (Array.isArray(value)) return `[${value.map(goJsonStringify).join(',')}]`;
  const entries = value instanceof Map ? sortedEntries(value) : Object.entries(value);
  return `{${entries.map(([k, v]) => `${goEscape(JSON.stringify(k))}:${goJsonStringify(v)}`).join(',')}}`;
}

const goEscape = (json: string) =>
  json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function sortedEntries<T>(map: Map<string, T>): [string, T][] {
  return [...map].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** A Go map from a record. */
export function goMap<T extends GoJson>(record: Record<string, T>): Map<string, T> {
  return new Map(Object.entries(record));
}

/** Every object inside a decoded value becomes a Go map (Go decodes unknown JSON objects so). */
function deepGoMap(value: unknown): GoJson {
  if (Array.isArray(value)) return value.map(deepGoMap);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, deepGoMap(v)]));
  }
  return value as GoJson;
}

/** Helm's chart metadata as a Go struct: every field omitempty, in the struct's order. */
export function metadataToGo(md: ChartMetadata): { [key: string]: GoJson } {
  const out: { [key: string]: GoJson } = {};
  const str = (key: string, value: string | undefined) => {
    if (value) out[key] = value;
  };
  const list = (key: string, value: GoJson[] | undefined) => {
    if (value && value.length > 0) out[key] = value;
  };
  str('name', md.name);
  str('home', md.home);
  list('sources', md.sources);
  str('version', md.version);
  str('description', md.description);
  list('keywords', md.keywords);
  list('maintainers', md.maintainers?.map(maintainerToGo));
  str('icon', md.icon);
  str('apiVersion', md.apiVersion);
  str('condition', md.condition);
  str('tags', md.tags);
  str('appVersion', md.appVersion);
  if (md.deprecated) out.deprecated = true;
  if (md.annotations && Object.keys(md.annotations).length > 0) out.annotations = goMap(md.annotations);
  str('kubeVersion', md.kubeVersion);
  list('dependencies', md.dependencies?.map(dependencyToGo));
  str('type', md.type);
  return out;
}

function maintainerToGo(m: Maintainer): GoJson {
  const out: { [key: string]: GoJson } = {};
  if (m.name) out.name = m.name;
  if (m.email) out.email = m.email;
  if (m.url) out.url = m.url;
  return out;
}

/** `name` and `repository` are always present (`repository` even when empty); the rest omitempty. */
export function dependencyToGo(d: Dependency): GoJson {
  const out: { [key: string]: GoJson } = { name: d.name };
  if (d.version) out.version = d.version;
  out.repository = d.repository;
  if (d.condition) out.condition = d.condition;
  if (d.tags && d.tags.length > 0) out.tags = d.tags;
  if (d.enabled) out.enabled = true;
  if (d.importValues && d.importValues.length > 0) out['import-values'] = deepGoMap(d.importValues);
  if (d.alias) out.alias = d.alias;
  return out;
}

/** The config blob Helm pushes: the metadata of the packaged chart, as JSON bytes. */
export function chartConfigJson(md: ChartMetadata): Buffer {
  return Buffer.from(goJsonStringify(metadataToGo(md)), 'utf8');
}
