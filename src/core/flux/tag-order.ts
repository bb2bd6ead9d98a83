/**
 * "Is this tag newer?" answered the way Flux's ImagePolicy would pick between the two tags, so
 * only-if-newer never undoes what Flux itself would keep, and the Flux check can tell which tag a
 * policy selects from a registry's tags.
 */
import semver from 'semver';
import { UserError } from '../errors.ts';
import { expandTemplate, goRegExp } from './go-regexp.ts';
import { parseRange } from './semver-range.ts';

export type Comparison = 'newer' | 'same' | 'older';

export interface Verdict {
  /** The candidate compared with the current tag. */
  result: Comparison;
  /** Why, in words, for the log. */
  reason: string;
}

export interface TagOrdering {
  describe: string;
  /** Throws a UserError when this ordering would never select the candidate. */
  check(candidate: string): void;
  compare(candidate: string, current: string | undefined): Verdict;
}

/** The parts of an ImagePolicy spec that decide the order. */
export interface ImagePolicySpec {
  filterTags?: { pattern?: string; extract?: string };
  policy?: {
    numerical?: { order?: string };
    alphabetical?: { order?: string };
    semver?: { range?: string };
  };
}

/** Strict semver after removing one leading `v` (Flux: `v1.2.3` ok, `vv1.2.3` and `1.2` not). */
export function fluxSemver(tag: string): semver.SemVer | undefined {
  const bare = tag.startsWith('v') ? tag.slice(1) : tag;
  if (!/^[0-9]/.test(bare)) return undefined;
  return semver.parse(bare) ?? undefined;
}

/** Go's strconv.ParseFloat: decimal or hex floats, Inf/Infinity/NaN (any case). undefined when Go would fail. */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined; // out of range is an error in Go
  }
  const hex = /^([+-]?)0[xX]((?:[0-9a-fA-F]_?)*[0-9a-fA-F]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?\d+)$/.exec(text);
  if (hex && (hex[2] || hex[3])) {
    const int = (hex[2] ?? '').replace(/_/g, '');
    const frac = (hex[3] ?? '').replace(/_/g, '');
    const mantissa = Number.parseInt(int + frac || '0', 16) / 16 ** frac.length;
    const value = mantissa * 2 ** Number(hex[4]) * (hex[1] === '-' ? -1 : 1);
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

const verdict = (result: Comparison, reason: string): Verdict => ({ result, reason });

function compareNumbers(a: number, b: number, descending: boolean): Comparison {
  if (a === b) return 'same';
  return a > b !== descending ? 'newer' : 'older';
}

/**
 * The order when no ImagePolicy says otherwise, inferred from the candidate:
 * `<unix-seconds>[-<anything>]` and `<prefix>-<sha>-<unix-seconds>` are numerical on the seconds;
 * strict semver (one optional `v`) is semver; anything else is refused rather than guessed.
 */
export function inferOrdering(candidate: string): TagOrdering {
  const leading = /^([1-9][0-9]*)(?:-[A-Za-z0-9._-]+)?$/;
  if (leading.test(candidate))
    return numericalBy('numerical timestamp prefix (<unix-seconds>-<sha>)', leading);
  const suffix = /^(.+-[0-9a-f]{7,40}-)([1-9][0-9]*)$/.exec(candidate);
  if (suffix) {
    const prefix = suffix[1]!;
    const shape = new RegExp(
      `^${prefix.replace(/[0-9a-f]{7,40}-$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[0-9a-f]{7,40}-([1-9][0-9]*)$`,
    );
    return numericalBy(`numerical timestamp suffix (<branch>-<sha>-<unix-seconds>)`, shape);
  }
  if (fluxSemver(candidate)) return semverOrdering('semver', undefined);
  throw new UserError(
    `Cannot order tag '${candidate}' the way Flux would: it is neither '<unix-seconds>-<sha>', '<branch>-<sha>-<unix-seconds>' nor semver. Set only-if-newer: false, or add an ImagePolicy for the image to the GitOps repository.`,
  );
}

function numericalBy(describe: string, shape: RegExp): TagOrdering {
  const key = (tag: string) => {
    const match = shape.exec(tag);
    return match ? Number(match[1]) : undefined;
  };
  return {
    describe,
    check: () => {},
    compare(candidate, current) {
      const a = key(candidate)!;
      const b = current === undefined ? undefined : key(current);
      if (b === undefined) return verdict('newer', `current tag '${current ?? ''}' is not of the same shape`);
      const result = compareNumbers(a, b, false);
      return verdict(result, `${a} vs ${b}`);
    },
  };
}

function semverOrdering(describe: string, range: string | undefined): TagOrdering {
  const parsed = range === undefined ? undefined : parseRange(range);
  if (range !== undefined && !parsed) {
    throw new UserError(`ImagePolicy semver range '${range}' is not a valid range`);
  }
  const eligible = (tag: string) => {
    const version = fluxSemver(tag);
    if (!version) return undefined;
    if (parsed && !parsed.satisfies(version.version)) return undefined;
    return version;
  };
  return {
    describe: range ? `semver in range '${range}'` : describe,
    check(candidate) {
      if (!fluxSemver(candidate))
        throw new UserError(`Tag '${candidate}' is not semver, but the ImagePolicy orders by semver`);
      if (!eligible(candidate)) {
        throw new UserError(
          `Tag '${candidate}' is outside the ImagePolicy semver range '${range}': Flux would never select it`,
        );
      }
    },
    compare(candidate, current) {
      const a = eligible(candidate)!;
      const b = current === undefined ? undefined : eligible(current);
      if (!b) return verdict('newer', `current tag '${current ?? ''}' is not an eligible semver version`);
      const order = semver.compare(a, b); // build metadata is ignored, as in Flux
      return verdict(order > 0 ? 'newer' : order < 0 ? 'older' : 'same', `${a.version} vs ${b.version}`);
    },
  };
}

/** The order an ImagePolicy manifest defines: filterTags first, then numerical / alphabetical / semver. */
export function policyOrdering(name: string, spec: ImagePolicySpec): TagOrdering {
  const pattern = spec.filterTags?.pattern ? goRegExp(spec.filterTags.pattern) : undefined;
  const extract = spec.filterTags?.extract;
  const keyOf = (tag: string): string | undefined => {
    if (!pattern) return tag;
    pattern.lastIndex = 0;
    const match = pattern.exec(tag);
    if (!match) return undefined;
    return extract ? expandTemplate(extract, match) : tag;
  };
  const filtered = (inner: TagOrdering): TagOrdering => ({
    describe: `ImagePolicy ${name}: ${pattern ? `filterTags '${spec.filterTags?.pattern}', ` : ''}${inner.describe}`,
    check(candidate) {
      const key = keyOf(candidate);
      if (key === undefined) {
        throw new UserError(
          `Tag '${candidate}' does not match ImagePolicy ${name} filterTags.pattern '${spec.filterTags?.pattern}': Flux would never select it`,
        );
      }
      inner.check(key);
    },
    compare(candidate, current) {
      const currentKey = current === undefined ? undefined : keyOf(current);
      if (currentKey === undefined)
        return verdict('newer', `current tag '${current ?? ''}' is filtered out by the policy`);
      return inner.compare(keyOf(candidate)!, currentKey);
    },
  });
  const policy = spec.policy ?? {};
  if (policy.numerical) {
    const descending = policy.numerical.order === 'desc';
    return filtered({
      describe: `numerical ${descending ? 'desc' : 'asc'}`,
      check(key) {
        if (parseGoFloat(key) === undefined) {
          throw new UserError(
            `ImagePolicy ${name} orders numerically, but '${key}' is not a number: Flux would fail`,
          );
        }
      },
      compare(a, b) {
        const x = parseGoFloat(a)!;
        const y = b === undefined ? undefined : parseGoFloat(b);
        if (y === undefined) return verdict('newer', `current '${b}' is not a number`);
        return verdict(compareNumbers(x, y, descending), `${a} vs ${b}`);
      },
    });
  }
  if (policy.alphabetical) {
    const descending = policy.alphabetical.order === 'desc';
    return filtered({
      describe: `alphabetical ${descending ? 'desc' : 'asc'}`,
      check() {},
      compare(a, b) {
        if (b === undefined) return verdict('newer', 'no current tag');
        const result: Comparison = a === b ? 'same' : a > b !== descending ? 'newer' : 'older';
        return verdict(result, `'${a}' vs '${b}'`);
      },
    });
  }
  if (policy.semver) return filtered(semverOrdering('semver', policy.semver.range ?? '*'));
  throw new UserError(`ImagePolicy ${name} has no numerical, alphabetical or semver policy`);
}

/** Whether the ordering would consider the tag at all (filterTags, the range, a number to order by). */
export function selectable(ordering: TagOrdering, tag: string): boolean {
  try {
    ordering.check(tag);
    return true;
  } catch (error) {
    if (error instanceof UserError) return false;
    throw error;
  }
}

/** The tag the policy selects from `tags`, as Flux's ImagePolicy reports it as latest. */
export function selectLatest(ordering: TagOrdering, tags: Iterable<string>): string | undefined {
  let latest: string | undefined;
  for (const tag of tags) {
    if (!selectable(ordering, tag)) continue;
    if (latest === undefined || ordering.compare(tag, latest).result === 'newer') latest = tag;
  }
  return latest;
}
