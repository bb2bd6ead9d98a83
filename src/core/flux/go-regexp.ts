/**
 * Flux's ImagePolicy `filterTags` is Go RE2 syntax plus a `Regexp.ExpandString` template. We translate
 * the pattern to a JS RegExp and refuse what RE2 rejects, so we never accept a policy Flux would not.
 */
import { UserError } from '../errors.ts';

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Translates a Go regular expression into an equivalent JS one (unanchored, like FindStringSubmatch). */
export function goRegExp(pattern: string): RegExp {
  const fail = (why: string): never => {
    throw new UserError(`ImagePolicy filterTags.pattern '${pattern}' is not valid Go RE2 syntax: ${why}`);
  };
  let flags = '';
  let src = pattern;
  // Go allows leading flag groups such as (?i); JS takes flags on the RegExp instead.
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const flag of lead[1]!) {
      if (flag === 'U') fail('the ungreedy flag (?U) has no JS equivalent');
      if (!flags.includes(flag)) flags += flag;
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) fail('trailing backslash');
      if (/[1-9]/.test(next!) && !inClass) fail('backreferences are not supported by RE2');
      if (next === 'k' && !inClass) fail('named backreferences are not supported by RE2');
      if (next === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, end < 0 ? undefined : end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (next === 'A' && !inClass) {
        out += '^';
        i++;
        continue;
      }
      if (next === 'z' && !inClass) {
        out += '$(?![\\s\\S])';
        i++;
        continue;
      }
      if ((next === 'p' || next === 'P') && src[i + 2] !== '{') {
        // Go's one-letter form \pL; JS needs braces (and the u flag).
        out += `\\${next}{${src[i + 2] ?? ''}}`;
        unicode = true;
        i += 2;
        continue;
      }
      if (next === 'p' || next === 'P') unicode = true;
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? '' : src.slice(i + 2, end);
        const negated = name.startsWith('^');
        const range = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (!range || negated) fail(`unsupported character class [:${name}:]`);
        out += range;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading ']' (or '^]') is a literal in Go; JS needs it escaped.
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) {
        out += '(?<'; // Go 1.22 also accepts (?<name>
        i += 2;
        continue;
      }
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 2;
        continue;
      }
      if (/^[=!]|^<[=!]/.test(rest)) fail('look-around assertions are not supported by RE2');
      if (rest.startsWith('>')) fail('atomic groups are not supported by RE2');
      fail('inline flag groups are only supported at the start of the pattern');
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && src[i + 1] === '+') {
      fail('possessive quantifiers are not supported by RE2');
    }
    out += c;
  }
  if (inClass) fail('missing closing ]');
  try {
    return new RegExp(out, flags + (unicode ? 'u' : ''));
  } catch (error) {
    return fail((error as Error).message);
  }
}

/**
 * Go's `Regexp.ExpandString`: `$name`/`${name}` (longest run of word characters), `$1`, `$$`.
 * Unknown names and groups that did not take part expand to the empty string.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (next === '{') {
      const end = template.indexOf('}', i + 2);
      const inner = end < 0 ? '' : template.slice(i + 2, end);
      if (end >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = end;
      }
    } else {
      const run = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (run) {
        name = run[0];
        i += run[0].length;
      }
    }
    if (name === undefined) {
      out += '$'; // Go leaves a malformed reference as a literal '$'
      continue;
    }
    const value = /^[0-9]+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    out += value ?? '';
  }
  return out;
}
