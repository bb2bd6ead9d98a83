import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadPatternError, goMatch } from '../../../src/core/chart/glob.ts';
import { HelmIgnore, HelmIgnoreError } from '../../../src/core/chart/helmignore.ts';
import { walkChartDir } from '../../../src/core/chart/load.ts';

describe('goMatch (Go filepath.Match)', () => {
  it.each([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*/b', 'abc/b', true],
    ['a*', 'ab/c', false], // * never crosses /
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false], // ? never matches /
    ['a[/]c', 'a/c', true], // a class may match /
    ['a[^x]c', 'a/c', true],
    ['ru[c-e]?er.txt', 'rudder.txt', true],
    ['[^a-c]x', 'dx', true],
    ['[^a-c]x', 'bx', false],
    ['[z-a]', 'q', false], // reversed range: legal, matches nothing
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['[\\]]', ']', true],
    ['*.txt', '.txt', true], // Go's * matches a leading dot
    ['', '', true],
  ])('%s vs %s → %s', (pattern, name, expected) => {
    expect(goMatch(pattern, name)).toBe(expected);
  });

  it.each(['[', '[]', '[]a]', '[a-]', '[-a]', 'a\\', '[z-', '[a', '[\\'])(
    'malformed %s is an error',
    (pattern) => {
      expect(() => goMatch(pattern, 'abc')).toThrow(BadPatternError);
    },
  );
});

describe('.helmignore rules (Helm pkg/ignore semantics)', () => {
  // [rules, path, isDir, ignored]
  const table: [string, string, boolean, boolean][] = [
    // Helm's own test table (pkg/ignore/rules_test.go)
    ['helm.txt', 'helm.txt', false, true],
    ['helm.*', 'helm.txt', false, true],
    ['helm.*', 'rudder.txt', false, false],
    ['*.txt', 'tiller.txt', false, true],
    ['*.txt', 'cargo/a.txt', false, true],
    ['cargo/*.txt', 'cargo/a.txt', false, true],
    ['cargo/*.*', 'cargo/a.txt', false, true],
    ['cargo/*.txt', 'mast/a.txt', false, false],
    ['ru[c-e]?er.txt', 'rudder.txt', false, true],
    ['templates/.?*', 'templates/.dotfile', false, true],
    ['.*', '.', true, false],
    ['.*', './', true, false],
    ['.*', '.joonix', true, true],
    ['.*', 'helm.txt', false, false],
    ['.*', '', true, false],
    ['cargo/', 'cargo', true, true],
    ['cargo/', 'cargo/', true, true],
    ['cargo/', 'mast/', true, false],
    ['helm.txt/', 'helm.txt', false, false],
    ['!helm.txt', 'helm.txt', false, false],
    ['!helm.txt', 'tiller.txt', false, true],
    ['!*.txt', 'cargo', true, true],
    ['!cargo/', 'mast/', true, true],
    ['/a.txt', 'a.txt', false, true],
    ['/a.txt', 'cargo/a.txt', false, false],
    ['/cargo/a.txt', 'cargo/a.txt', false, true],
    // Base-name rules apply at any depth; path rules only from the root.
    ['*.bak', 'templates/deep/x.bak', false, true],
    ['templates/*.bak', 'templates/deep/x.bak', false, false],
    ['templates/*/*.bak', 'templates/deep/x.bak', false, true],
    ['secrets', 'templates/secrets', true, true],
    // Trailing slash: directories only.
    ['tmp/', 'tmp', false, false],
    ['tmp/', 'a/tmp', true, true],
    // Whitespace is trimmed; comments and blank lines do nothing.
    ['   *.swp   ', 'x.swp', false, true],
    ['# *.md\n\n', 'README.md', false, false],
    // Order: the first positive match wins; a `!` rule ends evaluation for paths it does NOT match.
    ['*.md\n!README.md', 'README.md', false, true], // `!` cannot rescue an ignored path
    ['!README.md\n*.md', 'README.md', false, true], // match: evaluation goes on, *.md ignores it
    ['!README.md\n*.md', 'NOTES.md', false, true], // non-match: ignored right there
    ['!README.md', 'values.yaml', false, true], // a lone `!` rule ignores everything else
    ['!README.md', 'templates', true, true], // ... directories included
    ['!docs/', 'docs', true, false],
    ['!docs/', 'docs/a.md', false, true], // `!dir/` ignores every file
    // Helm's default rule: dotfiles directly under templates/
    ['', 'templates/.gitkeep', false, true],
    ['', 'templates/sub/.hidden', false, false],
    ['', 'templates/.', false, false],
    ['', '.helmignore', false, false],
  ];

  it.each(table)('rules %j: %s (dir %s) ignored=%s', (rules, path, isDir, expected) => {
    expect(HelmIgnore.parse(rules).ignores(path, isDir)).toBe(expected);
  });

  it('refuses ** with the line and rule', () => {
    expect(() => HelmIgnore.parse('*.swp\nfoo/**/bar\n')).toThrow(HelmIgnoreError);
    expect(() => HelmIgnore.parse('*.swp\nfoo/**/bar\n')).toThrow(
      "line 2: rule 'foo/**/bar': double-star (**) syntax is not supported",
    );
  });

  it('refuses a malformed glob (Helm validates each rule with filepath.Match)', () => {
    expect(() => HelmIgnore.parse('[z-')).toThrow("line 1: rule '[z-': syntax error in pattern");
  });

  it('strips a BOM from the first line and accepts CRLF', () => {
    const rules = HelmIgnore.parse('\uFEFF*.tmp\r\nbuild/\r\n');
    expect(rules.ignores('a.tmp', false)).toBe(true);
    expect(rules.ignores('build', true)).toBe(true);
  });
});

describe('walking a chart folder with .helmignore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ga-helmignore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips ignored directories with their contents and keeps Helm walk order', async () => {
    const files: Record<string, string> = {
      'Chart.yaml': 'x',
      'a.txt': 'x',
      'a/b.txt': 'x',
      'docs/ignored.md': 'x',
      'templates/.keep': 'x',
      'templates/z.yaml': 'x',
      'templates/a.yaml': 'x',
      'values.swp': 'x',
    };
    for (const [name, body] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), body);
    }
    const walked = await walkChartDir(dir, 'c', HelmIgnore.parse('docs/\n*.swp\n'));
    // Depth-first, names sorted per folder: a/b.txt comes before a.txt ("a" < "a.txt").
    expect(walked.map((f) => f.name)).toEqual([
      'Chart.yaml',
      'a/b.txt',
      'a.txt',
      'templates/a.yaml',
      'templates/z.yaml',
    ]);
  });
});
