/**
 * YAML output as Helm writes Chart.yaml and Chart.lock into a package: sigs.k8s.io/yaml, i.e. the
 * value goes through JSON and is emitted by go-yaml v2. Reproduced here for the value shapes chart
 * metadata has (mappings, sequences, strings, booleans, numbers):
 * - mapping keys in go-yaml's "natural" order (digit runs compare as numbers, non-letters sort
 *   before letters), block style, sequences not indented under their key;
 * - strings plain when go-yaml would read them back as strings, double-quoted when they would read
 *   as another type (`"1.10"`, `"true"`, `""`, dates), single-quoted when a plain scalar cannot hold
 *   them (`'>=1.19.0-0'`, `'a: b'`), literal blocks (`|`) for multi-line text;
 * - long scalars folded at spaces once the line passes 80 columns, continued 2 columns deeper.
 */

const BEST_WIDTH = 80;
const INDENT = 2;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Marshals a JSON-like value (top level: a mapping; `Map`s allowed; undefined fields left out, as
 * JSON would) exactly as sigs.k8s.io/yaml.Marshal.
 */
export function marshalGoYaml(value: Record<string, unknown> | Map<string, unknown>): string {
  const out = new Emitter();
  out.node(toJson(value), -1, 'root');
  out.endDocument();
  return out.text();
}

function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) value = Object.fromEntries(value);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== undefined) out[key] = toJson(item);
    }
    return out;
  }
  return value as Json;
}

/** Emitter state, following libyaml's: current column, whether we are at an indentation point. */
class Emitter {
  private buf = '';
  column = 0;
  /** The last thing written was whitespace (or nothing). */
  whitespace = true;
  /** Only indentation has been written on this line. */
  indention = true;

  text(): string {
    return this.buf;
  }

  /** The document ends with a line break (libyaml's final write_indent). */
  endDocument(): void {
    if (this.column > 0) this.newline();
  }

  put(text: string): void {
    this.buf += text;
    this.column += [...text].length;
  }

  newline(): void {
    this.buf += '\n';
    this.column = 0;
  }

  /** libyaml's write_indent: a new line unless we already sit at the indentation point. */
  writeIndent(indent: number): void {
    const target = Math.max(indent, 0);
    if (!this.indention || this.column > target || (this.column === target && !this.whitespace))
      this.newline();
    while (this.column < target) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  indicator(text: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(text);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /**
   * Emits a node. `indent` is the enclosing collection's indentation; `context` says where the node
   * sits, which decides sequence indentation and key rules.
   */
  node(value: Json, indent: number, context: 'root' | 'mapping-value' | 'sequence-item'): void {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.flowEmpty('[]');
        return;
      }
      // go-yaml does not indent a sequence that is a mapping value ("indentless").
      const seqIndent = indent < 0 ? 0 : context === 'mapping-value' ? indent : indent + INDENT;
      for (const item of value) {
        this.writeIndent(seqIndent);
        this.indicator('-', true, false, true);
        this.node(item, seqIndent, 'sequence-item');
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value).sort(goYamlKeyCompare);
      if (keys.length === 0) {
        this.flowEmpty('{}');
        return;
      }
      const mapIndent = indent < 0 ? 0 : indent + INDENT;
      for (const key of keys) {
        this.writeIndent(mapIndent);
        this.scalar(key, mapIndent, true);
        this.indicator(':', false, false, false);
        this.node(value[key]!, mapIndent, 'mapping-value');
      }
      return;
    }
    this.scalar(value, Math.max(indent, 0), false);
  }

  private flowEmpty(text: string): void {
    this.indicator(text, true, false, false);
  }

  /** A scalar as a key (simple key context) or a value; continuation lines go `INDENT` deeper. */
  scalar(value: string | number | boolean | null, parentIndent: number, simpleKey: boolean): void {
    const indent = parentIndent + INDENT;
    if (typeof value !== 'string') {
      this.indicator(formatNonString(value), true, false, false);
      return;
    }
    const analysis = analyzeScalar(value);
    const style = selectStyle(value, analysis, simpleKey);
    if (style === 'plain') this.plain(value, indent, !simpleKey);
    else if (style === 'single') this.singleQuoted(value, indent, !simpleKey);
    else if (style === 'double') this.doubleQuoted(value, indent, !simpleKey);
    else this.literal(value, indent);
  }

  private plain(value: string, indent: number, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ')
          this.writeIndent(indent);
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private singleQuoted(value: string, indent: number, allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        const fold =
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i !== 0 &&
          i !== chars.length - 1 &&
          chars[i + 1] !== ' ';
        if (fold) this.writeIndent(indent);
        else this.put(c);
        spaces = true;
      } else {
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private doubleQuoted(value: string, indent: number, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (!isPrintable(c) || c === '\uFEFF' || isBreak(c) || c === '"' || c === '\\') {
        this.put(escapeDouble(c));
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.writeIndent(indent);
          if (chars[i + 1] === ' ') this.put('\\');
        } else {
          this.put(c);
        }
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private literal(value: string, indent: number): void {
    this.indicator('|', true, false, false);
    const chars = [...value];
    if (chars[0] === ' ' || isBreak(chars[0] ?? '')) this.indicator(String(INDENT), false, false, false);
    const last = chars.length - 1;
    let chomp = '';
    if (chars.length === 0 || !isBreak(chars[last]!)) chomp = '-';
    else if (last === 0 || isBreak(chars[last - 1]!)) chomp = '+';
    if (chomp) this.indicator(chomp, false, false, false);
    this.newline();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.newline();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function formatNonString(value: number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Number.isInteger(value)) return String(value);
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  // Go's strconv.FormatFloat(f, 'g', -1, 64): shortest form, exponent from 1e21 or below 1e-4.
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

interface Analysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** libyaml's scalar analysis: which styles can represent the text. */
function analyzeScalar(value: string): Analysis {
  const chars = [...value];
  if (chars.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const blankz = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || isBreak(c);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWhitespace = blankz(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (c === '?' || c === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (c === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(c)) flowIndicators = true;
      if (c === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (c === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!isPrintable(c) || c === '\uFEFF') specialCharacters = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = blankz(c);
  }
  const result: Analysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
  }
  if (trailingSpace) result.blockAllowed = false;
  if (breakSpace) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
    result.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
    result.singleQuotedAllowed = false;
    result.blockAllowed = false;
  }
  if (lineBreaks) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
  }
  if (flowIndicators) result.flowPlainAllowed = false;
  if (blockIndicators) result.blockPlainAllowed = false;
  return result;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** go-yaml's choice (encoder's stringv, then the emitter's select_scalar_style). */
function selectStyle(value: string, analysis: Analysis, simpleKey: boolean): Style {
  let style: Style;
  if (value.includes('\n')) style = 'literal';
  else if (resolvesToString(value)) style = 'plain';
  else style = 'double';
  if (simpleKey && analysis.multiline) style = 'double';
  if (style === 'plain') {
    if (!analysis.blockPlainAllowed) style = 'single';
    if (value.length === 0 && simpleKey) style = 'single';
  }
  if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!analysis.blockAllowed || simpleKey)) style = 'double';
  return style;
}

/** libyaml's is_printable (in UTF-8 terms): tab, most C0/C1 controls and non-BMP runes are not. */
function isPrintable(c: string): boolean {
  const code = c.codePointAt(0)!;
  if (code === 0x0a) return true;
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code >= 0xa0 && code <= 0xd7ff) return true;
  if (code >= 0xe000 && code <= 0xfffd) return code !== 0xfeff;
  return false;
}

function isBreak(c: string): boolean {
  return c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

function escapeDouble(c: string): string {
  const named: Record<string, string> = {
    '\0': '0',
    '\x07': 'a',
    '\b': 'b',
    '\t': 't',
    '\n': 'n',
    '\v': 'v',
    '\f': 'f',
    '\r': 'r',
    '\x1b': 'e',
    '"': '"',
    '\\': '\\',
    '\u0085': 'N',
    '\u00a0': '_',
    '\u2028': 'L',
    '\u2029': 'P',
  };
  if (named[c] !== undefined) return `\\${named[c]}`;
  const code = c.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/**
 * True when go-yaml v2 would read the plain text back as a string (its `resolve`), and the text is
 * not a YAML 1.1 sexagesimal number; otherwise go-yaml double-quotes it.
 */
export function resolvesToString(text: string): boolean {
  if (isBase60Float(text)) return false;
  const first = text[0];
  if (first === undefined) return false; // "" is null
  const hint = '+-'.includes(first)
    ? 'S'
    : /[0-9]/.test(first)
      ? 'D'
      : 'yYnNtTfFoO~'.includes(first)
        ? 'M'
        : first === '.'
          ? '.'
          : first === '<'
            ? 'M'
            : '';
  if (hint === '') return true;
  if (RESOLVE_MAP.has(text)) return false;
  if (hint === 'M') return true;
  if (hint === '.') return !isGoFloat(text);
  if (isGoTimestamp(text)) return false;
  const plain = text.replaceAll('_', '');
  if (isGoInt(plain)) return false;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return false;
  if (/^-?0b[01]+$/.test(plain)) return false;
  return true;
}

const RESOLVE_MAP = new Set([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'],
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'],
  ...['', '~', 'null', 'Null', 'NULL'],
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'],
  '<<',
]);

function isBase60Float(text: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text);
}

/** strconv.ParseInt/ParseUint(s, 0, 64) accept it (sign, 0x/0o/0b prefixes, leading-0 octal). */
function isGoInt(text: string): boolean {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return false;
  let digits = match[2]!;
  let base = 10n;
  if (/^0[xX]/.test(digits)) [base, digits] = [16n, digits.slice(2)];
  else if (/^0[oO]/.test(digits)) [base, digits] = [8n, digits.slice(2)];
  else if (/^0[bB]/.test(digits)) [base, digits] = [2n, digits.slice(2)];
  else if (digits.length > 1 && digits.startsWith('0')) [base, digits] = [8n, digits.slice(1)];
  let value = 0n;
  for (const d of digits) value = value * base + BigInt(Number.parseInt(d, 16));
  const negative = match[1] === '-';
  // Out of range for int64 (and, when positive, uint64) is not an int for go-yaml.
  return negative ? value <= 2n ** 63n : value < 2n ** 64n;
}

/** strconv.ParseFloat for texts starting with `.` (the only ones go-yaml sends there). */
function isGoFloat(text: string): boolean {
  return /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/.test(text) && !text.includes('_');
}

/** go-yaml's timestamp forms: 2006-1-2, with T/t or space and 15:4:5[.frac], zone Z or ±hh:mm. */
function isGoTimestamp(text: string): boolean {
  const match =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      text,
    );
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return false;
  const hour = Number(match[5] ?? match[8] ?? 0);
  const minute = Number(match[6] ?? match[9] ?? 0);
  const second = Number(match[7] ?? match[10] ?? 0);
  return hour < 24 && minute < 60 && second < 60;
}

/**
 * go-yaml v2's key order (keyList.Less) for string keys: equal prefixes are skipped; two letters
 * compare by code point; a non-letter sorts before a letter; runs of digits compare by value.
 */
export function goYamlKeyCompare(a: string, b: string): number {
  if (a === b) return 0;
  return goYamlKeyLess(a, b) ? -1 : 1;
}

function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  const digitValue = (c: string) => BigInt(c.codePointAt(0)! - 48);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + digitValue(ar[ai]!);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + digitValue(br[bi]!);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}
