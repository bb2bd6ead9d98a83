/** The git runner and the checkout facts read through it, against the real git. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Git } from '../../src/core/git/git.ts';
import { commitTime, defaultBranch, headRef, headSha, repositoryRoot } from '../../src/core/git/info.ts';

describe('the git runner', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ga-git-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

  it("run: stdout, or one error naming the subcommand with git's own reason; try: undefined", async () => {
    const git = new Git(scratch, env);
    await expect(git.run(['-c', 'a.b=c', 'rev-parse', 'HEAD'])).rejects.toThrow(
      /^git rev-parse failed: fatal: not a git repository/,
    );
    expect(await git.try(['rev-parse', 'HEAD'])).toBeUndefined();
    expect(await new Git(join(scratch, 'missing'), env).try(['status'])).toBeUndefined();
    expect(await headSha(scratch)).toBeUndefined();
  });

  it('file names come out unquoted; the checkout facts read through it', async () => {
    const git = new Git(scratch, {
      ...env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_COMMITTER_DATE: '@1764000000 +0000',
    });
    await git.run(['init', '-q', '-b', 'main']);
    writeFileSync(join(scratch, 'wörk.yaml'), 'a: 1\n');
    await git.run(['add', '--', 'wörk.yaml']);
    await git.run(['commit', '-q', '-m', 'x']);
    expect((await git.run(['ls-files'])).trim()).toBe('wörk.yaml');
    expect(await headSha(scratch)).toBe((await git.run(['rev-parse', 'HEAD'])).trim());
    expect(await headRef(scratch)).toBe('refs/heads/main');
    expect(await commitTime(scratch, 'HEAD')).toBe(1764000000);
    expect(await commitTime(scratch, 'no-such-commit')).toBeUndefined();
    expect(await repositoryRoot(scratch)).toBe((await git.run(['rev-parse', '--show-toplevel'])).trim());
    // The default branch comes from the clone's origin/HEAD; a repository without a remote has none.
    expect(await defaultBranch(scratch)).toBeUndefined();
    const clone = join(scratch, 'clone');
    await git.run(['clone', '-q', scratch, clone]);
    expect(await defaultBranch(clone)).toBe('main');
  });
});
