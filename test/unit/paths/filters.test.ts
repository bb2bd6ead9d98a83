import { describe, expect, it } from 'vitest';
import { type ChangedFile, nameStatusParser, parseNameStatus } from '../../../src/core/paths/changes.ts';
import { applyFilters, compileFilter, parseFilters } from '../../../src/core/paths/filters.ts';
import type { Dialect } from '../../../src/core/paths/glob.ts';

const files = (...specs: string[]): ChangedFile[] =>
  specs.map((spec) => {
    const [status, path] = spec.split(' ') as [ChangedFile['status'], string];
    return { status, path };
  });

const changed = files(
  'modified src/app.ts',
  'added src/README.md',
  'deleted src/old.ts',
  'modified docs/guide/intro.md',
  'modified .github/workflows/ci.yml',
  'added deploy/prod/values.yaml',
  'modified package.json',
);

function run(
  yaml: string,
  input: ChangedFile[] = changed,
  dialect: Dialect = 'picomatch',
): Record<string, string[]> {
  return Object.fromEntries(applyFilters(parseFilters(yaml), input, dialect).map((r) => [r.name, r.files]));
}

describe('filters: include/exclude rule (order-independent, no "any rule matches" trap)', () => {
  it.each<[string, string, string[]]>([
    ['plain include', "src: 'src/**'", ['src/app.ts', 'src/README.md', 'src/old.ts']],
    ['exclude after include', "src: ['src/**', '!**/*.md']", ['src/app.ts', 'src/old.ts']],
    ['exclude before include: same result', "src: ['!**/*.md', 'src/**']", ['src/app.ts', 'src/old.ts']],
    [
      'only excludes = everything except',
      "rest: ['!src/**', '!docs/**']",
      ['.github/workflows/ci.yml', 'deploy/prod/values.yaml', 'package.json'],
    ],
    ['dotfiles match wildcards', "ci: '**/*.yml'", ['.github/workflows/ci.yml']],
    ['braces', "cfg: '{package.json,deploy/**}'", ['deploy/prod/values.yaml', 'package.json']],
    ['several includes are OR', "x: ['package.json', 'docs/**']", ['docs/guide/intro.md', 'package.json']],
    ['nothing matches', "none: 'nope/**'", []],
    ['escaped ! is a literal include', "lit: '\\!x'", []],
  ])('%s', (_title, yaml, expected) => {
    const name = yaml.split(':')[0]!;
    expect(run(yaml)[name]).toEqual(expected);
  });
});

describe('filters: change types', () => {
  it.each<[string, string, string[]]>([
    ['added only', "f: [{added: 'src/**'}]", ['src/README.md']],
    ['added|modified', "f:\n  - added|modified: 'src/**'", ['src/app.ts', 'src/README.md']],
    ['deleted with a list of globs', "f:\n  - deleted: ['src/**', 'docs/**']", ['src/old.ts']],
    ['case and spaces in keys', "f:\n  - ' Added | MODIFIED ': 'src/**'", ['src/app.ts', 'src/README.md']],
    ['typed exclude', "f: ['src/**', {deleted: '!src/**'}]", ['src/app.ts', 'src/README.md']],
    [
      'typed include plus plain include',
      "f: ['docs/**', {added: 'src/**'}]",
      ['src/README.md', 'docs/guide/intro.md'],
    ],
  ])('%s', (_title, yaml, expected) => expect(run(yaml).f).toEqual(expected));
});

describe('filters: renames are deleted (old path) + added (new path)', () => {
  // What `git diff --name-status -z --no-renames` prints for `git mv src/a.ts lib/a.ts`.
  const renamed = parseNameStatus('A\0lib/a.ts\0D\0src/a.ts\0');
  it.each<[string, string, string[]]>([
    ['a filter on the old folder sees the move', "f: 'src/**'", ['src/a.ts']],
    ['a filter on the new folder sees the move', "f: 'lib/**'", ['lib/a.ts']],
    ['added sees the new path', "f: [{added: '**'}]", ['lib/a.ts']],
    ['deleted sees the old path', "f: [{deleted: '**'}]", ['src/a.ts']],
  ])('%s', (_title, yaml, expected) => expect(run(yaml, renamed).f).toEqual(expected));
});

describe('filters: dialects differ where documented', () => {
  const deep = files('modified docs/a.md', 'modified docs/sub/b.md');
  it.each<[string, Dialect, string[]]>([
    ["docs: 'docs/**'", 'picomatch', ['docs/a.md', 'docs/sub/b.md']],
    ["docs: 'docs/**'", 'gitlab', ['docs/a.md']],
    ["docs: 'docs/**/*'", 'gitlab', ['docs/a.md', 'docs/sub/b.md']],
    ["docs: ['docs/**/*', '!docs/sub/**/*']", 'gitlab', ['docs/a.md']],
  ])('%s (%s)', (yaml, dialect, expected) => expect(run(yaml, deep, dialect).docs).toEqual(expected));
});

describe('filters: YAML forms', () => {
  it('anchors and nested lists (as dorny/paths-filter)', () => {
    const yaml = "shared: &shared ['package.json']\nsrc: [*shared, 'src/**']";
    expect(run(yaml).src).toEqual(['src/app.ts', 'src/README.md', 'src/old.ts', 'package.json']);
  });
  it('a single string is one glob', () => expect(run("f: 'package.json'").f).toEqual(['package.json']));
  it('empty input means no filters', () => {
    expect(parseFilters('')).toEqual([]);
    expect(parseFilters('  \n')).toEqual([]);
  });
});

describe('filters: bad input names the input', () => {
  it.each([
    ['malformed YAML', 'src: [src/**', /Input 'filters': is not valid YAML/],
    ['not a map', '- src/**', /must be a YAML map/],
    ['unknown change type', "f: [{changed: 'x'}]", /unknown change type 'changed'/],
    ['empty filter', 'f: []', /filter 'f' has no globs/],
    ['empty glob', "f: ['!']", /empty glob/],
    ['reserved name', "changes: 'x'", /taken by an output/],
    ['output collision', "a-files: 'x'\na: 'y'", /would both set the output 'a-files'/],
    ['dorny-named output collision', "a_count: 'x'\na: 'y'", /would both set the output 'a_count'/],
    ['bad name', "'a b': 'x'", /filter name 'a b'/],
    ['number instead of glob', 'f: [1]', /not a glob string/],
    ['duplicate filter', "f: 'a'\nf: 'b'", /not valid YAML/],
    [
      'unquoted !glob is a YAML tag',
      'src:\n  - src/**\n  - !**/*.md',
      /quote '!\*\*\/\*\.md'.*YAML reads it as a tag/,
    ],
    ['unquoted *glob is a YAML alias', 'src:\n  - *.md', /quote '\*\.md'.*YAML reads it as an alias/],
  ])('%s', (_title, yaml, message) => expect(() => parseFilters(yaml)).toThrow(message));
});

describe('predicate-quantifier: some (any include) or every (all includes); excludes veto in both', () => {
  it.each<[string, string, string[], string[]]>([
    [
      'one glob: the same',
      "f: 'src/**'",
      ['src/app.ts', 'src/README.md', 'src/old.ts'],
      ['src/app.ts', 'src/README.md', 'src/old.ts'],
    ],
    [
      'two includes: union vs intersection',
      "f: ['src/**', '**/*.md']",
      ['src/app.ts', 'src/README.md', 'src/old.ts', 'docs/guide/intro.md'],
      ['src/README.md'],
    ],
    [
      "dorny's `every` idiom for X but not Y",
      "f: ['src/**', '!**/*.md']",
      ['src/app.ts', 'src/old.ts'],
      ['src/app.ts', 'src/old.ts'],
    ],
    [
      'typed rules: every rule must hold for the file, change type included',
      "f: [{added: '**'}, '**/*.md']",
      ['src/README.md', 'docs/guide/intro.md', 'deploy/prod/values.yaml'],
      ['src/README.md'],
    ],
    [
      'only excludes = everything else, under either',
      "f: ['!src/**', '!docs/**', '!.github/**']",
      ['deploy/prod/values.yaml', 'package.json'],
      ['deploy/prod/values.yaml', 'package.json'],
    ],
    [
      'no file matches every include',
      "f: ['src/**', 'docs/**']",
      ['src/app.ts', 'src/README.md', 'src/old.ts', 'docs/guide/intro.md'],
      [],
    ],
  ])('%s', (_title, yaml, some, every) => {
    const [result] = applyFilters(parseFilters(yaml), changed, 'picomatch', 'some');
    const [all] = applyFilters(parseFilters(yaml), changed, 'picomatch', 'every');
    expect(result!.files).toEqual(some);
    expect(all!.files).toEqual(every);
  });
});

describe('parseNameStatus (git diff --name-status -z)', () => {
  it.each<[string, string, ChangedFile[]]>([
    ['plain statuses', 'M\0a\0A\0b\0D\0c\0', files('modified a', 'added b', 'deleted c')],
    ['type change counts as modified', 'T\0link\0', files('modified link')],
    [
      'rename record (with -M)',
      'R100\0old name\0new name\0',
      [{ status: 'renamed', from: 'old name', path: 'new name' }],
    ],
    ['copy record (with -C)', 'C75\0a\0b\0', [{ status: 'copied', from: 'a', path: 'b' }]],
    [
      'odd names survive -z',
      'A\0with\nnewline\0A\0tab\there\0M\0"quoted"\0A\0ünïcødé/ファイル\0',
      [
        { status: 'added', path: 'with\nnewline' },
        { status: 'added', path: 'tab\there' },
        { status: 'modified', path: '"quoted"' },
        { status: 'added', path: 'ünïcødé/ファイル' },
      ],
    ],
    ['empty diff', '', []],
  ])('%s', (_title, output, expected) => expect(parseNameStatus(output)).toEqual(expected));

  it.each([1, 2, 3, 5, 8, 1000])(
    'fed in pieces of %i characters, as git writes it: the same files',
    (size) => {
      const output = 'M\0a\0R100\0old name\0new name\0A\0ünïcødé/ファイル\0D\0x/y.ts\0C75\0a\0b\0T\0link';
      const parser = nameStatusParser();
      for (let at = 0; at < output.length; at += size) parser.push(output.slice(at, at + size));
      expect(parser.end()).toEqual(parseNameStatus(output));
      expect(parser.end()).toHaveLength(6);
    },
  );
});

describe('filters: a sorted change is searched by literal head, with the same result as testing every file', () => {
  const paths = [
    '.github/workflows/ci.yml',
    'README.md',
    'docs',
    'docs-old/a.md',
    'docs/a.md',
    'docs/deep/b.md',
    'services/api',
    'services/api-gw/x.ts',
    'services/api/src/a.test.ts',
    'services/api/src/a.ts',
    'services/web/src/b.ts',
    'services/web/src/c.json',
    'x/docs/a.md',
  ];
  const files: ChangedFile[] = paths.map((path, i) => ({ path, status: i % 3 === 0 ? 'added' : 'modified' }));
  const yaml = [
    "api: 'services/api/**'",
    "two: ['services/web/**', 'docs/**', '!**/*.json']",
    "nested: ['services/**', 'services/api/**']",
    "md: ['**/*.md', '!docs-old/**']",
    "dotted: './docs/*'",
    "typed: [{added: 'services/**'}]",
    "excl: ['!services/**']",
    "brace: '{docs,services}/**'",
    "folders: ['services/api/**', 'docs/**', 'services/api-gw/*.ts', 'services/web/src/*']",
  ].join('\n');
  const filters = parseFilters(yaml);
  const everyFile = (list: readonly ChangedFile[], dialect: Dialect) =>
    filters.map((filter) => {
      const compiled = compileFilter(filter, dialect);
      return { name: filter.name, files: list.filter((file) => compiled.matches(file)).map((f) => f.path) };
    });

  it.each<Dialect>(['picomatch', 'gitlab'])('%s: sorted input', (dialect) => {
    expect(applyFilters(filters, files, dialect)).toEqual(everyFile(files, dialect));
  });

  it('picomatch: the run under a head, and no neighbour that only shares its text', () => {
    expect(applyFilters(filters, files, 'picomatch').find((r) => r.name === 'api')!.files).toEqual([
      'services/api',
      'services/api/src/a.test.ts',
      'services/api/src/a.ts',
    ]);
  });

  it.each<Dialect>(['picomatch', 'gitlab'])('%s: unsorted input keeps its order', (dialect) => {
    const shuffled = [...files].reverse();
    expect(applyFilters(filters, shuffled, dialect)).toEqual(everyFile(shuffled, dialect));
  });
});
