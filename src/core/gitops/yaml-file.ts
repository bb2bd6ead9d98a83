/**
 * Byte-exact YAML edits (docs/design/flux-setters.md#byte-exact-edits): parse with eemeli/yaml for node ranges, splice only the
 * characters of the scalars we change into the original text, then re-parse to prove nothing else
 * moved. Comments, order, quoting, indentation, blank lines, CRLF and a BOM survive untouched because
 * we never re-serialise.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parse,
  parseAllDocuments,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { UserError } from '../errors.ts';

export type PathKey = string | number;

/** One value scalar (never a map key) and where it sits. */
export interface ScalarSite {
  doc: number;
  path: PathKey[];
  node: Scalar;
  /** The mapping the scalar is a value of, or the sequence it is an item of. */
  parent?: YAMLMap | YAMLSeq;
  /** Offsets of the token in the source, quotes included: [start, end). */
  start: number;
  end: number;
  value: string;
  /** 1-based line of the token. */
  line: number;
  /** Text of a `#` comment on the same line right after the value (without the first `#`). */
  lineComment?: string;
}

/** A splice into the source plus the value it must produce when re-parsed (for verification). */
export interface Edit {
  start: number;
  end: number;
  text: string;
  doc: number;
  /** Where the edit shows in the data: the path is set to `value` (created, or appended for an index). */
  path: PathKey[];
  value: unknown;
}

export class YamlFile {
  private constructor(
    readonly path: string,
    readonly text: string,
    readonly docs: Document[],
    private readonly lines: LineCounter,
  ) {}

  /** Parses every document; a syntax error becomes a UserError naming the file and line. */
  static parse(path: string, text: string): YamlFile {
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      const error = doc.errors[0];
      if (error) {
        const pos = lines.linePos(error.pos[0]);
        const message = error.message.split('\n')[0];
        throw new UserError(`${path}:${pos.line}:${pos.col}: invalid YAML: ${message}`);
      }
    }
    return new YamlFile(path, text, list, lines);
  }

  lineOf(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  /** The plain JS value of every document. */
  toJS(): unknown[] {
    return this.docs.map((doc) => doc.toJS({ maxAliasCount: -1 }));
  }

  private sites?: ScalarSite[];

  /** Every value scalar of every document, in source order (computed once: the file never changes). */
  scalars(): ScalarSite[] {
    if (this.sites) return this.sites;
    const out: ScalarSite[] = [];
    this.sites = out;
    const visit = (node: unknown, doc: number, path: PathKey[], parent?: YAMLMap | YAMLSeq) => {
      if (isScalar(node)) {
        if (node.range) out.push(this.site(node, doc, path, parent));
      } else if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key.value : pair.key;
          if (typeof key === 'string' || typeof key === 'number')
            visit(pair.value, doc, [...path, key], node);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => {
          visit(item, doc, [...path, index], node);
        });
      }
    };
    this.docs.forEach((doc, index) => {
      visit(doc.contents, index, []);
    });
    return out;
  }

  private site(node: Scalar, doc: number, path: PathKey[], parent?: YAMLMap | YAMLSeq): ScalarSite {
    const [start, end] = node.range!;
    const rest = this.text.slice(end, lineEnd(this.text, end));
    const comment = /^[ \t]+#(.*?)\r?$/.exec(rest);
    return {
      doc,
      path,
      node,
      parent,
      start,
      end,
      value: typeof node.source === 'string' ? node.source : String(node.value ?? ''),
      line: this.lineOf(start),
      lineComment: comment ? comment[1] : undefined,
    };
  }

  /** The node at a path in one document (undefined when absent). */
  nodeAt(doc: number, path: PathKey[]): unknown {
    return this.docs[doc]?.getIn(path, true);
  }

  /** A scalar edit: replace the token with `value` in the node's own style. */
  scalarEdit(site: ScalarSite, value: string): Edit {
    const { node } = site;
    if (node.anchor || node.tag) {
      throw new UserError(
        `${this.path}:${site.line}: the value carries an anchor or tag; refusing to edit it in place`,
      );
    }
    return {
      start: site.start,
      end: site.end,
      text: formatScalar(value, node.type, this.path, site.line),
      doc: site.doc,
      path: site.path,
      value,
    };
  }

  /** Applies edits (from the highest offset down) and verifies the result; returns the new text. */
  apply(edits: Edit[]): string {
    const sorted = [...edits].sort((a, b) => b.start - a.start);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.end > sorted[i - 1]!.start) throw new Error(`${this.path}: overlapping edits`);
    }
    let text = this.text;
    for (const edit of sorted) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    this.verify(text, edits);
    return text;
  }

  /** Re-parses the edited text: it must hold exactly the original data with the edited paths changed. */
  private verify(text: string, edits: Edit[]): void {
    // A tree copy that does not keep aliases shared: an edit reaching other paths must show as a difference.
    const expected = this.toJS().map((doc) => copyTree(doc));
    for (const edit of edits) expected[edit.doc] = setIn(expected[edit.doc], edit.path, edit.value);
    let actual: unknown[];
    try {
      actual = YamlFile.parse(this.path, text).toJS();
    } catch (error) {
      throw new Error(
        `${this.path}: the edit produced invalid YAML (${(error as Error).message}); file left unchanged`,
      );
    }
    if (!isDeepStrictEqual(actual, expected)) {
      throw new UserError(
        `${this.path}: verifying the edit failed (the change would also affect other values, e.g. through an alias); file left unchanged`,
      );
    }
  }
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

function copyTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyTree);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyTree(v)]));
  }
  return value;
}

function setIn(root: unknown, path: PathKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const container = (root ?? (typeof key === 'number' ? [] : {})) as Record<PathKey, unknown>;
  container[key!] = setIn(container[key!], rest, value);
  return container;
}

/** True when YAML 1.1 (Kubernetes, Flux via go-yaml v2) or 1.2 would read the plain text as a non-string. */
export function needsQuotes(value: string): boolean {
  if (value === '') return true;
  try {
    return typeof parse(value, { version: '1.1' }) !== 'string' || typeof parse(value) !== 'string';
  } catch {
    return true;
  }
}

/** Renders a value in a scalar style: plain stays plain unless it would change type, then it gets double quotes. */
export function formatScalar(value: string, style: Scalar['type'], file: string, line: number): string {
  switch (style) {
    case 'QUOTE_SINGLE':
      return `'${value.replace(/'/g, "''")}'`;
    case 'QUOTE_DOUBLE':
      return JSON.stringify(value);
    case 'PLAIN':
    case undefined:
      return needsQuotes(value) || !plainSafe(value) ? JSON.stringify(value) : value;
    default:
      throw new UserError(
        `${file}:${line}: the value is a ${style} scalar; refusing to edit block scalars in place`,
      );
  }
}

/** Characters that would end or change a plain scalar in block or flow context. */
function plainSafe(value: string): boolean {
  return !/^[-?:,[\]{}#&*!|>'"%@`\s]|[,[\]{}]|: |:$| #|\s$/.test(value);
}
