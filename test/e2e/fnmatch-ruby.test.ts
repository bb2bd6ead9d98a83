/**
 * Differential test of the GitLab dialect against Ruby's own File.fnmatch? (what GitLab runs).
 * Needs `ruby` (scripts/setup.sh installs it); the table in glob.test.ts holds results taken from
 * Ruby as well.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gitlabFnmatch } from '../../src/core/paths/fnmatch.ts';
import { seededRandom } from '../harness/random.ts';

const RUBY = `require 'json'
flags = File::FNM_PATHNAME | File::FNM_DOTMATCH | File::FNM_EXTGLOB
puts JSON.generate(JSON.parse(STDIN.read).map { |p, s| File.fnmatch?(p, s, flags) })`;

function cases(seed: number, count: number): [string, string][] {
  const r = seededRandom(seed);
  const parts = [
    'a',
    'b',
    '.',
    '/',
    '*',
    '**',
    '**/',
    '?',
    '[a-b]',
    '[!a]',
    '{a,b}',
    '{,a/}',
    '\\*',
    '{',
    '}',
    '!',
    '/**',
    '.x',
  ];
  const fill = (p: string) =>
    p
      .replace(/\*\*\//g, () => ['', 'a/', 'a/.b/'][r(3)]!)
      .replace(/\*\*/g, () => ['', 'a', 'a/b'][r(3)]!)
      .replace(/\*/g, () => ['', 'ab', '.'][r(3)]!)
      .replace(/\?/g, 'b')
      .replace(/\[!?a-?b?\]/g, () => 'ab'[r(2)]!)
      .replace(/\{a,b\}/g, () => 'ab'[r(2)]!)
      .replace(/\{,a\/\}/g, () => ['', 'a/'][r(2)]!)
      .replace(/\\/g, '');
  const noise = ['a', 'b', '.', '/', 'x', '{', '}', '!', '*', '[', ']'];
  return Array.from({ length: count }, () => {
    let pattern = '';
    for (let k = r(7); k >= 0; k--) pattern += parts[r(parts.length)];
    let path = '';
    if (r(2) === 0) path = fill(pattern);
    else for (let k = r(8); k >= 0; k--) path += noise[r(noise.length)];
    return [pattern, path];
  });
}

describe('GitLab dialect equals Ruby File.fnmatch?', () => {
  it('agrees on 50,000 generated pattern/path pairs', () => {
    const pairs = cases(20251125, 50_000);
    const ruby = spawnSync('ruby', ['-e', RUBY], { input: JSON.stringify(pairs), maxBuffer: 64 << 20 });
    expect(ruby.status).toBe(0);
    const expected = JSON.parse(ruby.stdout.toString()) as boolean[];
    const mismatches = pairs.filter(([pattern, path], i) => gitlabFnmatch(pattern, path) !== expected[i]);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(expected.filter(Boolean).length).toBeGreaterThan(5_000); // the sample exercises matches too
  });
});
