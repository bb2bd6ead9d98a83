/**
 * Named change filters (dorny/paths-filter's YAML, with one rule changed on purpose): the
 * include/exclude rule of core/glob/rule.ts, shared with bump-gitops-tag's `files`: a file matches
 * when it matches at least one include and no exclude (`!glob`), whatever the order; only excludes
 * = everything except. A rule may be restricted to change types: `added|modified: 'glob'` (or a
 * list of globs); an exclude can be too.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { InputError } from '../errors.ts';
import { literalEnds } from '../glob/match.ts';
import { includeExclude, parseGlob, type Quantifier } from '../glob/rule.ts';
import { CHANGE_STATUSES, type ChangedFile, type ChangeStatus } from './changes.ts';
import { compileGlob, type Dialect } from './glob.ts';

export interface FilterRule {
  glob: string;
  exclude: boolean;
  /** Change types the rule applies to; undefined = any. */
  statuses?: ReadonlySet<ChangeStatus>;
}

export interface Filter {
  name: string;
  rules: FilterRule[];
}

/** Output names the action itself uses; a filter may not take them. */
export const RESERVED_NAMES = ['changes', 'loop-risk', 'base-sha'];
/** The outputs of one filter: dorny/paths-filter's names, then the older hyphenated aliases. */
export const filterOutputs = (name: string) => [
  name,
  `${name}_count`,
  `${name}_files`,
  `${name}-count`,
  `${name}-files`,
];
/** With `--no-renames` these never occur; accepted for dorny compatibility, with a warning. */
export const NEVER_SEEN_STATUSES: ReadonlySet<ChangeStatus> = new Set(['renamed', 'copied']);
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Parses the `filters` input. Errors name the input and, for YAML errors, the line. */
export function parseFilters(text: string): Filter[] {
  if (text.trim() === '') return [];
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) throw new InputError('filters', `is not valid YAML: ${doc.errors[0]!.message}`);
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return [];
  if (!isMap(root)) throw new InputError('filters', 'must be a YAML map of filter name to a list of globs');
  const filters: Filter[] = [];
  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!NAME.test(name))
      throw new InputError('filters', `filter name '${name}' must be letters, digits, '_', '.' or '-'`);
    if (RESERVED_NAMES.includes(name))
      throw new InputError('filters', `filter name '${name}' is taken by an output of the action`);
    const rules: FilterRule[] = [];
    collectRules(doc, name, pair.value as Node | null, undefined, rules);
    if (rules.length === 0) throw new InputError('filters', `filter '${name}' has no globs`);
    filters.push({ name, rules });
  }
  checkOutputCollisions(filters);
  return filters;
}

function collectRules(
  doc: Document,
  name: string,
  value: Node | null,
  statuses: Set<ChangeStatus> | undefined,
  out: FilterRule[],
): void {
  const node = isAlias(value) ? (value.resolve(doc) as Node | undefined) : value;
  if (isAlias(value) && node === undefined) {
    throw new InputError(
      'filters',
      `filter '${name}': quote '*${value.source}' ('…'): unquoted, YAML reads it as an alias`,
    );
  }
  if (node === null || node === undefined) return;
  if (isSeq(node)) {
    for (const item of node.items) collectRules(doc, name, item as Node, statuses, out); // nested lists: YAML anchors
    return;
  }
  if (isMap(node)) {
    if (statuses) throw new InputError('filters', `filter '${name}': change-type rules cannot be nested`);
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      collectRules(doc, name, pair.value as Node | null, parseStatuses(name, key), out);
    }
    return;
  }
  if (isScalar(node)) {
    if (node.tag?.startsWith('!') && (node.value === '' || node.value === null)) {
      throw new InputError(
        'filters',
        `filter '${name}': quote '${node.tag}' ('…'): unquoted, YAML reads it as a tag`,
      );
    }
    if (typeof node.value !== 'string')
      throw new InputError('filters', `filter '${name}': '${String(node.value)}' is not a glob string`);
    const { glob, exclude } = parseGlob(node.value);
    if (glob === '') throw new InputError('filters', `filter '${name}' has an empty glob`);
    out.push({ glob, exclude, statuses });
    return;
  }
  throw new InputError('filters', `filter '${name}' has an entry that is neither a glob nor a list`);
}

function parseStatuses(name: string, key: string): Set<ChangeStatus> {
  const statuses = new Set<ChangeStatus>();
  for (const part of key.split('|')) {
    const status = part.trim().toLowerCase() as ChangeStatus;
    if (!CHANGE_STATUSES.includes(status) || status === 'unknown') {
      throw new InputError(
        'filters',
        `filter '${name}': unknown change type '${part.trim()}' (use ${CHANGE_STATUSES.filter((s) => s !== 'unknown').join(', ')}, joined with '|')`,
      );
    }
    statuses.add(status);
  }
  return statuses;
}

function checkOutputCollisions(filters: Filter[]): void {
  const owners = new Map<string, string>();
  for (const { name } of filters) {
    for (const output of filterOutputs(name)) {
      const other = owners.get(output);
      if (other)
        throw new InputError(
          'filters',
          `filters '${other}' and '${name}' would both set the output '${output}'`,
        );
      owners.set(output, name);
    }
  }
}

export interface CompiledFilter extends Filter {
  matches(file: ChangedFile): boolean;
}

export function compileFilter(
  filter: Filter,
  dialect: Dialect,
  quantifier: Quantifier = 'some',
): CompiledFilter {
  const compiled = filter.rules.map((rule) => ({ ...rule, match: compileGlob(rule.glob, dialect) }));
  // The shared include/exclude rule; a typed rule only counts for files of its change types.
  const matches = includeExclude(
    compiled,
    (rule, file: ChangedFile) => (!rule.statuses || rule.statuses.has(file.status)) && rule.match(file.path),
    quantifier,
  );
  return { ...filter, matches };
}

export interface FilterResult {
  name: string;
  files: string[];
}

/** Applies every filter to every changed file: no cap. */
export function applyFilters(
  filters: readonly Filter[],
  files: readonly ChangedFile[],
  dialect: Dialect,
  quantifier: Quantifier = 'some',
): FilterResult[] {
  const sorted = sortedByPath(files);
  return filters.map((filter) => {
    const compiled = compileFilter(filter, dialect, quantifier);
    const candidates = sorted && quantifier === 'some' ? underHeads(filter, files) : files;
    // An indexed loop: this runs once per changed file and filter (2M times for 100k files x 20),
    // mostly before the JIT has optimized it (for…of and callbacks then allocate per step).
    const matched: string[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const file = candidates[i]!;
      if (compiled.matches(file)) matched.push(file.path);
    }
    return { name: filter.name, files: matched };
  });
}

function sortedByPath(files: readonly ChangedFile[]): boolean {
  for (let i = 1; i < files.length; i++) if (files[i - 1]!.path > files[i]!.path) return false;
  return true;
}

/**
 * The files a filter can match at all, from files sorted by path (git lists a diff that way): a
 * match starts with the literal head of one of its includes (`services/api/**` -> the folder
 * `services/api` itself, or a path under `services/api/`), so the candidates are the runs of files
 * under those prefixes, found by binary search, in the files' order. A filter with an include that
 * has no head (`**\/*.md`) gets every file.
 */
function underHeads(filter: Filter, files: readonly ChangedFile[]): readonly ChangedFile[] {
  const heads = filter.rules.filter((rule) => !rule.exclude).map((rule) => literalEnds(rule.glob));
  if (heads.length === 0 || heads.some(({ head }) => head === '')) return files;
  const prefixes = new Set<string>();
  const folders = new Set<string>();
  for (const { head, folder } of heads) {
    prefixes.add(folder ? `${head}/` : head);
    if (folder) folders.add(head);
  }
  // Prefixes of one another give nested runs: the shortest one covers the rest.
  const covering = [...prefixes]
    .sort()
    .filter((prefix, index, all) => !all.slice(0, index).some((shorter) => prefix.startsWith(shorter)));
  const ranges = covering.map((prefix) => {
    const start = firstAtOrAfter(files, prefix);
    // The run of paths with the prefix ends where the first path without it is.
    let low = start;
    let high = files.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (files[middle]!.path.startsWith(prefix)) low = middle + 1;
      else high = middle;
    }
    return [start, low] as const;
  });
  // A folder head also names a file of that name (a change can delete it while adding the folder).
  for (const folder of folders) {
    if (covering.some((prefix) => folder.startsWith(prefix))) continue;
    const at = firstAtOrAfter(files, folder);
    if (files[at]?.path === folder) ranges.push([at, at + 1]);
  }
  if (ranges.length === 1) return files.slice(ranges[0]![0], ranges[0]![1]);
  return ranges.sort((a, b) => a[0] - b[0]).flatMap(([start, end]) => files.slice(start, end));
}

/** Index of the first file whose path is not before `path` (binary search over sorted files). */
function firstAtOrAfter(files: readonly ChangedFile[], path: string): number {
  let low = 0;
  let high = files.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (files[middle]!.path < path) low = middle + 1;
    else high = middle;
  }
  return low;
}
