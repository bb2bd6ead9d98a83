/**
 * Glob lists matched with picomatch under the include/exclude rule of rule.ts. `dot: true`:
 * wildcards match dotfiles and dot folders (as in dorny/paths-filter), for every user of a list.
 */
import picomatch from 'picomatch';
import { containsAll, literalMiddles } from './literal.ts';
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
  const { head, tail, folder } = literalEnds(pattern);
  const tailSlash = `${tail}/`;
  const middles = literalMiddles(pattern);
  const shape = plainShape(pattern);
  // Most paths of a big change fail a rule on its literal text (`services/api/**` vs
  // `services/web/x.ts` or `services/api2/x.ts`): string compares turn them away before the regex.
  return (path) =>
    path !== '' &&
    (path === pattern ||
      (path.startsWith(head) &&
        (!folder || path.length === head.length || path.charCodeAt(head.length) === SLASH) &&
        (path.endsWith(tail) || path.endsWith(tailSlash)) &&
        containsAll(path, middles) &&
        (shape && !regexOnly(path) ? shape(path) : regex.test(path))));
}

const SLASH = 0x2f;
const DOT = 0x2e;
const SEGMENT = '[A-Za-z0-9_-][A-Za-z0-9_.-]*';
const FOLDER_SHAPE = new RegExp(`^(${SEGMENT}(?:/${SEGMENT})*)/\\*\\*$`);
const SUFFIX_SHAPE = /^\*\*\/\*([A-Za-z0-9_.-]+)$/;

/**
 * The two shapes most filters are made of, decided with string compares: a folder (`dir/**`: the
 * folder itself or anything under it) and a name ending anywhere (`**\/*.md`). Only for paths
 * regexOnly lets through; the others go to picomatch's regex.
 */
function plainShape(pattern: string): PathMatcher | undefined {
  const folder = FOLDER_SHAPE.exec(pattern)?.[1];
  if (folder !== undefined) {
    const under = `${folder}/`;
    return (path) => path === folder || path.startsWith(under);
  }
  const suffix = SUFFIX_SHAPE.exec(pattern)?.[1];
  if (suffix !== undefined) return (path) => path.endsWith(suffix);
  return undefined;
}

/**
 * Paths only the regex decides: a segment starting with `.` (picomatch's `*` and `**` never match
 * a `.` or `..` segment) or a trailing `/` (which picomatch allows after a match). Git lists
 * neither for ordinary files, `.github/` aside.
 */
function regexOnly(path: string): boolean {
  return path.charCodeAt(0) === DOT || path.includes('/.') || path.charCodeAt(path.length - 1) === SLASH;
}

const PLAIN = /^[A-Za-z0-9_.\-/]$/;

/**
 * Text every match of `pattern` starts and ends with: the run of plain characters before its first
 * special one and after its last. Conservative where picomatch is lenient: `foo/**` also matches
 * `foo` (the head drops its trailing `/`), `**\/b` matches `b` (the tail holds no `/`), a leading
 * `./` is dropped by picomatch (no head then), and a match may end in `/` (checked by the caller).
 * `folder`: the head was followed by `/`, so a match is the head itself or lies under `head/`
 * (`services/api/**` matches no `services/api2/x`).
 */
export function literalEnds(pattern: string): { head: string; tail: string; folder: boolean } {
  let start = 0;
  while (start < pattern.length && PLAIN.test(pattern[start]!)) start++;
  const plain = pattern.startsWith('./') ? '' : pattern.slice(0, start);
  const head = plain.replace(/\/+$/, '');
  let end = pattern.length;
  while (end > 0 && PLAIN.test(pattern[end - 1]!) && pattern[end - 1] !== '/') end--;
  return { head, tail: pattern.slice(end), folder: head !== '' && plain !== head };
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
