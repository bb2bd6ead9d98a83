import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitLabApi } from '../../../src/core/gitlab/api.ts';
import { GitLabMergeRequests } from '../../../src/core/gitops/pull-request.ts';
import { RecordingLogger } from '../../harness/logger.ts';

/** GitLab's users and merge request endpoints, in their v4 shapes. */
const users: Record<string, number> = { alice: 11, bob: 12 };
let reviewers: number[] = [5];
const requests: string[] = [];
let url = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    requests.push(`${req.method} ${req.url} ${body}`);
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    if (req.headers['private-token'] !== 'glpat-reviews') return send(401, { message: '401 Unauthorized' });
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/api/v4/users') {
      const id = users[u.searchParams.get('username') ?? ''];
      return send(200, id ? [{ id, username: u.searchParams.get('username') }] : []);
    }
    if (u.pathname === '/api/v4/projects/group%2Fsub%2Fgitops/merge_requests/12') {
      if (req.method === 'PUT') reviewers = (JSON.parse(body) as { reviewer_ids: number[] }).reviewer_ids;
      return send(200, { iid: 12, reviewers: reviewers.map((id) => ({ id })) });
    }
    send(404, { message: '404 Not found' });
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const log = new RecordingLogger();
const content = { head: 'golden-actions/bump-app', base: 'main', title: 't', body: 'b' };
const pushed = 'remote:   https://gitlab.example/group/sub/gitops/-/merge_requests/12\n';

describe('GitLab merge request reviewers', () => {
  it('are looked up by user name and added to those already there (the API, not push options)', async () => {
    const api = {
      client: new GitLabApi({ apiUrl: url, token: 'glpat-reviews', logger: log }),
      project: 'group/sub/gitops',
    };
    const result = await new GitLabMergeRequests(log, api).upsert(
      { ...content, reviewers: ['alice', 'nobody', 'bob'] },
      pushed,
    );
    expect(result?.url).toBe('https://gitlab.example/group/sub/gitops/-/merge_requests/12');
    expect(reviewers).toEqual([5, 11, 12]);
    expect(log.messages('warning')).toEqual(["reviewer 'nobody' is not a GitLab user; left out"]);
    expect(requests.at(-1)).toBe(
      'PUT /api/v4/projects/group%2Fsub%2Fgitops/merge_requests/12 {"reviewer_ids":[5,11,12]}',
    );
  });

  it('without an API token: a warning that says why, and the merge request still stands', async () => {
    log.clear();
    const result = await new GitLabMergeRequests(log).upsert({ ...content, reviewers: ['alice'] }, pushed);
    expect(result?.number).toBe(12);
    expect(log.messages('warning')[0]).toMatch(/reviewers not set: .*job token/);
  });
});
