import { describe, expect, it } from 'vitest';
import { definition } from '../../../actions/build-push-image/definition.ts';
import { definition as pathsFilter } from '../../../actions/verify-paths-filter/definition.ts';
import { parseArgs } from '../../../src/cli/args.ts';
import { actionHelp } from '../../../src/cli/help.ts';
import { InputError, setting } from '../../../src/core/errors.ts';
import type { OutputType } from '../../../src/definition.ts';
import { CliPlatform, outputLine, typed } from '../../../src/platform/cli.ts';
import { GitLabPlatform } from '../../../src/platform/gitlab.ts';

describe('parseArgs', () => {
  it.each([
    [['--repository', 'my-app'], { repository: 'my-app' }],
    [['--repository=my-app'], { repository: 'my-app' }],
    [['--dry-run'], { 'dry-run': 'true' }],
    [['--dry-run', '--repository', 'x'], { 'dry-run': 'true', repository: 'x' }],
    [['--push', 'false'], { push: 'false' }],
    [['--tags', 'type=sha', '--tags', 'type=raw,value=x'], { tags: 'type=sha\ntype=raw,value=x' }],
    [['--build-args=A=1'], { 'build-args': 'A=1' }],
  ])('%j', (argv, expected) => {
    expect(Object.fromEntries(parseArgs(definition, argv).flags)).toEqual(expected);
  });

  it('takes --json, --sha and --ref as global options', () => {
    const parsed = parseArgs(definition, ['--json', '--sha', 'abc', '--ref=refs/heads/x']);
    expect(parsed).toMatchObject({ json: true, sha: 'abc', ref: 'refs/heads/x' });
  });

  it.each([
    [['--no-such-input', 'x'], /Unknown option '--no-such-input' for build-push-image/],
    [['--repository'], /Input 'repository': needs a value/],
    [['positional'], /Unexpected argument 'positional'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(definition, argv)).toThrow(message);
  });
});

describe('outputLine', () => {
  it('writes name=value, and the GITHUB_OUTPUT heredoc form for multi-line values', () => {
    expect(outputLine('tag', '1-abc')).toBe('tag=1-abc\n');
    expect(outputLine('tags', 'a\nb')).toBe('tags<<EOF\na\nb\nEOF\n');
    expect(outputLine('tags', 'EOF\nb')).toBe('tags<<EOF_\nEOF\nb\nEOF_\n');
  });
});

describe('command-line options beside the inputs', () => {
  it('takes --summary and --default-branch', () => {
    const parsed = parseArgs(definition, ['--summary', 'out.md', '--default-branch=trunk']);
    expect(parsed).toMatchObject({ summary: 'out.md', defaultBranch: 'trunk' });
    expect(parsed.flags.size).toBe(0);
  });

  it("an action's own input wins over an option of the same name (verify-paths-filter's --ref)", () => {
    const parsed = parseArgs(pathsFilter, ['--ref', 'feature', '--list-files', 'csv']);
    expect(parsed.ref).toBeUndefined();
    expect(Object.fromEntries(parsed.flags)).toEqual({ ref: 'feature', 'list-files': 'csv' });
  });

  it('an inherited object key is no option', () => {
    expect(() => parseArgs(definition, ['--toString', 'x'])).toThrow(/Unknown option '--toString'/);
  });
});

describe('help shows the action’s own flags only', () => {
  it('verify-paths-filter: no --tags, no --dry-run, no --ref option (ref is its input)', () => {
    const help = actionHelp(pathsFilter);
    expect(help).not.toContain('--tags');
    expect(help).not.toContain('--dry-run');
    expect(help).toContain('--gitops-paths a --gitops-paths b');
    expect(help).toContain('A boolean input may stand alone (--loop-guard).');
    expect(help).toContain('--list-files <none|csv|json|shell|escape>');
    expect(help).toContain('--summary <file>: append the Markdown job summary to the file');
    expect(help).toContain("--default-branch <name>: the repository's default branch");
    expect(help.match(/--ref /g)).toHaveLength(1); // the input, not the option
  });

  it('build-push-image: its own list and boolean inputs as the examples', () => {
    const help = actionHelp(definition);
    expect(help).toMatch(/A list input may be repeated \(--\S+ a --\S+ b\)/);
    expect(help).toContain('--ref <ref>: the full ref');
    expect(help).toContain('Secrets are better passed as GA_INPUT_* variables');
  });
});

describe('--json values are typed as the definition declares', () => {
  it.each<[string, OutputType | undefined, unknown]>([
    ['true', 'boolean', true],
    ['false', 'boolean', false],
    ['3', 'number', 3],
    ['["app"]', 'json', ['app']],
    ['[]', 'json', []],
    ['["app"]', 'string', '["app"]'],
    ['["app"]', undefined, '["app"]'],
    // Text that does not read as the type stays text (never a wrong value).
    ['', 'number', ''],
    ['yes', 'boolean', 'yes'],
    ['a,b', 'json', 'a,b'],
  ])('%j as %s', (text, type, value) => {
    expect(typed(text, type)).toEqual(value);
  });

  it('verify-paths-filter: per-filter outputs get their types, _files follows list-files', () => {
    const type = pathsFilter.dynamicType;
    expect(type('app', { 'list-files': 'none' })).toBe('boolean');
    expect(type('app_count', {})).toBe('number');
    expect(type('app-count', {})).toBe('number');
    expect(type('app-files', {})).toBe('json');
    expect(type('app_files', { 'list-files': 'json' })).toBe('json');
    expect(type('app_files', { 'list-files': 'csv' })).toBe('string');
  });
});

describe('messages name the flag on the command line, the input elsewhere', () => {
  const messages = (Platform: typeof CliPlatform) => {
    let err = '';
    const platform = new Platform({
      flags: new Map(),
      json: false,
      env: {},
      inputs: ['loop-guard', 'base', 'default-branch'],
      stderr: (text) => {
        err += text;
      },
    });
    platform.log.error(`Fix it, or set ${setting('loop-guard', 'false')} to only report.`);
    platform.fail(new InputError('base', `'x' is unknown; set ${setting('base')}`).message);
    platform.log.info(`pass ${setting('default-branch', '<name>')}; \`other: 1\` is no input`);
    return err;
  };

  it('CLI', () => {
    expect(messages(CliPlatform)).toBe(
      [
        'error: Fix it, or set --loop-guard=false to only report.',
        "error: --base: 'x' is unknown; set --base",
        'pass --default-branch=<name>; `other: 1` is no input',
        '',
      ].join('\n'),
    );
  });

  it('GitLab (component inputs are YAML)', () => {
    expect(messages(GitLabPlatform)).toContain('error: Fix it, or set `loop-guard: false` to only report.');
    expect(messages(GitLabPlatform)).toContain("error: Input 'base': 'x' is unknown; set `base`");
  });
});
