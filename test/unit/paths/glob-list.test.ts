/**
 * One include/exclude rule for every glob list: the bump's file selection, a change filter and the
 * loop guard's reading of a bump step must agree on every row.
 */
import { describe, expect, it } from 'vitest';
import { parseBumpFiles } from '../../../src/core/gitops/bump-defaults.ts';
import { fileMatcher } from '../../../src/core/gitops/files.ts';
import { parseGlob, splitGlobs } from '../../../src/core/glob/rule.ts';
import { bumpWriter } from '../../../src/core/loop-guard/bump-writer.ts';
import type { Writer } from '../../../src/core/loop-guard/model.ts';
import { compileFilter } from '../../../src/core/paths/filters.ts';
import { globSamples } from '../../../src/core/paths/glob.ts';

const EXCLUDE_PROD = ['deploy/**/*.yaml', '!deploy/prod/**'];

// [globs, path, selected]
const ROWS: [string[], string, boolean][] = [
  [['deploy/**/*.yaml'], 'deploy/a.yaml', true],
  [['deploy/**/*.yaml'], 'deploy/x/y/a.yaml', true],
  [['deploy/**/*.yaml'], 'deploy/a.yml', false],
  // dotfiles and dot folders match wildcards
  [['deploy/**/*.yaml'], 'deploy/.a.yaml', true],
  [['deploy/**/*.yaml'], 'deploy/.overlay/a.yaml', true],
  [['deploy/*.yaml'], '.github/a.yaml', false],
  // `!` excludes, whatever the order; it never means "everything else" next to an include
  [EXCLUDE_PROD, 'deploy/staging/a.yaml', true],
  [EXCLUDE_PROD, 'deploy/prod/a.yaml', false],
  [EXCLUDE_PROD, 'deploy/prod/x/a.yaml', false],
  [EXCLUDE_PROD, 'app/src/index.ts', false],
  [[...EXCLUDE_PROD].reverse(), 'deploy/staging/a.yaml', true],
  [[...EXCLUDE_PROD].reverse(), 'deploy/prod/a.yaml', false],
  [['deploy/**/*.yaml', '!**/.*'], 'deploy/.a.yaml', false],
  [['deploy/**/*.yaml', '!**/.*'], 'deploy/a.yaml', true],
  // only excludes: everything else
  [['!deploy/prod/**'], 'app/src/index.ts', true],
  [['!deploy/prod/**'], 'deploy/prod/a.yaml', false],
  // brace globs are one glob
  [['deploy/{staging,prod}/**/*.yaml'], 'deploy/prod/x/a.yaml', true],
  [['deploy/{staging,prod}/**/*.yaml'], 'deploy/staging/a.yaml', true],
  [['deploy/{staging,prod}/**/*.yaml'], 'deploy/dev/a.yaml', false],
  // a name that starts with `!`
  [['\\!odd/*.yaml'], '!odd/a.yaml', true],
];

function guardWrites(globs: string[]): (path: string) => boolean {
  const writer = bumpWriter({ platform: 'github', where: { file: 'wf.yml' }, files: globs }, []);
  return (writer as Writer).writes;
}

describe('one include/exclude rule: bump file selection = change filter = loop guard', () => {
  it.each(ROWS)('%j selects %s: %s', async (globs, path, selected) => {
    expect((await fileMatcher(globs))(path), 'bump files').toBe(selected);
    const filter = compileFilter({ name: 'f', rules: globs.map(parseGlob) }, 'picomatch');
    expect(filter.matches({ path, status: 'modified' }), 'filter').toBe(selected);
    expect(guardWrites(globs)(path), 'guard').toBe(selected);
  });
});

describe('glob lists', () => {
  it.each<[string[], { includes: string[]; excludes: string[] }]>([
    [EXCLUDE_PROD, { includes: ['deploy/**/*.yaml'], excludes: ['deploy/prod/**'] }],
    [[' !a/** ', ' b/*', '!', ''], { includes: ['b/*'], excludes: ['a/**'] }],
  ])('split %j', (globs, expected) => expect(splitGlobs(globs)).toEqual(expected));

  it('example paths never come from excludes, nor fall under one', () => {
    expect(globSamples(['deploy/{staging,prod}/*.yaml', '!deploy/prod/**'])).toEqual([
      'deploy/staging/x.yaml',
    ]);
  });

  it.each<[string, string[]]>([
    ['deploy/{staging,prod}/**/*.yaml', ['deploy/{staging,prod}/**/*.yaml']],
    ['deploy/**/*.yaml\n!deploy/prod/**\n# note\n', ['deploy/**/*.yaml', '!deploy/prod/**']],
  ])("a bump step's files %j: one glob per line, as the action reads them", (text, globs) => {
    expect(parseBumpFiles(text)).toEqual(globs);
  });

  it('no globs select nothing', async () => {
    expect((await fileMatcher([]))('deploy/a.yaml')).toBe(false);
  });
});
