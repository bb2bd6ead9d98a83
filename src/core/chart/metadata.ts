/**
 * Chart.yaml: reading it the way Helm does (unknown keys dropped, every field typed) and validating
 * it more strictly where Helm's leniency surprises users later (strict semver, OCI-valid names).
 *
 * Decisions:
 * - apiVersion `v2` is the normal case; `v1` (Helm 2 charts, dependencies in requirements.yaml) is still
 *   packaged, as Helm 3 does, with a warning; a missing apiVersion means v1, as in Helm (warning too).
 *   Any other apiVersion is an error.
 * - The root chart's version must be strict SemVer 2.0.0 (`1.2.3`, `1.2.3-rc.1+build.5`): Helm pushes
 *   `v1.2.3` or `1.2` as written, and pull, tag listing and Flux's semver ranges then cannot see them.
 *   Nothing is normalised silently; the error says what to write.
 * - `version` and `appVersion` written as YAML numbers (`1.10`) are errors: Helm would turn `1.10` into
 *   `1.1`. Other string fields keep the text as written.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar } from 'yaml';
import { UserError } from '../errors.ts';

export interface Maintainer {
  name?: string;
  email?: string;
  url?: string;
}

export interface Dependency {
  name: string;
  version?: string;
  repository: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  importValues?: unknown[];
  alias?: string;
}

/** Helm's chart metadata, field for field (Go struct `Metadata`). */
export interface ChartMetadata {
  name?: string;
  home?: string;
  sources?: string[];
  version?: string;
  description?: string;
  keywords?: string[];
  maintainers?: Maintainer[];
  icon?: string;
  apiVersion?: string;
  condition?: string;
  tags?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  kubeVersion?: string;
  dependencies?: Dependency[];
  type?: string;
}

/** A problem in a chart file: the message starts with the file (and line) at fault. */
export class ChartError extends UserError {
  override name = 'ChartError';
}

export interface ParsedChartYaml {
  metadata: ChartMetadata;
  /** Fields written as YAML numbers or booleans where Helm expects text (e.g. `version: 1.10`). */
  nonStringFields: { field: string; written: string; line: number }[];
}

/** Where a YAML node sits, for messages. */
type Where = (node: Node | null | undefined) => string;

/**
 * Parses Chart.yaml (or requirements.yaml, which has the same `dependencies:` shape) text.
 * `file` is how messages name it (e.g. `charts/app/Chart.yaml`).
 */
export function parseChartYaml(text: string, file: string): ParsedChartYaml {
  const lineCounter = new LineCounter();
  // go-yaml (what Helm uses) speaks YAML 1.1: `yes`, `on`, 0777 and dates resolve as in Helm.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { version: '1.1', lineCounter, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ChartError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: malformed YAML: ${reason}`);
  }
  const where: Where = (node) => {
    const offset = node?.range?.[0];
    return offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`;
  };
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 0;
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    return { metadata: {}, nonStringFields: [] };
  }
  if (!isMap(root)) throw new ChartError(`${where(root)}: expected a mapping of chart fields`);

  const metadata: ChartMetadata = {};
  const nonStringFields: ParsedChartYaml['nonStringFields'] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = pair.value as Node | null;
    const field = (name: string) => ({ value, name, where });
    switch (key) {
      case 'version':
      case 'appVersion': {
        const text = stringField(field(key));
        // Dates read back as the text written (go-yaml keeps them as strings), numbers do not.
        if (text !== undefined && isScalar(value) && ['number', 'boolean'].includes(typeof value.value)) {
          nonStringFields.push({ field: key, written: text, line: lineOf(value) });
        }
        if (text !== undefined) metadata[key] = text;
        break;
      }
      case 'name':
      case 'home':
      case 'description':
      case 'icon':
      case 'apiVersion':
      case 'condition':
      case 'tags':
      case 'kubeVersion':
      case 'type': {
        const text = stringField(field(key));
        if (text !== undefined) metadata[key] = text;
        break;
      }
      case 'sources':
      case 'keywords': {
        const list = stringList(field(key));
        if (list) metadata[key] = list;
        break;
      }
      case 'deprecated': {
        const flag = boolField(field(key));
        if (flag !== undefined) metadata.deprecated = flag;
        break;
      }
      case 'annotations': {
        const map = stringMap(field(key));
        if (map) metadata.annotations = map;
        break;
      }
      case 'maintainers':
        metadata.maintainers = listOf(field(key), (item, at) => parseMaintainer(item, at, where));
        break;
      case 'dependencies':
        metadata.dependencies = listOf(field(key), (item, at) => parseDependency(item, at, where));
        break;
      default:
        // Helm drops fields it does not know (e.g. Helm 2's `engine`).
        break;
    }
  }
  return { metadata, nonStringFields };
}

interface Field {
  value: Node | null;
  name: string;
  where: Where;
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** A scalar's text. Numbers, booleans and dates keep the characters written in the file. */
function stringField({ value, name, where }: Field): string | undefined {
  if (isNull(value)) return undefined;
  if (!isScalar(value)) throw new ChartError(`${where(value)}: '${name}' must be a string`);
  if (typeof value.value === 'string') return value.value;
  return (value as Scalar).source ?? String(value.value);
}

function boolField({ value, name, where }: Field): boolean | undefined {
  if (isNull(value)) return undefined;
  if (isScalar(value) && typeof value.value === 'boolean') return value.value;
  throw new ChartError(`${where(value)}: '${name}' must be true or false`);
}

function stringList(field: Field): string[] | undefined {
  const { value, name, where } = field;
  if (isNull(value)) return undefined;
  if (!isSeq(value)) throw new ChartError(`${where(value)}: '${name}' must be a list of strings`);
  return value.items.map((item, index) => {
    const text = stringField({ value: item as Node | null, name: `${name}[${index}]`, where });
    return text ?? '';
  });
}

function stringMap(field: Field): Record<string, string> | undefined {
  const { value, name, where } = field;
  if (isNull(value)) return undefined;
  if (!isMap(value)) throw new ChartError(`${where(value)}: '${name}' must be a mapping of strings`);
  const map: Record<string, string> = {};
  for (const pair of value.items) {
    const key = isScalar(pair.key) ? ((pair.key as Scalar).source ?? String(pair.key.value)) : undefined;
    if (key === undefined) throw new ChartError(`${where(value)}: '${name}' keys must be strings`);
    map[key] = stringField({ value: pair.value as Node | null, name: `${name}.${key}`, where }) ?? '';
  }
  return map;
}

function listOf<T>(field: Field, parse: (item: Node, at: string) => T): T[] | undefined {
  const { value, name, where } = field;
  if (isNull(value)) return undefined;
  if (!isSeq(value)) throw new ChartError(`${where(value)}: '${name}' must be a list`);
  return value.items.map((item, index) => {
    if (isNull(item as Node | null)) {
      throw new ChartError(`${where(value)}: '${name}' must not contain empty entries (entry ${index + 1})`);
    }
    return parse(item as Node, `${name}[${index}]`);
  });
}

function parseMaintainer(node: Node, at: string, where: Where): Maintainer {
  if (!isMap(node)) throw new ChartError(`${where(node)}: '${at}' must be a mapping (name, email, url)`);
  const maintainer: Maintainer = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'name' || key === 'email' || key === 'url') {
      const text = stringField({ value: pair.value as Node | null, name: `${at}.${key}`, where });
      if (text !== undefined) maintainer[key] = text;
    }
  }
  return maintainer;
}

function parseDependency(node: Node, at: string, where: Where): Dependency {
  if (!isMap(node))
    throw new ChartError(`${where(node)}: '${at}' must be a mapping (name, version, repository, ...)`);
  const dependency: Dependency = { name: '', repository: '' };
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const field: Field = { value: pair.value as Node | null, name: `${at}.${key}`, where };
    switch (key) {
      case 'name':
      case 'version':
      case 'repository':
      case 'condition':
      case 'alias': {
        const text = stringField(field);
        if (text !== undefined) dependency[key] = text;
        break;
      }
      case 'tags': {
        const list = stringList(field);
        if (list) dependency.tags = list;
        break;
      }
      case 'enabled': {
        const flag = boolField(field);
        if (flag !== undefined) dependency.enabled = flag;
        break;
      }
      case 'import-values': {
        if (isNull(field.value)) break;
        if (!isSeq(field.value))
          throw new ChartError(`${where(field.value)}: '${field.name}' must be a list`);
        dependency.importValues = field.value.toJSON() as unknown[];
        break;
      }
      default:
        break;
    }
  }
  return dependency;
}
