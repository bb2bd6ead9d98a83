import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.ts';
import { needsQuotes, YamlFile } from '../../../src/core/gitops/yaml-file.ts';

/** Sets the scalar at `path` (dotted) in every document where it exists. */
function setAll(text: string, path: string, value: string): string {
  const file = YamlFile.parse('t.yaml', text);
  const sites = file.scalars().filter((s) => s.path.join('.') === path);
  expect(sites.length).toBeGreaterThan(0);
  return file.apply(sites.map((s) => file.scalarEdit(s, value)));
}

describe('byte-exact scalar splice', () => {
  const cases: { name: string; input: string; path: string; value: string; output: string }[] = [
    {
      name: 'plain',
      input: 'a: 1\ntag: v1 # keep  spacing\n',
      path: 'tag',
      value: 'v2',
      output: 'a: 1\ntag: v2 # keep  spacing\n',
    },
    { name: 'single quotes kept', input: "tag: 'v1'\n", path: 'tag', value: 'v2', output: "tag: 'v2'\n" },
    {
      name: 'double quotes kept',
      input: 'tag: "v1"   # c\n',
      path: 'tag',
      value: 'v2',
      output: 'tag: "v2"   # c\n',
    },
    {
      name: 'plain number-like gets quotes',
      input: 'tag: v1\n',
      path: 'tag',
      value: '1.10',
      output: 'tag: "1.10"\n',
    },
    {
      name: 'plain yaml 1.1 bool gets quotes',
      input: 'tag: v1\n',
      path: 'tag',
      value: 'yes',
      output: 'tag: "yes"\n',
    },
    {
      name: 'plain yaml 1.1 sexagesimal gets quotes',
      input: 'tag: v1\n',
      path: 'tag',
      value: '1_000',
      output: 'tag: "1_000"\n',
    },
    {
      name: 'plain timestamp tag stays plain',
      input: 'tag: 1700000000-abc1234\n',
      path: 'tag',
      value: '1700000100-def5678',
      output: 'tag: 1700000100-def5678\n',
    },
    {
      name: 'number becomes quoted string',
      input: 'tag: 123\n',
      path: 'tag',
      value: '456',
      output: 'tag: "456"\n',
    },
    {
      name: 'CRLF and BOM untouched',
      input: '\uFEFFa: b\r\ntag: v1\r\nc: d\r\n',
      path: 'tag',
      value: 'v2',
      output: '\uFEFFa: b\r\ntag: v2\r\nc: d\r\n',
    },
    {
      name: 'multi-document, both edited, separators and comments kept',
      input: '# one\ntag: v1\n---\n# two\n\ntag: v1 # x\n...\n',
      path: 'tag',
      value: 'v3',
      output: '# one\ntag: v3\n---\n# two\n\ntag: v3 # x\n...\n',
    },
    {
      name: 'sequence indentation and flow maps untouched',
      input: 'list:\n- a\n-   b\nm: {x: 1, tag: v1}\n',
      path: 'm.tag',
      value: 'v2',
      output: 'list:\n- a\n-   b\nm: {x: 1, tag: v2}\n',
    },
    { name: 'no newline at end of file', input: 'tag: v1', path: 'tag', value: 'v2', output: 'tag: v2' },
  ];
  it.each(cases)('$name', ({ input, path, value, output }) => {
    expect(setAll(input, path, value)).toBe(output);
  });

  it('refuses block scalars, anchors and tags', () => {
    for (const input of ['tag: |\n  v1\n', 'tag: &t v1\nother: *t\n', 'tag: !!str v1\n']) {
      const file = YamlFile.parse('t.yaml', input);
      const site = file.scalars().find((s) => s.path[0] === 'tag')!;
      expect(() => file.apply([file.scalarEdit(site, 'v2')])).toThrow(UserError);
    }
  });

  it('verification catches an edit that changes more than its path (merge keys through an alias)', () => {
    const input = 'base: &b {tag: v1}\nuse:\n  <<: *b\n';
    const file = YamlFile.parse('t.yaml', input);
    const site = file.scalars().find((s) => s.path.join('.') === 'base.tag')!;
    expect(() => file.apply([file.scalarEdit(site, 'v2')])).toThrow(/verifying the edit failed/);
  });

  it('reports malformed YAML with file and line', () => {
    expect(() => YamlFile.parse('deploy/x.yaml', 'a: 1\nb: [1, 2\nc: 3\n')).toThrow(
      /^deploy\/x\.yaml:3:\d+: invalid YAML/,
    );
    expect(() => YamlFile.parse('deploy/y.yaml', 'a: 1\nb: 2\nc: d: e\n')).toThrow(
      /^deploy\/y\.yaml:3:4: invalid YAML: Nested/,
    );
  });

  it('line comments are read from the source line, not guessed', () => {
    const file = YamlFile.parse('t.yaml', 'a: x # one\nb: "y#"\nc:\n  - z   #two\n');
    const comments = Object.fromEntries(file.scalars().map((s) => [s.path.join('.'), s.lineComment]));
    expect(comments).toEqual({ a: ' one', b: undefined, 'c.0': 'two' });
  });

  it.each([
    ['v1.2.3', false],
    ['1.2.3', false],
    ['1700000000-abc1234', false],
    ['1.10', true],
    ['0o17', true],
    ['0x1f', true],
    ['1e5', true],
    ['on', true],
    ['Y', true],
    ['null', true],
    ['2024-01-01', true],
    ['1:30', true],
    ['latest', false],
  ])('needsQuotes(%s) = %s', (value, expected) => {
    expect(needsQuotes(value)).toBe(expected);
  });
});
