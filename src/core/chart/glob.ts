/**
 * Go's `path/filepath.Match` semantics (on `/` systems), which `.helmignore` rules use:
 * `*` = any run of non-`/` characters, `?` = one non-`/` character, `[...]` / `[^...]` = a character
 * class (which, unlike `*` and `?`, may match `/`), `\x` = a literal x. A malformed pattern is an error
 * for the whole pattern, as Go reports it even when the part before it already fails to match.
 */

export class BadPatternError extends Error {
  override name = 'BadPatternError';
  constructor(readonly pattern: string) {
    super(`syntax error in pattern '${pattern}'`);
  }
}

/** Compiles a Go glob into an anchored regular expression; throws BadPatternError when malformed. */
export function compileGoGlob(pattern: string): RegExp {
  const chars = [...pattern];
  let source = '';
  let i = 0;
  const bad = () => new BadPatternError(pattern);
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*') {
      source += '[^/]*';
      i++;
    } else if (c === '?') {
      source += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) throw bad();
      source += literal(chars[i + 1]!);
      i += 2;
    } else if (c === '[') {
      i++;
      let negated = false;
      if (chars[i] === '^') {
        negated = true;
        i++;
      }
      const ranges: string[] = [];
      // Go requires at least one range; a `]` right after `[` (or `[^`) is an error, not a literal.
      for (;;) {
        if (chars[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = classChar(chars, i, bad);
        i = lo.next;
        let hi = lo;
        if (chars[i] === '-') {
          hi = classChar(chars, i + 1, bad);
          i = hi.next;
        }
        // A reversed range (z-a) is legal in Go and matches nothing.
        ranges.push(lo.code <= hi.code ? `${literal(lo.char)}-${literal(hi.char)}` : '');
      }
      const body = ranges.join('');
      if (body === '') source += negated ? '[\\s\\S]' : '[]';
      else source += negated ? `[^${body}]` : `[${body}]`;
    } else {
      source += literal(c);
      i++;
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

/** One character of a class, with Go's rules: `-` or `]` may not start a range; `\` escapes. */
function classChar(
  chars: string[],
  at: number,
  bad: () => Error,
): { char: string; code: number; next: number } {
  let i = at;
  if (i >= chars.length || chars[i] === '-' || chars[i] === ']') throw bad();
  if (chars[i] === '\\') {
    i++;
    if (i >= chars.length) throw bad();
  }
  const char = chars[i]!;
  // Go also fails when the class is not closed: something must follow every class character.
  if (i + 1 >= chars.length) throw bad();
  return { char, code: char.codePointAt(0)!, next: i + 1 };
}

function literal(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

/** `filepath.Match(pattern, name)`: true/false, or BadPatternError. */
export function goMatch(pattern: string, name: string): boolean {
  return compileGoGlob(pattern).test(name);
}
