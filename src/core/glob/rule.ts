/**
 * The one include/exclude rule for glob lists: bump-gitops-tag's `files`, verify-paths-filter's
 * filters and `gitops-paths`, and the loop guard's reading of a bump step's `files`. A path is
 * selected when it matches **at least one include and no exclude** (`!glob`), whatever the order;
 * a list of only excludes selects everything else. Globs are picomatch with `dot: true` (match.ts).
 * No dependencies here: callers that only split a list do not load picomatch.
 */
export interface GlobRule {
  glob: string;
  exclude: boolean;
}

/** `!glob` is an exclude of `glob` (a name that starts with `!` is written `\!name`). */
export function parseGlob(raw: string): GlobRule {
  const text = raw.trim();
  return text.startsWith('!') ? { glob: text.slice(1), exclude: true } : { glob: text, exclude: false };
}

/** `some`: one include is enough; `every`: all includes must match (dorny's `predicate-quantifier`). */
export type Quantifier = 'some' | 'every';

/**
 * The rule over any kind of rule: `hit` says whether one rule matches an item (a filter also checks
 * the change type there). No rules at all select nothing. Excludes veto under either quantifier.
 */
export function includeExclude<R extends { exclude: boolean }, T>(
  rules: readonly R[],
  hit: (rule: R, item: T) => boolean,
  quantifier: Quantifier = 'some',
): (item: T) => boolean {
  const includes = rules.filter((rule) => !rule.exclude);
  const excludes = rules.filter((rule) => rule.exclude);
  const everything = includes.length === 0 && excludes.length > 0;
  const every = quantifier === 'every';
  // Indexed loops: a change filter asks this for every changed file, millions of times in a big
  // change, mostly before the JIT has optimized it (for…of and callbacks then allocate per step).
  return (item) => {
    if (!everything) {
      let included = every;
      for (let i = 0; i < includes.length; i++) {
        if (hit(includes[i]!, item) !== every) {
          included = !every;
          break;
        }
      }
      if (!included) return false;
    }
    for (let i = 0; i < excludes.length; i++) if (hit(excludes[i]!, item)) return false;
    return true;
  };
}

/** A list's include and exclude globs, `!` stripped (for sparse folders and example paths). */
export function splitGlobs(globs: readonly string[]): { includes: string[]; excludes: string[] } {
  const rules = globs.map(parseGlob).filter((rule) => rule.glob !== '');
  return {
    includes: rules.filter((rule) => !rule.exclude).map((rule) => rule.glob),
    excludes: rules.filter((rule) => rule.exclude).map((rule) => rule.glob),
  };
}
