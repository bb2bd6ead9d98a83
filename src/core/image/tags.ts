import { createHash } from 'node:crypto';
import semver from 'semver';
import { InputError } from '../errors.ts';

/** What the tag rules may draw on. */
export interface TagSource {
  sha: string;
  /** Committer time of `sha`, unix seconds. */
  commitTime?: number;
  /** refs/heads/…, refs/tags/…, refs/pull/<n>/merge, refs/merge-requests/<n>/head */
  ref: string;
  pullRequest?: number;
  /** The repository's default branch, for `{{is_default_branch}}`. */
  defaultBranch?: string;
}

export interface TagResult {
  tags: string[];
  /** Rules that produced nothing for this event, with the reason (shown in the log). */
  skipped: { rule: string; reason: string }[];
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX = 128;

/** Turns tag rules (docker/metadata-action syntax plus `type=timestamp-sha`) into image tags. */
export function generateTags(rules: string[], source: TagSource): TagResult {
  const tags: string[] = [];
  const skipped: TagResult['skipped'] = [];
  for (const line of rules) {
    const rule = parseRule(line);
    const attrs = expandAttributes(rule.attrs, source, line);
    if (attrs.enable === 'false') continue;
    if (attrs.enable !== undefined && attrs.enable !== 'true') {
      throw new InputError('tags', `rule '${line}': enable must be true, false or {{is_default_branch}}`);
    }
    const produced = evaluators[rule.type]!(attrs, source, line);
    if (typeof produced === 'string') {
      skipped.push({ rule: line, reason: produced });
      continue;
    }
    for (const value of produced) {
      const tag = `${attrs.prefix ?? ''}${value}${attrs.suffix ?? ''}`;
      if (!TAG.test(tag)) {
        throw new InputError(
          'tags',
          `rule '${line}' gives '${tag}', which is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`,
        );
      }
      if (!tags.includes(tag)) tags.push(tag);
    }
  }
  return { tags, skipped };
}

/**
 * The global expressions docker/metadata-action users write in any attribute: `{{branch}}`,
 * `{{tag}}`, `{{sha}}` (7 characters), `{{is_default_branch}}`.
 */
function expandAttributes(
  attrs: Record<string, string>,
  source: TagSource,
  line: string,
): Record<string, string> {
  const branch = source.ref.startsWith('refs/heads/') ? source.ref.slice('refs/heads/'.length) : '';
  const values: Record<string, string> = {
    branch,
    tag: gitTag(source.ref) ?? '',
    sha: source.sha.slice(0, 7),
    is_default_branch: String(branch !== '' && branch === source.defaultBranch),
  };
  const expanded: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) {
    // The semver pattern has placeholders of its own.
    if (key === 'pattern') {
      expanded[key] = value;
      continue;
    }
    expanded[key] = value.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
      if (!(name in values)) throw new InputError('tags', `rule '${line}': unknown expression ${whole}`);
      return values[name]!;
    });
  }
  return expanded;
}

interface Rule {
  type: string;
  attrs: Record<string, string>;
}

/** `type=semver,pattern={{version}},match="v(\d+),x"`: comma-separated key=value, double quotes protect commas. */
export function parseRule(line: string): Rule {
  const attrs: Record<string, string> = {};
  for (const field of splitFields(line)) {
    const eq = field.indexOf('=');
    if (eq <= 0) throw new InputError('tags', `rule '${line}': '${field}' is not key=value`);
    attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  const type = attrs.type ?? 'raw';
  if (!(type in evaluators)) {
    throw new InputError(
      'tags',
      `rule '${line}': unknown type '${type}' (one of ${Object.keys(evaluators).join(', ')})`,
    );
  }
  return { type, attrs };
}

function splitFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) throw new InputError('tags', `rule '${line}': unbalanced double quote`);
  fields.push(current);
  return fields.map((f) => f.trim()).filter(Boolean);
}

/** Each evaluator returns the tag values, or a reason why the rule does not apply to this run. */
type Evaluator = (attrs: Record<string, string>, source: TagSource, line: string) => string[] | string;

const evaluators: Record<string, Evaluator> = {
  'timestamp-sha': (_attrs, source) => {
    if (source.commitTime === undefined) {
      throw new InputError(
        'tags',
        'type=timestamp-sha needs the commit time: run in a git checkout of the commit',
      );
    }
    return [`${source.commitTime}-${source.sha.slice(0, 7)}`];
  },
  sha: (attrs, source, line) => {
    const format = attrs.format ?? 'short';
    if (format !== 'short' && format !== 'long')
      throw new InputError('tags', `rule '${line}': format must be short or long`);
    if (attrs.prefix === undefined) attrs.prefix = 'sha-';
    return [format === 'long' ? source.sha : source.sha.slice(0, 7)];
  },
  raw: (attrs, source, line) => {
    if (!attrs.value) throw new InputError('tags', `rule '${line}': type=raw needs value=`);
    if (attrs.value === 'latest' && isPrereleaseTag(source.ref)) return 'a prerelease never gets latest';
    return [attrs.value];
  },
  ref: (attrs, source, line) => {
    const event = attrs.event;
    if (event === 'branch') {
      const branch = source.ref.startsWith('refs/heads/')
        ? source.ref.slice('refs/heads/'.length)
        : undefined;
      return branch ? [sanitizeTag(branch)] : 'not a branch build';
    }
    if (event === 'tag') {
      const tag = gitTag(source.ref);
      return tag ? [sanitizeTag(tag)] : 'not a tag build';
    }
    if (event === 'pr') return source.pullRequest ? [`pr-${source.pullRequest}`] : 'not a pull request build';
    throw new InputError('tags', `rule '${line}': event must be branch, tag or pr`);
  },
  semver: (attrs, source, line) => {
    const pattern = attrs.pattern;
    if (!pattern)
      throw new InputError('tags', `rule '${line}': type=semver needs pattern= (e.g. {{version}})`);
    const raw = attrs.value ?? gitTag(source.ref);
    if (!raw) return 'not a tag build';
    let text = raw;
    if (attrs.match) {
      const found = compileMatch(attrs.match, line).exec(raw);
      if (!found) return `tag '${raw}' does not match ${attrs.match}`;
      text = found[1] ?? found[0];
    }
    const version = semver.parse(text.replace(/^v/, ''));
    if (!version) return `'${text}' is not a semantic version`;
    // A prerelease gets its full version only, whatever the pattern (as docker/metadata-action
    // does): never a bare major/minor, nor the release's own x.y.z.
    if (version.prerelease.length > 0) return [/\{\{\s*raw\s*\}\}/.test(pattern) ? text : version.version];
    const uses = (key: string) => new RegExp(`\\{\\{\\s*${key}\\s*\\}\\}`).test(pattern);
    if (version.major === 0 && uses('major') && !uses('minor') && !uses('version') && !uses('raw')) {
      return 'a 0.x version gets no bare major tag';
    }
    return [
      pattern.replace(/\{\{\s*(version|raw|major|minor|patch)\s*\}\}/g, (_m, key: string) =>
        key === 'version'
          ? version.version
          : key === 'raw'
            ? text
            : String(version[key as 'major' | 'minor' | 'patch']),
      ),
    ];
  },
};

function compileMatch(source: string, line: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new InputError(
      'tags',
      `rule '${line}': match is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

const gitTag = (ref: string) => (ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined);

function isPrereleaseTag(ref: string): boolean {
  const tag = gitTag(ref);
  const version = tag ? semver.parse(tag.replace(/^.*?v?(?=\d+\.\d+\.\d+)/, '')) : null;
  return Boolean(version && version.prerelease.length > 0);
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
