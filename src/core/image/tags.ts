import { createHash } from 'node:crypto';
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { InputError, setting } from '../errors.ts';
import { isValidTag, TAG_RULE } from '../registry/reference.ts';
import { formatDate } from './date-format.ts';

/** What the tag rules may draw on. */
export interface TagSource {
  /** The commit the tags describe (a pull request's head commit unless told otherwise). */
  sha: string;
  /** Committer time of `sha`, unix seconds. */
  commitTime?: number;
  /** refs/heads/…, refs/tags/…, refs/pull/<n>/merge, refs/merge-requests/<n>/head */
  ref: string;
  /** Normalised event: `type=schedule` applies to `schedule` only. */
  event?: string;
  /** The repository's default branch, for `type=edge` and `{{is_default_branch}}`. */
  defaultBranch?: string;
  /** `{{base_ref}}`: a pull request's target branch, or the branch a pushed tag was cut from. */
  baseRef?: string;
  /** The run's time, for `{{date}}` (and `{{commit_date}}` when the commit time is unknown). */
  now?: Date;
  /** Length of `{{sha}}` and `type=sha` (docker/metadata-action's DOCKER_METADATA_SHORT_SHA_LENGTH). */
  shortShaLength?: number;
}

export interface TagResult {
  /** Ordered by priority; `latest` (with the flavor's prefix/suffix when asked) comes last. */
  tags: string[];
  /** The first tag: what `org.opencontainers.image.version` says. */
  version: string;
  latest: boolean;
  /** Rules that produced nothing for this event, with the reason (shown in the log). */
  skipped: { rule: string; reason: string }[];
  warnings: string[];
}

/** `flavor` input: global `latest`, `prefix` and `suffix`. */
export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

const MAX = 128;

/** Default priorities: the higher, the earlier the tag. Ours sits above every upstream type. */
const PRIORITY: Record<string, number> = {
  'timestamp-sha': 1100,
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

const COMMON = ['type', 'enable', 'priority', 'prefix', 'suffix'];
const ATTRIBUTES: Record<string, string[]> = {
  'timestamp-sha': [],
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'value', 'group'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format'],
};

interface Rule {
  line: string;
  type: string;
  attrs: Record<string, string>;
  priority: number;
}

/**
 * Turns tag rules (docker/metadata-action's `tags` and `flavor` grammar, plus our
 * `type=timestamp-sha`) into image tags, with metadata-action's results for the same event.
 */
export function generateTags(lines: string[], source: TagSource, flavorLines: string[] = []): TagResult {
  const flavor = parseFlavor(flavorLines);
  const exp = new Expressions(source);
  // A stable sort: rules of equal priority keep the order they were written in.
  const rules = lines.map(parseRule).sort((a, b) => b.priority - a.priority);
  const result: TagResult = { tags: [], version: '', latest: false, skipped: [], warnings: exp.warnings };
  let latest: boolean | undefined;
  for (const rule of rules) {
    const enable = exp.expand(rule.attrs.enable ?? 'true', rule.line);
    if (enable !== 'true' && enable !== 'false') {
      throw new InputError('tags', `rule '${rule.line}': enable must be true or false, got '${enable}'`);
    }
    if (enable === 'false') continue;
    const produced = evaluate(rule, source, exp);
    if ('skip' in produced) {
      result.skipped.push({ rule: rule.line, reason: produced.skip });
      continue;
    }
    const prefix = 'prefix' in rule.attrs ? rule.attrs.prefix! : flavor.prefix;
    const suffix = 'suffix' in rule.attrs ? rule.attrs.suffix! : flavor.suffix;
    const text = `${exp.expand(prefix, rule.line)}${produced.value}${exp.expand(suffix, rule.line)}`;
    if (text === '') continue;
    const tag = validTag(text.replace(/[^a-zA-Z0-9._-]+/g, '-'), rule.line);
    if (!result.tags.includes(tag)) result.tags.push(tag);
    latest ??= flavor.latest === 'auto' ? produced.latest : flavor.latest === 'true';
  }
  result.version = result.tags[0] ?? '';
  result.latest = latest ?? false;
  if (result.latest) {
    const name = `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`;
    const tag = validTag(exp.expand(name, 'flavor', 'flavor').replace(/[^a-zA-Z0-9._-]+/g, '-'), 'flavor');
    if (!result.tags.includes(tag)) result.tags.push(tag);
  }
  return result;
}

function validTag(tag: string, line: string): string {
  if (!isValidTag(tag)) {
    throw new InputError('tags', `rule '${line}' gives '${tag}', which is not a valid tag (${TAG_RULE})`);
  }
  return tag;
}

type Produced = { value: string; latest: boolean } | { skip: string };

function evaluate(rule: Rule, source: TagSource, exp: Expressions): Produced {
  const { attrs, line } = rule;
  const branch = refName(source.ref, 'refs/heads/');
  const gitTag = refName(source.ref, 'refs/tags/');
  switch (rule.type) {
    case 'timestamp-sha':
      if (source.commitTime === undefined) {
        throw new InputError(
          'tags',
          'type=timestamp-sha needs the commit time: run in a git checkout that holds the commit',
        );
      }
      return { value: `${source.commitTime}-${exp.shortSha}`, latest: false };
    case 'schedule':
      if (source.event !== 'schedule') return { skip: 'not a scheduled run' };
      return { value: exp.expand(attrs.pattern ?? 'nightly', line), latest: false };
    case 'semver':
    case 'pep440':
      return version(rule, gitTag, exp);
    case 'match': {
      const value = attrs.value ? exp.expand(attrs.value, line) : gitTag;
      if (!value) return { skip: 'not a tag build' };
      const found = matchPattern(attrs.pattern!, line).exec(value);
      if (!found) return { skip: `${attrs.pattern} does not match '${value}'` };
      const group = found[Number(attrs.group ?? '0')];
      if (group === undefined) return { skip: `group ${attrs.group} does not exist in ${attrs.pattern}` };
      return { value: group, latest: true };
    }
    case 'edge': {
      if (branch === undefined) return { skip: 'not a branch build' };
      const edgeBranch = attrs.branch || source.defaultBranch;
      if (!edgeBranch) return { skip: 'the default branch is unknown: set branch=<name>' };
      return edgeBranch === branch
        ? { value: 'edge', latest: false }
        : { skip: `not the ${edgeBranch} branch` };
    }
    case 'ref':
      if (attrs.event === 'branch') {
        return branch === undefined
          ? { skip: 'not a branch build' }
          : { value: sanitizeTag(branch), latest: false };
      }
      if (attrs.event === 'tag') {
        return gitTag === undefined
          ? { skip: 'not a tag build' }
          : { value: sanitizeTag(gitTag), latest: true };
      }
      {
        const pr = /^refs\/(?:pull|merge-requests)\/(\d+)\//.exec(source.ref)?.[1];
        return pr ? { value: pr, latest: false } : { skip: 'not a pull request build' };
      }
    case 'raw':
      return { value: exp.expand(attrs.value!, line), latest: false };
    case 'sha':
      return { value: attrs.format === 'long' ? source.sha : exp.shortSha, latest: false };
  }
  throw new Error(`unreachable: ${rule.type}`);
}

/**
 * `type=semver` and `type=pep440`: the git tag (or `value`), narrowed by `match`'s first group,
 * rendered with `pattern`. A pre-release (and for PEP 440 a post- or dev-release) gets only its
 * full version, or `{{raw}}` when that is the whole pattern, and never `latest`.
 */
function version(rule: Rule, gitTag: string | undefined, exp: Expressions): Produced {
  const { attrs, line } = rule;
  let raw = attrs.value ? exp.expand(attrs.value, line) : gitTag;
  if (raw === undefined) return { skip: 'not a tag build' };
  if (attrs.match) {
    const found = matchPattern(attrs.match, line).exec(raw);
    // As metadata-action: no match leaves the whole value, which must then be a version itself.
    if (found) raw = found[1] ?? found[0];
  }
  raw = raw.replace(/\//g, '-');
  const pattern = attrs.pattern!;
  const rawOnly = /^\{\{\s*raw\s*\}\}$/.test(pattern);
  if (rule.type === 'semver') {
    if (!semver.valid(raw)) return { skip: `'${raw}' is not a semantic version` };
    const parsed = semver.parse(raw, { loose: true })!;
    const fields = {
      raw,
      version: parsed.version,
      major: parsed.major,
      minor: parsed.minor,
      patch: parsed.patch,
    };
    if (parsed.prerelease.length > 0) return { value: rawOnly ? raw : parsed.version, latest: false };
    return { value: renderPattern(pattern, fields, line), latest: true };
  }
  if (!pep440.valid(raw)) return { skip: `'${raw}' is not a PEP 440 version` };
  const explained = pep440.explain(raw)!;
  const clean = pep440.clean(raw)!;
  if (explained.is_prerelease || explained.is_postrelease || explained.is_devrelease) {
    return { value: rawOnly ? raw : clean, latest: false };
  }
  const fields = {
    raw,
    version: clean,
    major: pep440.major(raw),
    minor: pep440.minor(raw),
    patch: pep440.patch(raw),
  };
  return { value: renderPattern(pattern, fields, line), latest: true };
}

function renderPattern(pattern: string, fields: Record<string, string | number>, line: string): string {
  return pattern.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
    if (!(name in fields)) {
      throw new InputError(
        'tags',
        `rule '${line}': ${whole} is not one of {{${Object.keys(fields).join('}} {{')}}}`,
      );
    }
    return String(fields[name]);
  });
}

/** A `pattern`/`match` regular expression: `/re/flags` or the bare expression. */
function matchPattern(text: string, line: string): RegExp {
  const literal = /^\/(.+)\/([a-z]*)$/.exec(text);
  try {
    return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(text);
  } catch (error) {
    throw new InputError(
      'tags',
      `rule '${line}': '${text}' is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

const refName = (ref: string, prefix: string) =>
  ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;

/** `type=semver,pattern={{version}},"match=v(\d+),x"`: CSV fields; a field without `=` is the value. */
export function parseRule(line: string): Rule {
  const attrs: Record<string, string> = {};
  for (const field of splitFields(line, 'tags')) {
    const eq = field.indexOf('=');
    if (eq < 0) attrs.value = field;
    else if (eq === 0) throw new InputError('tags', `rule '${line}': '${field}' has no attribute name`);
    else attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  const type = attrs.type ?? 'raw';
  const known = ATTRIBUTES[type];
  if (!known) {
    throw new InputError(
      'tags',
      `rule '${line}': unknown type '${type}' (one of ${Object.keys(ATTRIBUTES).join(', ')})`,
    );
  }
  for (const key of Object.keys(attrs)) {
    if (!COMMON.includes(key) && !known.includes(key)) {
      throw new InputError(
        'tags',
        `rule '${line}': type=${type} has no attribute '${key}' (it takes ${[...COMMON.slice(1), ...known].join(', ')})`,
      );
    }
  }
  const need = (key: string, why: string) => {
    if (attrs[key] === undefined) throw new InputError('tags', `rule '${line}': type=${type} needs ${why}`);
  };
  if (type === 'semver' || type === 'pep440') need('pattern', 'pattern= (e.g. {{version}})');
  if (type === 'match') need('pattern', 'pattern= (a regular expression)');
  if (type === 'raw') need('value', 'value=');
  if (type === 'ref') {
    need('event', 'event=branch, event=tag or event=pr');
    if (!['branch', 'tag', 'pr'].includes(attrs.event!)) {
      throw new InputError('tags', `rule '${line}': event must be branch, tag or pr`);
    }
    if (attrs.event === 'pr' && attrs.prefix === undefined) attrs.prefix = 'pr-';
  }
  if (type === 'sha') {
    attrs.prefix ??= 'sha-';
    if (!['short', 'long'].includes(attrs.format ?? 'short')) {
      throw new InputError('tags', `rule '${line}': format must be short or long`);
    }
  }
  if (type === 'match' && !/^\d+$/.test(attrs.group ?? '0')) {
    throw new InputError('tags', `rule '${line}': group must be a number`);
  }
  if (attrs.match !== undefined) matchPattern(attrs.match, line);
  if (attrs.pattern !== undefined && type === 'match') matchPattern(attrs.pattern, line);
  const priority = attrs.priority === undefined ? PRIORITY[type]! : Number(attrs.priority);
  if (!Number.isFinite(priority)) throw new InputError('tags', `rule '${line}': priority must be a number`);
  return { line, type, attrs, priority };
}

/** `latest=auto|true|false`, `prefix=<text>[,onlatest=true]`, `suffix=<text>[,onlatest=true]`, one per line. */
export function parseFlavor(lines: string[]): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  for (const line of lines) {
    let last: 'prefix' | 'suffix' | undefined;
    for (const field of splitFields(line, 'flavor')) {
      const eq = field.indexOf('=');
      if (eq <= 0) throw new InputError('flavor', `'${line}': '${field}' is not key=value`);
      const key = field.slice(0, eq).trim().toLowerCase();
      const value = field.slice(eq + 1).trim();
      if (key === 'latest') {
        if (value !== 'auto' && value !== 'true' && value !== 'false') {
          throw new InputError('flavor', `'${line}': latest must be auto, true or false`);
        }
        flavor.latest = value;
      } else if (key === 'prefix' || key === 'suffix') {
        flavor[key] = value;
        last = key;
      } else if (key === 'onlatest') {
        if (value !== 'true' && value !== 'false') {
          throw new InputError('flavor', `'${line}': onlatest must be true or false`);
        }
        if (!last) throw new InputError('flavor', `'${line}': onlatest follows prefix= or suffix=`);
        flavor[last === 'prefix' ? 'prefixLatest' : 'suffixLatest'] = value === 'true';
      } else {
        throw new InputError(
          'flavor',
          `'${line}': unknown entry '${key}' (latest, prefix, suffix, onlatest)`,
        );
      }
    }
  }
  return flavor;
}

/** CSV fields as metadata-action reads them: double quotes protect commas, `""` is a quote. */
function splitFields(line: string, input: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '"') {
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) throw new InputError(input, `'${line}': unbalanced double quote`);
  fields.push(current);
  return fields.map((f) => f.trim()).filter(Boolean);
}

/**
 * The global expressions of docker/metadata-action, usable in `value`, `prefix`, `suffix`,
 * `enable`, schedule patterns, flavor prefix/suffix and labels: `{{branch}}`, `{{tag}}`,
 * `{{sha}}`, `{{base_ref}}`, `{{is_default_branch}}`, `{{is_not_default_branch}}`,
 * `{{date '<format>' tz='<zone>'}}`, `{{commit_date '<format>' tz='<zone>'}}`.
 */
export class Expressions {
  readonly warnings: string[] = [];
  readonly shortSha: string;
  private readonly now: Date;

  constructor(private readonly source: TagSource) {
    this.now = source.now ?? new Date();
    this.shortSha = source.sha.slice(0, source.shortShaLength ?? 7);
  }

  /** `input`: the input the text came from, named in errors. */
  expand(text: string, where: string, input = 'tags'): string {
    return text.replace(
      /\{\{\{?\s*([a-z_]+)((?:\s+(?:'[^']*'|"[^"]*"|[a-z_]+=(?:'[^']*'|"[^"]*")))*)\s*\}?\}\}/g,
      (whole, name: string, args: string) => this.evaluate(name, args.trim(), whole, where, input),
    );
  }

  private evaluate(name: string, args: string, whole: string, where: string, input: string): string {
    const { ref } = this.source;
    if (name === 'date' || name === 'commit_date') {
      const format = /^(['"])(.*?)\1/.exec(args);
      if (!format)
        throw new InputError(input, `'${where}': ${whole} needs a format, e.g. {{${name} 'YYYYMMDD'}}`);
      const rest = args.slice(format[0].length).trim();
      let timeZone = 'UTC';
      if (rest) {
        const tz = /^tz=(['"])(.*?)\1$/.exec(rest);
        if (!tz) throw new InputError(input, `'${where}': ${whole}: the only attribute is tz='<IANA zone>'`);
        timeZone = tz[2]!;
      }
      const date =
        name === 'date' || this.source.commitTime === undefined
          ? this.now
          : new Date(this.source.commitTime * 1000);
      try {
        return formatDate(date, format[2]!, timeZone);
      } catch {
        throw new InputError(input, `'${where}': ${whole}: '${timeZone}' is not a known time zone`);
      }
    }
    if (args) throw new InputError(input, `'${where}': ${whole} takes no arguments`);
    switch (name) {
      case 'branch':
        return refName(ref, 'refs/heads/') ?? '';
      case 'tag':
        return refName(ref, 'refs/tags/') ?? '';
      case 'sha':
        return this.shortSha;
      case 'base_ref':
        return refName(ref, 'refs/heads/') === undefined ? (this.source.baseRef ?? '') : '';
      case 'is_default_branch':
        return String(this.isDefaultBranch());
      case 'is_not_default_branch':
        return String(!this.isDefaultBranch());
    }
    throw new InputError(
      input,
      `'${where}': unknown expression ${whole} (branch, tag, sha, base_ref, is_default_branch, is_not_default_branch, date, commit_date)`,
    );
  }

  private isDefaultBranch(): boolean {
    // A scheduled run always runs on the default branch's last commit.
    if (this.source.event === 'schedule') return true;
    const branch = refName(this.source.ref, 'refs/heads/');
    if (branch === undefined) return false;
    if (!this.source.defaultBranch) {
      const warning = `{{is_default_branch}} reads false: the default branch of the repository is unknown (pass ${setting('default-branch', '<name>')})`;
      if (!this.warnings.includes(warning)) this.warnings.push(warning);
      return false;
    }
    return branch === this.source.defaultBranch;
  }
}

/**
 * Makes a valid tag from any text: runs of other characters become `-`, a leading `.`/`-` is
 * dropped, and a name over 128 characters is cut with a hash of the whole so two long branch
 * names that share a prefix still get different tags.
 */
export function sanitizeTag(text: string): string {
  let tag = text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
  if (tag === '') tag = 'x';
  if (tag.length > MAX) {
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
    tag = `${tag.slice(0, MAX - hash.length - 1)}-${hash}`;
  }
  return tag;
}
