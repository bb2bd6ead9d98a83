/**
 * Glob lists matched with picomatch under the include/exclude rule of rule.ts. `dot: true`:
 * wildcards match dotfiles and dot folders (as in dorny/paths-filter), for every user of a list.
 */
import picomatch from 'picomatch';
import { includeExclude, parseGlob } from './rule.ts';

export type PathMatcher = (path: string) => boolean;

/** One glob as picomatch reads it here (no `!` handling: that is the list's business). */
export function picomatchGlob(pattern: string): PathMatcher {
  // `windows: false`: git paths use `/` on every runner, `\` stays an escape. Flag `s`: picomatch
  // builds `**` from `.`, which would skip file names containing a newline.
  // The compiled regex straight, as picomatch's own matcher decides (empty path: no; the glob
  // itself: yes; else the regex) without the result object it builds per call: a filter calls this
  // once per changed file and rule, millions of times in a big change.
  const regex = picomatch.makeRe(pattern, { dot: true, windows: false, flags: 's' });
  const { head, tail } = literalEnds(pattern);
  // Most paths of a big change fail a rule on its literal ends (`services/api/**` vs
  // `services/web/x.ts`): two string compares turn them away before the regex runs.
  return (path) =>
    path !== '' &&
    (path === pattern ||
      (path.startsWith(head) && (path.endsWith(tail) || path.endsWith(`${tail}/`)) && regex.test(path)));
}

const PLAIN = /^[A-Za-z0-9_.\-/]$/;

/**
 * Text every match of `pattern` starts and ends with: the run of plain characters before its first
 * special one and after its last. Conservative where picomatch is lenient: `foo/**` also matches
 * `foo` (the head drops its trailing `/`), `**\/b` matches `b` (the tail holds no `/`), a leading
 * `./` is dropped by picomatch (no head then), and a match may end in `/` (checked by the caller).
 */
export function literalEnds(pattern: string): { head: string; tail: string } {
  let start = 0;
  while (start < pattern.length && PLAIN.test(pattern[start]!)) start++;
  const head = pattern.startsWith('./') ? '' : pattern.slice(0, start).replace(/\/+$/, '');
  let end = pattern.length;
  while (end > 0 && PLAIN.test(pattern[end - 1]!) && pattern[end - 1] !== '/') end--;
  return { head, tail: pattern.slice(end) };
}

/** A matcher for a list of globs (`!` = exclude); `compile` turns one glob into a matcher. */
export function globListMatcher(
  globs: readonly string[],
  compile: (glob: string) => PathMatcher = picomatchGlob,
): PathMatcher {
  const rules = globs
    .map(parseGlob)
    .filter((rule) => rule.glob !== '')
    .map((rule) => ({ ...rule, match: compile(rule.glob) }));
  return includeExclude(rules, (rule, path: string) => rule.match(path));
}
