import { describe, expect, it } from 'vitest';
import { gitEnv } from '../../../src/core/git/env.ts';
import { commitMessage } from '../../../src/core/gitops/bump-defaults.ts';
import { fileMatcher, fixedPrefixes, sparseFolders } from '../../../src/core/gitops/files.ts';
import { isRetryableRejection, parsePorcelain } from '../../../src/core/gitops/git.ts';
import { parseYamlPath } from '../../../src/core/gitops/strategy-yaml-path.ts';

describe('push porcelain', () => {
  it('parses rejected, new and fast-forward lines (git 2.39 output)', () => {
    const stdout = [
      'To file:///tmp/remote.git',
      '!\tHEAD:refs/heads/main\t[rejected] (fetch first)',
      '*\tHEAD:refs/heads/bot\t[new branch]',
      ' \tabc:refs/heads/x\t545bbb5..f98f3b0',
      '+\tHEAD~1:refs/heads/bot\tf98f3b0...545bbb5 (forced update)',
      'Done',
    ].join('\n');
    expect(parsePorcelain(stdout).map((r) => [r.flag, r.to, r.summary])).toEqual([
      ['!', 'refs/heads/main', '[rejected] (fetch first)'],
      ['*', 'refs/heads/bot', '[new branch]'],
      [' ', 'refs/heads/x', '545bbb5..f98f3b0'],
      ['+', 'refs/heads/bot', 'f98f3b0...545bbb5 (forced update)'],
    ]);
  });

  it.each([
    ['[rejected] (fetch first)', true],
    ['[rejected] (non-fast-forward)', true],
    ['[rejected] (stale info)', true],
    ["[remote rejected] (cannot lock ref 'refs/heads/main': is at abc but expected def)", true],
    ['[remote rejected] (protected branch hook declined)', false],
    ['[remote rejected] (pre-receive hook declined)', false],
  ])('%s retryable: %s', (summary, retryable) => {
    expect(isRetryableRejection(summary)).toBe(retryable);
  });
});

describe('git auth environment', () => {
  it('passes the token as an extra header for that origin only, through GIT_CONFIG_* variables', () => {
    const env = gitEnv(
      { PATH: '/bin', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'a.b', GIT_CONFIG_VALUE_0: 'c' },
      'https://git.example.com/org/repo.git',
      {
        token: 'secret-token',
        username: 'x-access-token',
      },
    );
    expect(env.GIT_CONFIG_COUNT).toBe('3');
    expect(env.GIT_CONFIG_KEY_0).toBe('a.b');
    expect(env.GIT_CONFIG_KEY_1).toBe('credential.helper');
    expect(env.GIT_CONFIG_KEY_2).toBe('http.https://git.example.com/.extraHeader');
    expect(env.GIT_CONFIG_VALUE_2).toBe(
      `Authorization: Basic ${Buffer.from('x-access-token:secret-token').toString('base64')}`,
    );
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(JSON.stringify(Object.keys(env))).not.toContain('secret');
  });

  it('sends no token to ssh or file remotes', () => {
    for (const url of ['git@github.com:org/repo.git', 'file:///tmp/repo.git']) {
      expect(gitEnv({}, url, { token: 't', username: 'u' }).GIT_CONFIG_COUNT).toBeUndefined();
    }
  });
});

describe('file selection and sparse folders', () => {
  it.each([
    [['deploy/**/*.yaml'], ['deploy'], ['deploy']],
    [['deploy/production/*.yaml'], ['deploy/production'], ['deploy']],
    [['apps/dev/kustomization.yaml', 'apps/prod/kustomization.yaml'], ['apps/dev', 'apps/prod'], ['apps']],
    [['a/b/c/*.yaml', 'a/b/**/x.yaml'], ['a/b'], ['a']],
    [['**/*.yaml'], undefined, undefined],
    [['kustomization.yaml'], undefined, undefined],
    [['deploy/*/x.yaml', '!deploy/skip/*'], ['deploy'], ['deploy']],
    [['deploy/{staging,prod}/**/*.yaml'], ['deploy'], ['deploy']],
    [['!deploy/prod/**'], undefined, undefined],
  ])('%j -> %j', (globs, prefixes, folders) => {
    expect(fixedPrefixes(globs)).toEqual(prefixes);
    expect(sparseFolders(globs)).toEqual(folders);
  });

  it('matches with excludes', async () => {
    const match = await fileMatcher(['deploy/**/*.yaml', '!deploy/skip/**']);
    expect(['deploy/a.yaml', 'deploy/x/b.yaml', 'deploy/skip/c.yaml', 'app/d.yaml'].filter(match)).toEqual([
      'deploy/a.yaml',
      'deploy/x/b.yaml',
    ]);
  });

  it('matches dotfiles and dot folders, as the loop guard and the filters do', async () => {
    const match = await fileMatcher(['deploy/**/*.yaml', '!deploy/skip/**']);
    expect(['deploy/.a.yaml', 'deploy/.x/b.yaml', 'deploy/skip/.c.yaml'].filter(match)).toEqual([
      'deploy/.a.yaml',
      'deploy/.x/b.yaml',
    ]);
  });
});

describe('commit message', () => {
  it.each([
    [
      { skipCi: true },
      'chore(deploy): update reg.io/app to 1700-abc [skip ci]\n\nGitOps-Bump: reg.io/app:1700-abc\n',
    ],
    [{ skipCi: false }, 'chore(deploy): update reg.io/app to 1700-abc\n\nGitOps-Bump: reg.io/app:1700-abc\n'],
    [{ skipCi: true, custom: 'deploy it' }, 'deploy it\n\nGitOps-Bump: reg.io/app:1700-abc\n'],
    [{ skipCi: false, custom: 'x\n\nGitOps-Bump: mine' }, 'x\n\nGitOps-Bump: mine\n'],
  ])('%j', (options, message) => {
    expect(commitMessage({ image: 'reg.io/app', tag: '1700-abc', ...options })).toBe(message);
  });
});

describe('yaml-path syntax', () => {
  it.each([
    ['spec.values.image.tag', [{ key: 'spec' }, { key: 'values' }, { key: 'image' }, { key: 'tag' }]],
    ['$.a.b', [{ key: 'a' }, { key: 'b' }]],
    ['containers[0].image', [{ key: 'containers' }, { index: 0 }, { key: 'image' }]],
    ['containers.1.image', [{ key: 'containers' }, { index: 1 }, { key: 'image' }]],
    ["c[name='app'].image", [{ key: 'c' }, { match: ['name', 'app'] }, { key: 'image' }]],
  ])('%s', (path, steps) => {
    expect(parseYamlPath(path)).toEqual(steps);
  });
  it.each(['a..b', 'a.', '[0]', 'a[b', ''])('rejects %j', (path) => {
    expect(() => parseYamlPath(path)).toThrow(/yaml-path/);
  });
});
