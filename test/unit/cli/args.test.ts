import { describe, expect, it } from 'vitest';
import { definition } from '../../../actions/build-push-image/definition.ts';
import { parseArgs } from '../../../src/cli/args.ts';
import { outputLine } from '../../../src/platform/cli.ts';

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
