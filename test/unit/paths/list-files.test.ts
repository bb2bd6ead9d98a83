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
});
