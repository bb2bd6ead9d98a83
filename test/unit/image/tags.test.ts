import { describe, expect, it } from 'vitest';
import { generateTags, sanitizeTag, type TagSource } from '../../../src/core/image/tags.ts';

const sha = '0123456789abcdef0123456789abcdef01234567';
const branch: TagSource = { sha, commitTime: 1764000000, ref: 'refs/heads/main' };
const tag = (name: string): TagSource => ({ ...branch, ref: `refs/tags/${name}` });
const pr: TagSource = { ...branch, ref: 'refs/pull/42/merge', pullRequest: 42 };

describe('generateTags', () => {
  it.each([
    ['commit-time timestamp-sha', ['type=timestamp-sha'], branch, ['1764000000-0123456']],
    ['sha short with default prefix', ['type=sha'], branch, ['sha-0123456']],
    ['sha long without prefix', ['type=sha,format=long,prefix='], branch, [sha]],
    ['raw value', ['type=raw,value=stable'], branch, ['stable']],
    ['no type means raw', ['value=edge'], branch, ['edge']],
    ['branch name', ['type=ref,event=branch'], branch, ['main']],
    [
      'branch name sanitised',
      ['type=ref,event=branch'],
      { ...branch, ref: 'refs/heads/feature/JIRA-1 new+ui' },
      ['feature-JIRA-1-new-ui'],
    ],
    [
      'branch with leading dot',
      ['type=ref,event=branch'],
      { ...branch, ref: 'refs/heads/.hidden' },
      ['hidden'],
    ],
    [
      'branch rule on a tag build gives nothing',
      ['type=ref,event=branch', 'type=sha'],
      tag('v1.2.3'),
      ['sha-0123456'],
    ],
    ['git tag', ['type=ref,event=tag'], tag('v1.2.3'), ['v1.2.3']],
    ['pull request', ['type=ref,event=pr'], pr, ['pr-42']],
    [
      'semver patterns',
      [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
      ],
      tag('v1.2.3'),
      ['1.2.3', '1.2', '1'],
    ],
    ['semver raw keeps the v', ['type=semver,pattern={{raw}}'], tag('v1.2.3'), ['v1.2.3']],
    [
      'monorepo tag with match=',
      [
        'type=semver,pattern={{version}},match=^backend-v(.*)$',
        'type=semver,pattern={{major}}.{{minor}},match=^backend-v(.*)$',
      ],
      tag('backend-v1.2.3'),
      ['1.2.3', '1.2'],
    ],
    [
      'match= that does not match gives nothing',
      ['type=semver,pattern={{version}},match=^frontend-v(.*)$', 'type=sha'],
      tag('backend-v1.2.3'),
      ['sha-0123456'],
    ],
    [
      'prerelease: only the full version, never bare major/minor',
      [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
      ],
      tag('v2.0.0-rc.1'),
      ['2.0.0-rc.1'],
    ],
    [
      'prerelease never gets latest',
      ['type=semver,pattern={{version}}', 'type=raw,value=latest'],
      tag('v2.0.0-rc.1'),
      ['2.0.0-rc.1'],
    ],
    [
      'prerelease never gets latest, even with a suffix',
      ['type=raw,value=latest,suffix=-alpine', 'type=sha'],
      tag('v2.0.0-rc.1'),
      ['sha-0123456'],
    ],
    [
      'prerelease never takes the release tag x.y.z',
      ['type=semver,pattern={{major}}.{{minor}}.{{patch}}', 'type=semver,pattern=v{{major}}'],
      tag('v1.2.3-rc.1'),
      ['1.2.3-rc.1'],
    ],
    [
      'prerelease keeps raw when the pattern asks for it',
      ['type=semver,pattern={{raw}}'],
      tag('v1.2.3-rc.1'),
      ['v1.2.3-rc.1'],
    ],
    [
      '0.x gets no bare major, with or without text around it',
      ['type=semver,pattern=v{{major}}', 'type=semver,pattern={{major}}.{{minor}}'],
      tag('v0.3.0'),
      ['0.3'],
    ],
    [
      'is_default_branch on the default branch',
      ['type=raw,value=latest,enable={{is_default_branch}}'],
      { ...branch, defaultBranch: 'main' },
      ['latest'],
    ],
    [
      'is_default_branch elsewhere',
      ['type=raw,value=latest,enable={{is_default_branch}}', 'type=sha'],
      { ...branch, ref: 'refs/heads/dev', defaultBranch: 'main' },
      ['sha-0123456'],
    ],
    ['expressions in values', ['type=raw,value={{branch}}-{{sha}}'], branch, ['main-0123456']],
    [
      'stable release may get latest',
      ['type=semver,pattern={{version}}', 'type=raw,value=latest'],
      tag('v2.0.0'),
      ['2.0.0', 'latest'],
    ],
    ['semver with value=', ['type=semver,pattern={{version}},value=3.4.5'], branch, ['3.4.5']],
    ['prefix and suffix', ['type=sha,prefix=build-,suffix=-amd64'], branch, ['build-0123456-amd64']],
    ['disabled rule', ['type=raw,value=x,enable=false', 'type=sha'], branch, ['sha-0123456']],
    [
      'duplicates collapse, order kept',
      ['type=raw,value=a', 'type=raw,value=b', 'type=raw,value=a'],
      branch,
      ['a', 'b'],
    ],
    [
      'quoted value with comma',
      ['type=semver,pattern={{version}},"match=^svc-v(\\d+\\.\\d+\\.\\d+)$"'],
      tag('svc-v1.0.0'),
      ['1.0.0'],
    ],
  ] as const)('%s', (_name, rules, source, expected) => {
    expect(generateTags([...rules], source).tags).toEqual(expected);
  });

  it.each([
    ['unknown type', ['type=nightly'], /Input 'tags': rule 'type=nightly': unknown type 'nightly'/],
    ['raw without value', ['type=raw'], /needs value=/],
    ['ref without valid event', ['type=ref,event=push'], /event must be branch, tag or pr/],
    ['invalid result', ['type=raw,value=-bad'], /'-bad', which is not a valid tag/],
    ['invalid characters', ['type=raw,value=a/b'], /not a valid tag/],
    ['too long raw', [`type=raw,value=${'a'.repeat(129)}`], /not a valid tag/],
    ['field without =', ['type=sha,short'], /'short' is not key=value/],
    ['bad regex', ['type=semver,pattern={{version}},match=(x'], /not a valid regular expression/],
    ['unbalanced quote', ['type=raw,"value=x'], /unbalanced double quote/],
    ['unknown expression', ['type=raw,value={{date}}'], /unknown expression \{\{date\}\}/],
    [
      'enable that is not a boolean',
      ['type=raw,value=x,enable=maybe'],
      /enable must be true, false or \{\{is_default_branch\}\}/,
    ],
  ] as const)('rejects %s', (_name, rules, message) => {
    expect(() => generateTags([...rules], tag('v1.0.0'))).toThrow(message);
  });

  it('timestamp-sha without commit time is a clear error', () => {
    expect(() => generateTags(['type=timestamp-sha'], { sha, ref: 'refs/heads/main' })).toThrow(
      /needs the commit time/,
    );
  });
});

describe('sanitizeTag', () => {
  it('cuts names over 128 characters deterministically, keeping them distinct', () => {
    const a = sanitizeTag(`feature/${'x'.repeat(200)}-a`);
    const b = sanitizeTag(`feature/${'x'.repeat(200)}-b`);
    expect(a).toHaveLength(128);
    expect(b).toHaveLength(128);
    expect(a).not.toEqual(b);
    expect(sanitizeTag(`feature/${'x'.repeat(200)}-a`)).toEqual(a);
    expect(a).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });

  it.each([
    ['main', 'main'],
    ['feature/login', 'feature-login'],
    ['dependabot/npm_and_yarn/@types/node-20', 'dependabot-npm_and_yarn-types-node-20'],
    ['-leading', 'leading'],
    ['日本', 'x'],
  ])('%s -> %s', (input, expected) => {
    expect(sanitizeTag(input)).toBe(expected);
  });
});
