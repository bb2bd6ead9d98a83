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
  const matcher = picomatch(pattern, { dot: true, windows: false, flags: 's' });
  return (path) => matcher(path);
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
