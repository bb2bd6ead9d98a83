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
  return (path) => path !== '' && (path === pattern || regex.test(path));
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
