import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { literalMiddles } from '../../../src/core/glob/literal.ts';
import { literalEnds, picomatchGlob } from '../../../src/core/glob/match.ts';
import { seededRandom } from '../../harness/random.ts';

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
  '**/module1?/**',
  'a/*/b/**',
  'x*y*z',
  '*/src/*.ts',
  'a/**/b/**/c',
  'a//**',
  'services/svc3-x/**',
  'a.b/**',
  '.github/workflows/**',
  '**/*.test.ts',
  '**/*md',
  '**/*.',
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
  'services/svc3-x/a',
  'services/svc3.md',
  'services/svc3/',
  'x/src/module0',
  'x/src/module0/y',
  'x/src/module01/y',
  'module1x/a',
  'a/module12/b',
  'module12',
  'xayaz',
  'xyz',
  'xzy',
  'a/b/c',
  'a/x/b/y/c',
  'a/b/x/c',
  'a/x/b',
  'q/src/a.ts',
  'a//x',
  'a/./b',
  'a/../b',
  'services/svc3/./x',
  'services/svc3/../x',
  'services/svc3/.hidden/x.md',
  'x/.md',
  '.md',
  'x/..md',
  'x/.test.ts',
  'a/b.test.ts/',
  'services/svc3//x.test.ts',
  'docs/.',
  'docs/..',
];

describe('picomatchGlob with literal ends', () => {
  it.each(patterns)('%s: the same verdict as picomatch for every path', (pattern) => {
    const regex = picomatch.makeRe(pattern, { dot: true, windows: false, flags: 's' });
    const match = picomatchGlob(pattern);
    const expected = paths.map((path) => [path, path !== '' && (path === pattern || regex.test(path))]);
    expect(paths.map((path) => [path, match(path)])).toEqual(expected);
  });

  it.each([
    ['services/svc3/**', 'services/svc3', '', true],
    ['services/svc3*/**', 'services/svc3', '', false],
    ['**/*.md', '', '.md', false],
    ['./docs/*', '', '', false],
    ['a/**/b', 'a', 'b', true],
    ['**/b', '', 'b', false],
    ['a\\*b', 'a', 'b', false],
    ['docs/', 'docs', '', true],
    ['docs', 'docs', 'docs', false],
  ])('%s starts with %j and ends with %j (a folder: %s)', (pattern, head, tail, folder) => {
    expect(literalEnds(pattern)).toEqual({ head, tail, folder });
  });

  it.each([
    ['services/*/src/module0/**', ['/src/module0']],
    ['**/module1?/**', ['module1']],
    ['a/**/b/**/c', ['b']],
    ['x*y*z', ['y']],
    ['*/src/*.ts', ['/src/']],
    ['**/*.md', []],
    ['{a,b}/*/x/*', []],
    ['a/*/[bc]/*', []],
  ])('%s holds the literal text %j between its wildcards', (pattern, middles) => {
    expect(literalMiddles(pattern)).toEqual(middles);
  });
});

describe('picomatchGlob against picomatch on generated globs', () => {
  it('agrees on 20,000 pattern/path pairs built from folders, suffixes, wildcards and dots', () => {
    const r = seededRandom(20261202);
    const parts = ['a', 'b', 'src', '.', '/', '*', '**', '**/', '/**', '?', '.md', '.x', '-', '_1'];
    const fill = (pattern: string) =>
      pattern
        .replace(/\/\*\*$/, () => ['', '/a', '/.b', '/a/b.md'][r(4)]!)
        .replace(/\*\*\//g, () => ['', 'a/', 'a/.b/', 'a/../'][r(4)]!)
        .replace(/\*\*/g, () => ['', 'a', 'a/b', '.', '..'][r(5)]!)
        .replace(/\*/g, () => ['', 'ab', '.', '.md'][r(4)]!)
        .replace(/\?/g, () => ['b', '.', '/'][r(3)]!);
    const noise = ['a', 'b', '.', '/', 'src', '.md', 'x', '-'];
    let matched = 0;
    const mismatches: [string, string][] = [];
    for (let i = 0; i < 20_000; i++) {
      let pattern = '';
      for (let k = r(6); k >= 0; k--) pattern += parts[r(parts.length)];
      let path = '';
      if (r(3) > 0) path = fill(pattern) + ['', '', '/', '.md', '/c'][r(5)];
      else for (let k = r(8); k >= 0; k--) path += noise[r(noise.length)];
      const regex = picomatch.makeRe(pattern, { dot: true, windows: false, flags: 's' });
      const expected = path !== '' && (path === pattern || regex.test(path));
      if (expected) matched++;
      if (picomatchGlob(pattern)(path) !== expected) mismatches.push([pattern, path]);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(matched).toBeGreaterThan(2_000); // the sample exercises matches too
  });
});
