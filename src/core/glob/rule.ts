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

/**
 * The rule over any kind of rule: `hit` says whether one rule matches an item (a filter also checks
 * the change type there). No rules at all select nothing.
 */
export function includeExclude<R extends { exclude: boolean }, T>(
  rules: readonly R[],
  hit: (rule: R, item: T) => boolean,
): (item: T) => boolean {
  const includes = rules.filter((rule) => !rule.exclude);
  const excludes = rules.filter((rule) => rule.exclude);
  const everything = includes.length === 0 && excludes.length > 0;
  return (item) =>
    (everything || includes.some((rule) => hit(rule, item))) && !excludes.some((rule) => hit(rule, item));
}

/** A list's include and exclude globs, `!` stripped (for sparse folders and example paths). */
export function splitGlobs(globs: readonly string[]): { includes: string[]; excludes: string[] } {
  const rules = globs.map(parseGlob).filter((rule) => rule.glob !== '');
  return {
    includes: rules.filter((rule) => !rule.exclude).map((rule) => rule.glob),
    excludes: rules.filter((rule) => rule.exclude).map((rule) => rule.glob),
  };
}
