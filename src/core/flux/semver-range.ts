/**
 * Version ranges as Flux reads them: HelmRelease `chart.spec.version`, OCIRepository `ref.semver` and
 * ImagePolicy `policy.semver.range` all go through Masterminds/semver v3 constraints, whose syntax
 * and pre-release rule differ from npm's. We parse the Masterminds text ourselves and hand each single
 * comparator to the `semver` package, which reads one comparator the same way:
 *
 * - `||` separates alternatives; inside one, comparators are AND-ed and separated by commas or spaces
 *   (`>=1.0.0 <2.0.0` and `>=1.0.0, <2.0.0` are the same); an operator may stand apart from its
 *   version (`>= 1.8.0-rc.0`).
 * - `a - b` is a hyphen range; `=>`, `=<` and `~>` are spellings of `>=`, `<=` and `~`; `!=` excludes
 *   one version (npm has no `!=`).
 * - `1.2.x`, `1.x`, `*`, `~1.2`, `^1.2`, a bare `1.2`: the same ranges as in npm.
 * - Pre-releases: a version with a pre-release only satisfies an alternative in which some
 *   comparator carries a pre-release, and then any pre-release in the bounds does (npm would only
 *   admit pre-releases of that same major.minor.patch).
 */
import semver from 'semver';

export interface VersionRange {
  /** The range as written. */
  text: string;
  satisfies(version: string): boolean;
  /** The highest of `versions` the range admits, as Flux would pick it. */
  best(versions: Iterable<string>): string | undefined;
}

interface Comparator {
  /** One npm comparator or hyphen range; undefined for `!=`. */
  npm?: string;
  /** The version of a `!=`. */
  not?: string;
  prerelease: boolean;
}

/** undefined when the text is not a range Masterminds would accept. */
export function parseRange(text: string): VersionRange | undefined {
  const alternatives: Comparator[][] = [];
  for (const part of text.split('||')) {
    const comparators = parseAlternative(part);
    if (!comparators) return undefined;
    alternatives.push(comparators);
  }
  const satisfies = (version: string) => {
    const parsed = semver.parse(version.replace(/^v/, ''));
    if (!parsed) return false;
    return alternatives.some((comparators) => {
      if (parsed.prerelease.length && !comparators.some((c) => c.prerelease)) return false;
      return comparators.every((c) =>
        c.not !== undefined
          ? !semver.eq(parsed, c.not)
          : semver.satisfies(parsed, c.npm!, { includePrerelease: true }),
      );
    });
  };
  return {
    text,
    satisfies,
    best(versions) {
      let best: string | undefined;
      for (const version of versions) {
        if (!satisfies(version)) continue;
        if (!best || semver.gt(version.replace(/^v/, ''), best.replace(/^v/, ''))) best = version;
      }
      return best;
    },
  };
}

const VERSION = String.raw`v?(?:[0-9]+|[xX*])(?:\.(?:[0-9]+|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`;
const HYPHEN = new RegExp(`^(${VERSION})\\s+-\\s+(${VERSION})$`);
const COMPARATOR = new RegExp(`^(!=|=>|=<|~>|>=|<=|>|<|=|~|\\^)?\\s*(${VERSION})$`);

function parseAlternative(part: string): Comparator[] | undefined {
  const trimmed = part.trim();
  if (trimmed === '') return undefined;
  const hyphen = HYPHEN.exec(trimmed);
  if (hyphen) {
    const npm = `${hyphen[1]} - ${hyphen[2]}`;
    return semver.validRange(npm)
      ? [{ npm, prerelease: hyphen[1]!.includes('-') || hyphen[2]!.includes('-') }]
      : undefined;
  }
  // Glue a lone operator to the version after it, then split on commas and spaces.
  const tokens = trimmed
    .replace(/(!=|=>|=<|~>|>=|<=|>|<|=|~|\^)\s+/g, '$1')
    .split(/[\s,]+/)
    .filter(Boolean);
  const comparators: Comparator[] = [];
  for (const token of tokens) {
    const match = COMPARATOR.exec(token);
    if (!match) return undefined;
    const op = { '=>': '>=', '=<': '<=', '~>': '~' }[match[1] ?? ''] ?? match[1] ?? '';
    const version = match[2]!;
    const prerelease = version.includes('-');
    if (op === '!=') {
      const exact = semver.valid(version.replace(/^v/, ''));
      if (!exact) return undefined;
      comparators.push({ not: exact, prerelease });
      continue;
    }
    const npm = `${op}${version}`;
    if (semver.validRange(npm) === null) return undefined;
    comparators.push({ npm, prerelease });
  }
  return comparators.length ? comparators : undefined;
}
