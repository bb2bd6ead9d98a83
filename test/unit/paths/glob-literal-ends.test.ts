import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { literalEnds, picomatchGlob } from '../../../src/core/glob/match.ts';

// The literal-ends shortcut must never change a verdict: every pattern below is checked against
// every path with picomatch's own regex, the patterns chosen where picomatch is lenient (trailing
// `/`, `./`, `**` matching zero folders, escapes, extglobs, braces).
const patterns = [
  'services/svc3/**',
  'services/*/src/module0/**',
  '**/*.md',
  '**/*.test.ts',
  '*.md',
  'docs/',
  'docs',
  './docs/*',
  '/docs/*',
  'a/**/b',
  '**/b',
  'a/**',
  'a\\*b',
  'a\\*b/**',
  '+(a|b)',
  '!(a).md',
  '*.{md,txt}',
  '{a,b}/x.md',
  'file[0-9].ts',
  'x?.json',
  '.github/**',
  'a.b/c-d_e/*.yaml',
  'deploy/**/*.yaml',
  'a/**/',
];
const paths = [
  'services/svc3/src/a.ts',
  'services/svc3',
  'services/svc30/x',
  'services/svc1/src/module0/x.ts',
  'README.md',
  'docs/README.md',
  'docs',
  'docs/',
  'docs/a',
  './docs/a',
  '/docs/a',
  'a/b',
  'a/x/y/b',
  'b',
  'x/b',
  'a',
  'a/',
  'a*b',
  'a*b/c',
  'axb',
  'ab',
  'aab',
  'b.md',
  'a.md',
  'a.md/',
  'x.txt',
  'a/x.md',
  'file1.ts',
  'xy.json',
  '.github/workflows/ci.yml',
  'a.b/c-d_e/k.yaml',
  'deploy/apps/app.yaml',
  'deploy/app.yaml',
];

describe('picomatchGlob with literal ends', () => {
  it.each(patterns)('%s: the same verdict as picomatch for every path', (pattern) => {
    const regex = picomatch.makeRe(pattern, { dot: true, windows: false, flags: 's' });
    const match = picomatchGlob(pattern);
    const expected = paths.map((path) => [path, path !== '' && (path === pattern || regex.test(path))]);
    expect(paths.map((path) => [path, match(path)])).toEqual(expected);
  });

  it.each([
    ['services/svc3/**', 'services/svc3', ''],
    ['**/*.md', '', '.md'],
    ['./docs/*', '', ''],
    ['a/**/b', 'a', 'b'],
    ['**/b', '', 'b'],
    ['a\\*b', 'a', 'b'],
    ['docs/', 'docs', ''],
  ])('%s starts with %j and ends with %j', (pattern, head, tail) => {
    expect(literalEnds(pattern)).toEqual({ head, tail });
  });
});
