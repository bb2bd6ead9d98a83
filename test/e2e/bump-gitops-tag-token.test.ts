/** The platform's own token never leaves the platform's server, whatever the GitOps remote is. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withRefusingGitServer } from '../harness/git-server.ts';
import { runAsGitHub } from '../harness/github-runner.ts';

describe('bump-gitops-tag token scope', () => {
  it.each([
    ['the default GitHub token', 'ghs_0123456789abcdefghijklmnopqrstuvwxyzAB', false],
    ['a token given for that host', 'glpat-0123456789abcdef', true],
  ])('%s: sent to a remote outside GitHub = %s', async (_name, token, sent) => {
    await withRefusingGitServer('org/gitops.git', async (url, seen) => {
      const result = await runAsGitHub(resolve('dist/bump-gitops-tag/index.js'), {
        inputs: { repository: url, token, image: 'reg.example.com/app', tag: '1764000000-abc1234' },
      });
      expect(result.code).not.toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.some((headers) => headers.authorization !== undefined)).toBe(sent);
      expect(result.stdout.includes('Not sending the github token')).toBe(!sent);
      // Only the ::add-mask:: registration may carry it (the runner consumes that line).
      expect((result.stdout + result.stderr).replace(/^::add-mask::.*$/gm, '')).not.toContain(token);
    });
  });
});
