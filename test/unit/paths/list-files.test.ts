import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  backslashEscape,
  csvEscape,
  formatFiles,
  type ListFormat,
  shellEscape,
} from '../../../src/core/paths/list-files.ts';

const NAMES = ['src/app.ts', 'with space.txt', 'a,b.txt', 'quote"d.txt', "it's.txt", "it's $HOME", 'ünï.txt'];

describe('list-files formats: what dorny/paths-filter writes for the same names', () => {
  it.each<[ListFormat, string | undefined]>([
    ['none', undefined],
    ['json', '["src/app.ts","with space.txt","a,b.txt","quote\\"d.txt","it\'s.txt","it\'s $HOME","ünï.txt"]'],
    ['csv', 'src/app.ts,"with space.txt","a,b.txt","quote""d.txt","it\'s.txt","it\'s $HOME","ünï.txt"'],
    ['shell', `src/app.ts 'with space.txt' a,b.txt 'quote"d.txt' "it's.txt" it\\''s $HOME' 'ünï.txt'`],
    ['escape', `src/app.ts with\\ space.txt a,b.txt quote\\"d.txt it\\'s.txt it\\'s\\ \\$HOME \\ün\\ï.txt`],
  ])('%s', (format, expected) => {
    expect(formatFiles(NAMES, format)).toBe(expected);
  });

  it('an empty list is an empty value (json: [])', () => {
    expect(formatFiles([], 'csv')).toBe('');
    expect(formatFiles([], 'shell')).toBe('');
    expect(formatFiles([], 'json')).toBe('[]');
  });

  it.each<[string, string, string, string]>([
    // name, csv, shell, escape
    [
      'plain/path-1.2_x+y:z@w%v',
      'plain/path-1.2_x+y:z@w%v',
      'plain/path-1.2_x+y:z@w%v',
      'plain/path-1.2_x+y:z@w%v',
    ],
    ['', '', '', ''],
    ['a b', '"a b"', "'a b'", 'a\\ b'],
    ['x;rm -rf', '"x;rm -rf"', "'x;rm -rf'", 'x\\;rm\\ -rf'],
    ['$(id)`id`', '"$(id)`id`"', "'$(id)`id`'", '\\$\\(id\\)\\`id\\`'],
    ["'", `"'"`, `"'"`, "\\'"],
  ])('%j', (name, csv, shell, escaped) => {
    expect(csvEscape(name)).toBe(csv);
    expect(shellEscape(name)).toBe(shell);
    expect(backslashEscape(name)).toBe(escaped);
  });

  // What the formats are for: a shell reading the value gets the names back, one word each.
  const words = (value: string) =>
    execFileSync('sh', ['-c', `printf '%s\\0' ${value}`], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
  const hostile = [...NAMES, '$(touch /tmp/never)', 'a;b', 'tab\there', '*', '~user', 'x&y|z', "a'b'c"];

  it('shell: sh reads back every name as one word, nothing expanded or run', () => {
    expect(words(formatFiles(hostile, 'shell')!)).toEqual(hostile);
    expect(words(formatFiles(['new\nline'], 'shell')!)).toEqual(['new\nline']);
  });

  it('escape: sh reads back every name as one word (a newline cannot be carried: use json)', () => {
    expect(words(formatFiles(hostile, 'escape')!)).toEqual(hostile);
  });
});
