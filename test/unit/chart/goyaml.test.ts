import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { goYamlKeyCompare, marshalGoYaml } from '../../../src/core/chart/goyaml.ts';

describe('marshalGoYaml (sigs.k8s.io/yaml → go-yaml v2 output)', () => {
  it.each([
    ['plain string', { a: 'hello world' }, 'a: hello world\n'],
    ['float-like string is double-quoted', { a: '1.10' }, 'a: "1.10"\n'],
    ['int-like string', { a: '42' }, 'a: "42"\n'],
    ['octal-like string', { a: '0777' }, 'a: "0777"\n'],
    ['semver stays plain', { a: '1.2.3' }, 'a: 1.2.3\n'],
    ['YAML 1.1 boolean word', { a: 'yes' }, 'a: "yes"\n'],
    ['null word', { a: 'null' }, 'a: "null"\n'],
    ['empty string', { a: '' }, 'a: ""\n'],
    ['date', { a: '2021-01-01' }, 'a: "2021-01-01"\n'],
    [
      'timestamp',
      { generated: '2018-08-02T22:07:51.905271776Z' },
      'generated: "2018-08-02T22:07:51.905271776Z"\n',
    ],
    ['sexagesimal', { a: '1:20' }, 'a: "1:20"\n'],
    ['leading indicator is single-quoted', { kubeVersion: '>=1.19.0-0' }, "kubeVersion: '>=1.19.0-0'\n"],
    ['": " inside is single-quoted, quote doubled', { a: "it's: x" }, "a: 'it''s: x'\n"],
    ['" #" inside', { a: 'a #b' }, "a: 'a #b'\n"],
    ['"#" without space stays plain', { a: 'a#b' }, 'a: a#b\n'],
    ['URL stays plain', { a: 'https://x.example/a?b=c' }, 'a: https://x.example/a?b=c\n'],
    ['tab is escaped in double quotes', { a: 'a\tb' }, 'a: "a\\tb"\n'],
    ['trailing space', { a: 'a ' }, "a: 'a '\n"],
    ['emoji is escaped', { a: 'ok 🚀' }, 'a: "ok \\U0001F680"\n'],
    ['multi-line text is a literal block', { a: 'line1\nline2' }, 'a: |-\n  line1\n  line2\n'],
    ['multi-line with final newline', { a: 'x\n' }, 'a: |\n  x\n'],
    ['booleans and numbers', { b: true, i: 3, f: 1.5 }, 'b: true\nf: 1.5\ni: 3\n'],
    ['a key that reads as a boolean is quoted', { n: 'x' }, '"n": x\n'],
    ['empty list and map', { a: [], b: {} }, 'a: []\nb: {}\n'],
    ['sequence not indented under its key', { k: ['a', 'b'] }, 'k:\n- a\n- b\n'],
    ['sequence of mappings', { m: [{ name: 'dev', email: 'e' }] }, 'm:\n- email: e\n  name: dev\n'],
    ['nested mapping', { a: { z: '1', y: 'x' } }, 'a:\n  "y": x\n  z: "1"\n'],
    ['nested sequence', { a: [['x', 'y']] }, 'a:\n- - x\n  - "y"\n'],
  ])('%s', (_title, value, expected) => {
    const text = marshalGoYaml(value as Record<string, unknown>);
    expect(text).toBe(expected);
    // Whatever the style, it reads back as the same value.
    expect(parse(text, { version: '1.1' })).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('folds long plain text at the first space past column 80, continuing 2 deeper', () => {
    const description =
      'Fast, reliable, scalable, and easy to use open-source relational database system. MariaDB Server is intended for mission-critical, heavy-load production systems as well as for embedding into mass-deployed software. Highly available MariaDB cluster.';
    expect(marshalGoYaml({ description })).toBe(
      'description: Fast, reliable, scalable, and easy to use open-source relational database\n' +
        '  system. MariaDB Server is intended for mission-critical, heavy-load production systems\n' +
        '  as well as for embedding into mass-deployed software. Highly available MariaDB cluster.\n',
    );
  });

  it('folds inside sequences at the item indentation', () => {
    const long = `${'word '.repeat(20)}end`;
    const text = marshalGoYaml({ k: [long] });
    expect(text.split('\n')[1]).toMatch(/^- word/);
    expect(text.split('\n')[2]).toMatch(/^ {2}word/);
    expect(parse(text)).toEqual({ k: [long] });
  });

  it('orders keys as go-yaml v2 does: non-letters first, digit runs by value', () => {
    const keys = ['b', 'a10', 'a9', 'A', '_x', '1', 'apiVersion', 'appVersion', 'annotations'];
    expect([...keys].sort(goYamlKeyCompare)).toEqual([
      '_x',
      '1',
      'A',
      'a9',
      'a10',
      'annotations',
      'apiVersion',
      'appVersion',
      'b',
    ]);
    expect(Object.keys(parse(marshalGoYaml(Object.fromEntries(keys.map((k) => [k, 'v'])))))).toHaveLength(
      keys.length,
    );
  });
});
