/** The platform's own token never leaves the platform's server, whatever the GitOps remote is. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAsGitHub } from '../harness/github-runner.ts';

async function withGitServer(fn: (url: string, seen: IncomingHttpHeaders[]) => Promise<void>): Promise<void> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/org/gitops.git`, seen);
  } finally {
    server.close();
  }
}

describe('bump-gitops-tag token scope', () => {
  it.each([
    ['the default GitHub token', 'ghs_0123456789abcdefghijklmnopqrstuvwxyzAB', false],
    ['a token given for that host', 'glpat-0123456789abcdef', true],
  ])('%s: sent to a remote outside GitHub = %s', async (_name, token, sent) => {
    await withGitServer(async (url, seen) => {
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
