/**
 * `.helmignore` rules with Helm's exact semantics (pkg/ignore), which are not gitignore's:
 * - one rule per line, trimmed; blank lines and `#` comments are skipped; a rule containing `**` is
 *   an error (Helm refuses it rather than guessing);
 * - no `/` in the rule: Go glob against the base name at any depth; with a `/`: against the whole
 *   path from the chart root (`*` never crosses `/`); a leading `/` only anchors; a trailing `/`
 *   restricts the rule to directories;
 * - rules run in order and the first positive match ignores the path;
 * - `!rule` quirk: a path that does NOT match it is ignored right there (and, with a trailing `/`,
 *   every file is), while a match just moves on to the next rule. So `!` never rescues a path that
 *   an earlier rule ignored, and it ignores everything else.
 * Helm always appends `templates/.?*` (dotfiles directly under templates/).
 */
import { BadPatternError, compileGoGlob } from './glob.ts';

export const HELMIGNORE = '.helmignore';
export const DEFAULT_RULES = ['templates/.?*'] as const;

interface Rule {
  raw: string;
  line: number;
  negate: boolean;
  dirOnly: boolean;
  /** Match against the base name only (rule has no `/`). */
  baseName: boolean;
  regex: RegExp;
}

export class HelmIgnoreError extends Error {
  override name = 'HelmIgnoreError';
  constructor(
    readonly line: number,
    readonly rule: string,
    reason: string,
  ) {
    super(`line ${line}: rule '${rule}': ${reason}`);
  }
}

export class HelmIgnore {
  private constructor(private readonly rules: Rule[]) {}

  /** Parses `.helmignore` text and appends Helm's default rule. Throws HelmIgnoreError. */
  static parse(text: string, withDefaults = true): HelmIgnore {
    const rules: Rule[] = [];
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    lines.forEach((line, index) => {
      const rule = parseRule(line, index + 1);
      if (rule) rules.push(rule);
    });
    if (withDefaults) for (const raw of DEFAULT_RULES) rules.push(parseRule(raw, 0)!);
    return new HelmIgnore(rules);
  }

  /** Only the defaults: a chart without `.helmignore`. */
  static defaults(): HelmIgnore {
    return HelmIgnore.parse('');
  }

  /** True when `path` (relative to the chart root, `/`-separated) is left out of the package. */
  ignores(path: string, isDir: boolean): boolean {
    // Helm never ignores the chart root itself.
    if (path === '' || path === '.' || path === './') return false;
    for (const rule of this.rules) {
      if (rule.negate) {
        if (rule.dirOnly && !isDir) return true;
        if (!matches(rule, path)) return true;
        continue;
      }
      if (rule.dirOnly && !isDir) continue;
      if (matches(rule, path)) return true;
    }
    return false;
  }
}

function matches(rule: Rule, path: string): boolean {
  const subject = rule.baseName ? baseName(path) : path;
  return rule.regex.test(subject);
}

/** Go's path.Base for the relative paths we produce (no trailing slashes besides a bare dir name). */
function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function parseRule(line: string, lineNumber: number): Rule | undefined {
  // Go's strings.TrimSpace: ASCII whitespace plus Unicode spaces; \s is close enough here.
  let rule = line.trim();
  if (rule === '' || rule.startsWith('#')) return undefined;
  const raw = rule;
  if (rule.includes('**'))
    throw new HelmIgnoreError(lineNumber, raw, 'double-star (**) syntax is not supported');
  // Helm validates the rule as written (with its `!` and trailing `/`) before taking it apart.
  try {
    compileGoGlob(rule);
  } catch (error) {
    if (error instanceof BadPatternError)
      throw new HelmIgnoreError(lineNumber, raw, 'syntax error in pattern');
    throw error;
  }
  let negate = false;
  if (rule.startsWith('!')) {
    negate = true;
    rule = rule.slice(1);
  }
  let dirOnly = false;
  if (rule.endsWith('/')) {
    dirOnly = true;
    rule = rule.slice(0, -1);
  }
  let baseNameOnly = false;
  if (rule.startsWith('/')) rule = rule.slice(1);
  else if (!rule.includes('/')) baseNameOnly = true;
  let regex: RegExp;
  try {
    regex = compileGoGlob(rule);
  } catch {
    // e.g. `foo\/`: valid as written, broken once the `/` is cut off; Helm's matcher then never matches.
    regex = /(?!)/;
  }
  return { raw, line: lineNumber, negate, dirOnly, baseName: baseNameOnly, regex };
}
