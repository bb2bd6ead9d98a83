/**
 * GitLab's `rules:changes` matcher: Ruby `File.fnmatch?(glob, path, FNM_PATHNAME | FNM_DOTMATCH |
 * FNM_EXTGLOB)`, ported from Ruby's dir.c (`fnmatch`, `fnmatch_helper`, `bracket`,
 * `ruby_brace_expand`) step by step, quirks included, so a filter behaves here as it does in GitLab:
 * - `*`, `?`, `[...]` never cross `/`; only `**` followed by `/` is recursive (`dir/**` = one level);
 * - wildcards match leading dots; braces `{a,b}` expand (nested, `\` escapes), nothing else does;
 * - an unbalanced `{` makes the pattern match nothing, as in Ruby;
 * - a leading `!` is a literal character (our filters strip it first to mean "exclude").
 * Strings are compared code point by code point (Ruby compares UTF-8 characters; same result).
 */

import { containsAll, literalMiddles } from '../glob/literal.ts';

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** True when `path` matches `pattern` the way GitLab's `rules:changes` decides it. */
export function gitlabFnmatch(pattern: string, path: string): boolean {
  return compileGitlabGlob(pattern)(path);
}

/**
 * A compiled form for matching many paths: brace expansion done once, and each expansion's literal
 * head and tail (text before the first and after the last special character) checked with plain
 * string compares first. Literal characters match only themselves, so a path that lacks them cannot
 * match, and most paths of a big change are turned away without the code point walk.
 */
export function compileGitlabGlob(pattern: string): (path: string) => boolean {
  const expansions = braceExpand(pattern).map((expanded) => ({
    codes: codePoints(expanded),
    ...literalEnds(expanded),
    // Literal runs between wildcards (`services/*\/src/**\/*` -> `/src`) must appear too.
    middles: literalMiddles(expanded),
    shape: plainShape(expanded),
  }));
  return (path) => {
    let subject: number[] | undefined;
    for (let i = 0; i < expansions.length; i++) {
      const { codes, head, tail, middles, shape } = expansions[i]!;
      if (!path.startsWith(head) || !path.endsWith(tail) || !containsAll(path, middles)) continue;
      if (shape && !walkOnly(path)) {
        if (shape(path)) return true;
        continue;
      }
      subject ??= codePoints(path);
      if (fnmatch(codes, subject)) return true;
    }
    return false;
  };
}

const LITERAL = '[^*?[\\]\\\\{}]';
const FOLDER_SHAPE = new RegExp(`^(${LITERAL}+)/\\*\\*$`);
const SUFFIX_SHAPE = new RegExp(`^\\*\\*/\\*(${LITERAL.replace('{}', '{}/')}+)$`);

/**
 * Two common shapes decided with string compares: `dir/**` (one level: `**` without a `/` after it
 * is `*`) and `**\/*.ext` (a name ending so, at any depth; dot names match too). Paths walkOnly
 * names go through the code point walk.
 */
function plainShape(pattern: string): ((path: string) => boolean) | undefined {
  const folder = FOLDER_SHAPE.exec(pattern)?.[1];
  if (folder !== undefined) {
    const under = `${folder}/`;
    return (path) => path.startsWith(under) && !path.includes('/', under.length);
  }
  const suffix = SUFFIX_SHAPE.exec(pattern)?.[1];
  if (suffix !== undefined) return (path) => path.endsWith(suffix);
  return undefined;
}

/** Paths with an empty segment (`//`, a leading or trailing `/`): left to the walk. */
function walkOnly(path: string): boolean {
  return path.startsWith('/') || path.endsWith('/') || path.includes('//');
}

/**
 * The literal text before the first and after the last special character (`*`, `?`, `[`, `]`, `\\`)
 * of a pattern. A `/` right after `**` is left out of the tail: `**\/` also matches no folder.
 */
function literalEnds(pattern: string): { head: string; tail: string } {
  const special = /[*?[\]\\]/;
  const first = pattern.search(special);
  if (first < 0) return { head: pattern, tail: '' };
  let last = pattern.length - 1;
  while (!special.test(pattern[last]!)) last--;
  const tail = pattern.slice(last + 1);
  const afterStars = last > 0 && pattern[last - 1] === '*' && pattern[last] === '*';
  return { head: pattern.slice(0, first), tail: afterStars && tail.startsWith('/') ? tail.slice(1) : tail };
}

function codePoints(text: string): number[] {
  const out: number[] = [];
  // By index, not for…of: this runs for every path a rule's literal text lets through.
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    out.push(code);
    if (code > 0xffff) i++; // the low half of a surrogate pair
  }
  out.push(0); // NUL terminator, so the port can read one past the end as C does
  return out;
}

/** `ruby_brace_expand`: every expansion of the first balanced `{...}`, recursively. */
export function braceExpand(pattern: string): string[] {
  const chars = [...pattern];
  let lbrace = -1;
  let rbrace = -1;
  let nest = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '{' && nest++ === 0) lbrace = i;
    if (c === '}' && lbrace >= 0 && --nest === 0) {
      rbrace = i;
      break;
    }
    if (c === '\\') {
      i++;
      if (i >= chars.length) break;
    }
  }
  if (lbrace < 0 && rbrace < 0) return [pattern];
  if (lbrace < 0 || rbrace < 0) return []; // an unclosed `{`: Ruby calls the matcher for nothing
  const head = chars.slice(0, lbrace).join('');
  const tail = chars.slice(rbrace + 1).join('');
  const out: string[] = [];
  let p = lbrace;
  while (p < rbrace) {
    const start = ++p;
    nest = 0;
    while (p < rbrace && !(chars[p] === ',' && nest === 0)) {
      if (chars[p] === '{') nest++;
      if (chars[p] === '}') nest--;
      if (chars[p] === '\\') {
        if (++p === rbrace) break;
      }
      p++;
    }
    out.push(...braceExpand(head + chars.slice(start, p).join('') + tail));
  }
  return out;
}

/** dir.c `fnmatch` with FNM_PATHNAME: segment by segment, `**\/` retried at each directory. */
function fnmatch(pattern: number[], string: number[]): boolean {
  const cur = { p: 0, s: 0 };
  let ptmp = -1;
  let stmp = -1;
  for (;;) {
    if (pattern[cur.p] === 0x2a && pattern[cur.p + 1] === 0x2a && pattern[cur.p + 2] === SLASH) {
      do cur.p += 3;
      while (pattern[cur.p] === 0x2a && pattern[cur.p + 1] === 0x2a && pattern[cur.p + 2] === SLASH);
      ptmp = cur.p;
      stmp = cur.s;
    }
    if (helper(pattern, string, cur)) {
      while (string[cur.s] !== 0 && string[cur.s] !== SLASH) cur.s++;
      if (pattern[cur.p] !== 0 && string[cur.s] !== 0) {
        cur.p++;
        cur.s++;
        continue;
      }
      if (pattern[cur.p] === 0 && string[cur.s] === 0) return true;
    }
    // Failed: let the last `**/` swallow one more directory (FNM_DOTMATCH: dot directories too).
    if (ptmp >= 0 && stmp >= 0) {
      while (string[stmp] !== 0 && string[stmp] !== SLASH) stmp++;
      if (string[stmp] !== 0) {
        cur.p = ptmp;
        stmp++;
        cur.s = stmp;
        continue;
      }
    }
    return false;
  }
}

/** dir.c `fnmatch_helper`: matches one path segment; leaves `cur` where matching stopped. */
function helper(pattern: number[], string: number[], cur: { p: number; s: number }): boolean {
  const isEnd = (codes: number[], i: number) => codes[i] === 0 || codes[i] === SLASH;
  const skipEscape = (i: number) => (pattern[i] === BACKSLASH ? i + 1 : i);
  let p = cur.p;
  let s = cur.s;
  let ptmp = -1;
  let stmp = -1;
  const done = (result: boolean) => {
    cur.p = p;
    cur.s = s;
    return result;
  };
  for (;;) {
    const c = pattern[p];
    if (c === 0x2a /* * */) {
      do p++;
      while (pattern[p] === 0x2a);
      if (isEnd(pattern, skipEscape(p))) {
        p = skipEscape(p);
        return done(true);
      }
      if (isEnd(string, s)) return done(false);
      ptmp = p;
      stmp = s;
      continue;
    }
    if (c === 0x3f /* ? */) {
      if (isEnd(string, s)) return done(false);
      p++;
      s++;
      continue;
    }
    let failed = false;
    if (c === 0x5b /* [ */) {
      if (isEnd(string, s)) return done(false);
      const next = bracket(pattern, p + 1, string[s]!);
      if (next >= 0) {
        p = next;
        s++;
        continue;
      }
      failed = true;
    } else {
      p = skipEscape(p);
      if (isEnd(string, s)) return done(isEnd(pattern, p));
      if (isEnd(pattern, p) || pattern[p] !== string[s]) failed = true;
      else {
        p++;
        s++;
        continue;
      }
    }
    if (failed) {
      // Try the next position for the last `*`.
      if (ptmp >= 0 && stmp >= 0) {
        p = ptmp;
        stmp++;
        s = stmp;
        continue;
      }
      return done(false);
    }
  }
}

/** dir.c `bracket`: `[...]` at `p` (just after `[`); the index after `]` on a match, else -1. */
function bracket(pattern: number[], start: number, char: number): number {
  const end = pattern.length - 1; // index of the NUL terminator
  let p = start;
  if (p >= end) return -1;
  let negate = false;
  if (pattern[p] === 0x21 /* ! */ || pattern[p] === 0x5e /* ^ */) {
    negate = true;
    p++;
  }
  let ok = false;
  while (pattern[p] !== 0x5d /* ] */) {
    let t1 = p;
    if (pattern[t1] === BACKSLASH) t1++;
    if (pattern[t1] === 0) return -1;
    p = t1 + 1;
    if (p >= end) return -1;
    if (pattern[p] === 0x2d /* - */ && pattern[p + 1] !== 0x5d) {
      let t2 = p + 1;
      if (pattern[t2] === BACKSLASH) t2++;
      if (pattern[t2] === 0) return -1;
      p = t2 + 1;
      if (ok) continue;
      // Ruby: either end equals the character, or it lies between them (so `[z-a]` matches z and a).
      if (char === pattern[t1] || char === pattern[t2] || (char >= pattern[t1]! && char <= pattern[t2]!))
        ok = true;
      continue;
    }
    if (ok) continue;
    if (pattern[t1] === char) ok = true;
  }
  return ok === negate ? -1 : p + 1;
}
