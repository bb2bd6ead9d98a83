import { describe, expect, it } from 'vitest';
import { gitlabFnmatch } from '../../../src/core/paths/fnmatch.ts';
import {
  compileGithubPatterns,
  compileGlob,
  githubFilterDecides,
  sampleGlob,
} from '../../../src/core/paths/glob.ts';

// [pattern, path, picomatch {dot:true}, GitLab (Ruby fnmatch)] — the GitLab column was checked
// against Ruby 3.1's File.fnmatch? with FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB.
const table: [string, string, boolean, boolean][] = [
  // `dir/**` vs `dir/**/*`: the difference that bites when moving filters between the two
  ['docs/**', 'docs/a.md', true, true],
  ['docs/**', 'docs/a/b.md', true, false],
  ['docs/**', 'docs', true, false],
  ['docs/**/*', 'docs/a.md', true, true],
  ['docs/**/*', 'docs/a/b/c.md', true, true],
  ['docs/**/*', 'docs', false, false],
  // root-only and any-depth
  ['*.md', 'README.md', true, true],
  ['*.md', 'docs/README.md', false, false],
  ['**/*.md', 'README.md', true, true],
  ['**/*.md', 'a/b/c.md', true, true],
  ['**', 'a/b/c', true, false],
  ['**/*', 'a/b/c', true, true],
  // dotfiles and dot directories
  ['*', '.env', true, true],
  ['**/*.yml', '.github/workflows/ci.yml', true, true],
  ['.github/**/*', '.github/workflows/ci.yml', true, true],
  ['src/*', 'src/.hidden', true, true],
  // braces
  ['{app,charts}/**/*', 'charts/x/Chart.yaml', true, true],
  ['{app,charts}/**/*', 'deploy/x.yaml', false, false],
  ['*.{yml,yaml}', 'a.yaml', true, true],
  ['{a,{b,c}}/x', 'c/x', true, true],
  ['{,sub/}file', 'sub/file', true, true],
  ['a{b', 'a{b', true, false], // unclosed brace: Ruby matches nothing, picomatch takes it literally
  // `?`, classes, escapes
  ['a?c', 'abc', true, true],
  ['a?c', 'a/c', false, false],
  ['[a-c]x', 'bx', true, true],
  ['[!a-c]x', 'dx', false, true], // picomatch negates classes with ^ only
  ['[^a-c]x', 'dx', true, true],
  ['a\\*c', 'a*c', true, true],
  ['a\\*c', 'abc', false, false],
  // extglobs exist only in picomatch (Ruby's FNM_EXTGLOB is braces only)
  ['src/!(*.md)', 'src/a.ts', true, false],
  ['+(a|b).txt', 'ab.txt', true, false],
  // `**` in the middle (Ruby retries only the last `**/`)
  ['a/**/b', 'a/b', true, true],
  ['a/**/b', 'a/x/y/b', true, true],
  ['a/**/b/**/c', 'a/x/b/y/c', true, true],
  // odd names
  ['dir with space/*', 'dir with space/f', true, true],
  ['ü/*', 'ü/x', true, true],
  ['odd/**', 'odd/new\nline.txt', true, true],
  ['**', 'new\nline', true, true],
];

describe.each(table)('%s vs %s', (pattern, path, pico, gitlab) => {
  it(`picomatch: ${pico}`, () => expect(compileGlob(pattern, 'picomatch')(path)).toBe(pico));
  it(`gitlab: ${gitlab}`, () => {
    expect(compileGlob(pattern, 'gitlab')(path)).toBe(gitlab);
    expect(gitlabFnmatch(pattern, path)).toBe(gitlab);
  });
});

describe('GitLab dialect: a leading ! is a literal character (our filters strip it first)', () => {
  it.each([
    ['!x', '!x', true],
    ['!x', 'x', false],
  ])('%s vs %s', (pattern, path, expected) => expect(compileGlob(pattern, 'gitlab')(path)).toBe(expected));
});

describe("GitHub's workflow filter syntax (on.push.paths, branches)", () => {
  it.each([
    ['deploy/**', 'deploy/a/b.yaml', true],
    ['deploy/**', 'deployx/a', false],
    ['**/README.md', 'README.md', true],
    ['**/README.md', 'docs/README.md', true],
    ['*.js', 'a/b.js', false],
    ['docs/*', 'docs/a/b', false],
    ['*.jsx?', 'a.js', true],
    ['*.jsx?', 'a.jsx', true],
    ['v2+', 'v222', true],
    ['[ab]x', 'bx', true],
    ['a\\*b', 'a*b', true],
    ['release/**', 'release/1.0', true],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(githubFilterDecides(compileGithubPatterns([pattern]), path) >= 0).toBe(expected);
  });

  it.each([
    [['app/**', '!app/docs/**'], 'app/docs/a.md', false],
    [['app/**', '!app/docs/**'], 'app/main.go', true],
    [['!app/docs/**', 'app/**'], 'app/docs/a.md', true], // later patterns win
    [['**', '!deploy/**', 'deploy/trigger.yaml'], 'deploy/trigger.yaml', true],
  ])('ordered %j vs %s → %s', (patterns, path, expected) => {
    expect(githubFilterDecides(compileGithubPatterns(patterns), path) >= 0).toBe(expected);
  });
});

describe('sampleGlob', () => {
  it.each([
    ['deploy/**/*.yaml', ['deploy/x.yaml', 'deploy/x/x.yaml']],
    ['deploy/**', ['deploy/x']],
    ['{app,charts}/**', ['app/x', 'charts/x']],
    ['./k8s/*.yml', ['k8s/x.yml']],
  ])('%s', (pattern, expected) => expect(sampleGlob(pattern)).toEqual(expect.arrayContaining(expected)));
});
