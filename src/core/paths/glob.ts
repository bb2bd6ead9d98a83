/**
 * Glob dialects. Paths are repository-relative with `/` separators, as git prints them.
 * - `picomatch`: dorny/paths-filter's matcher (`{dot: true}`): `**` crosses `/` at any depth,
 *   braces and extglobs work, dotfiles match.
 * - `gitlab`: GitLab `rules:changes` (Ruby fnmatch, see fnmatch.ts): `dir/**` is one level only.
 * A leading `!` is never handled here: lists strip it to mean "exclude" (core/glob/rule.ts).
 */
import { globListMatcher, type PathMatcher, picomatchGlob } from '../glob/match.ts';
import { splitGlobs } from '../glob/rule.ts';
import { compileGitlabGlob } from './fnmatch.ts';

export type { PathMatcher };

export const DIALECTS = ['picomatch', 'gitlab'] as const;
export type Dialect = (typeof DIALECTS)[number];

export function compileGlob(pattern: string, dialect: Dialect): PathMatcher {
  return dialect === 'gitlab' ? compileGitlabGlob(pattern) : picomatchGlob(pattern);
}

/**
 * Example paths a glob matches (approximate): used by the loop guard to test "could a commit that
 * writes here fire that trigger" when no real file exists yet. `**\/` yields both zero and one
 * directory, wildcards become `x`.
 */
export function sampleGlob(pattern: string): string[] {
  const out = new Set<string>();
  for (const expanded of expandBraces(pattern.replace(/^\.\//, '').replace(/^\/+/, ''))) {
    for (const deep of [false, true]) {
      const path = expanded
        .replace(/\*\*\//g, deep ? 'x/' : '')
        .replace(/\/\*\*$/, '/x')
        .replace(/\*\*/g, 'x')
        .replace(/[@!+?*]\(([^|)]*)[^)]*\)/g, '$1')
        .replace(/\[!?\^?\\?(.)[^\]]*\]/g, '$1')
        .replace(/\*/g, 'x')
        .replace(/\?/g, 'x')
        .replace(/\\(.)/g, '$1');
      if (path && !path.endsWith('/')) out.add(path);
      else if (path) out.add(`${path}x`);
    }
  }
  return [...out];
}

/**
 * Example paths of a glob list: samples of its includes that no exclude matches (sampleGlob is
 * approximate, so a sample is not required to match its own include).
 */
export function globSamples(globs: readonly string[]): string[] {
  const { includes, excludes } = splitGlobs(globs);
  const excluded = globListMatcher(excludes);
  return includes.flatMap(sampleGlob).filter((path) => !excluded(path));
}

/** Simple brace expansion for samples (at most 64 results). */
function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  const results: string[] = [];
  for (const option of match[1]!.split(',')) {
    results.push(
      ...expandBraces(pattern.slice(0, match.index) + option + pattern.slice(match.index + match[0].length)),
    );
    if (results.length >= 64) break;
  }
  return results.slice(0, 64);
}

/**
 * GitHub's workflow filter syntax (`on.push.paths`, `branches`): `*` stays within a segment, `**`
 * crosses `/` (`**\/` also matches zero directories), `?` and `+` repeat the preceding character
 * (zero-or-one, one-or-more), `[...]` is a character class, `\` escapes. Leading `!` is handled by
 * `githubFilterDecides`.
 */
export function compileGithubPattern(pattern: string): PathMatcher {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?' || c === '+') source += source ? c : `\\${c}`;
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, close).replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegex(pattern[i + 1]!);
      i += 1;
    } else source += escapeRegex(c);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`, 'su');
  } catch {
    regex = new RegExp(`^${escapeRegex(pattern)}$`, 'su');
  }
  return (path) => regex.test(path);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface OrderedPattern {
  pattern: string;
  negated: boolean;
  match: PathMatcher;
}

export function compileGithubPatterns(patterns: readonly string[]): OrderedPattern[] {
  return patterns.map((raw) => {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    return { pattern, negated, match: compileGithubPattern(pattern) };
  });
}

/**
 * GitHub's ordered semantics: the last pattern that matches decides (a `!` pattern excludes).
 * Returns the index of the deciding positive pattern, or -1 when the path is not selected.
 */
export function githubFilterDecides(patterns: readonly OrderedPattern[], path: string): number {
  for (let i = patterns.length - 1; i >= 0; i--) {
    if (patterns[i]!.match(path)) return patterns[i]!.negated ? -1 : i;
  }
  return -1;
}
