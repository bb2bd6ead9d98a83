import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/context.ts';
import { UserError } from '../../../src/core/errors.ts';
import { GitHubClient } from '../../../src/core/gitops/github-client.ts';
import {
  GitHubPullRequests,
  gitlabPushOptions,
  mergeRequestUrl,
} from '../../../src/core/gitops/pull-request.ts';
import { resolveRemote } from '../../../src/core/gitops/remote.ts';
import { silentLogger } from '../../../src/core/log.ts';

type Reply = { status: number; body?: unknown };

/** A fetch that answers from a script and records what it was asked. */
function scripted(replies: Reply[]) {
  const calls: { method: string; url: string; body?: unknown; headers: Record<string, string> }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({
      method: String(init.method),
      url,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      headers: Object.fromEntries(new Headers(init.headers as Record<string, string>)),
    });
    const reply = replies.shift() ?? { status: 500 };
    return new Response(reply.body === undefined ? '' : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const content = {
  head: 'golden-actions/bump-app',
  base: 'main',
  title: 'chore(deploy): update app to 2',
  body: 'b',
};
const client = (fetch: typeof globalThis.fetch) =>
  new GitHubPullRequests({
    client: new GitHubClient({
      apiUrl: 'https://api.example/',
      token: 't0k3n',
      logger: silentLogger,
      fetch,
      retryBaseMs: 1,
    }),
    owner: 'acme',
    repo: 'gitops',
    logger: silentLogger,
  });

describe('GitHub pull requests', () => {
  it('creates with the documented headers', async () => {
    const { fetch, calls } = scripted([{ status: 201, body: { number: 7, html_url: 'https://gh/pull/7' } }]);
    expect(await client(fetch).upsert(content)).toEqual({
      url: 'https://gh/pull/7',
      number: 7,
      created: true,
    });
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.example/repos/acme/gitops/pulls',
      body: { title: content.title, head: content.head, base: 'main', body: 'b', draft: false },
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        authorization: 'token t0k3n',
      },
    });
  });

  it('updates the open one on 422 "already exists" (and leaves an identical one alone)', async () => {
    const exists = {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ message: 'A pull request already exists for acme:golden-actions/bump-app.' }],
      },
    };
    const open = { number: 3, html_url: 'https://gh/pull/3', title: 'old', body: 'b' };
    const first = scripted([exists, { status: 200, body: [open] }, { status: 200, body: open }]);
    expect(await client(first.fetch).upsert(content)).toEqual({
      url: 'https://gh/pull/3',
      number: 3,
      created: false,
    });
    expect(first.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST https://api.example/repos/acme/gitops/pulls',
      'GET https://api.example/repos/acme/gitops/pulls?head=acme%3Agolden-actions%2Fbump-app&state=open',
      'PATCH https://api.example/repos/acme/gitops/pulls/3',
    ]);
    const same = scripted([exists, { status: 200, body: [{ ...open, title: content.title }] }]);
    await client(same.fetch).upsert(content);
    expect(same.calls).toHaveLength(2);
  });

  it('retries 5xx, not 4xx; explains the Actions permission 403', async () => {
    const flaky = scripted([{ status: 502 }, { status: 201, body: { number: 1, html_url: 'u' } }]);
    expect((await client(flaky.fetch).upsert(content)).url).toBe('u');
    expect(flaky.calls).toHaveLength(2);
    const denied = scripted([
      {
        status: 403,
        body: { message: 'GitHub Actions is not permitted to create or approve pull requests.' },
      },
    ]);
    const error = await client(denied.fetch)
      .upsert(content)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /403: GitHub Actions is not permitted.*Allow GitHub Actions to create and approve pull requests/,
    );
    expect(denied.calls).toHaveLength(1);
  });
});

describe('GitLab merge requests', () => {
  it('builds one-line push options', () => {
    expect(gitlabPushOptions({ ...content, body: 'line one\n\n| a | b |\n' })).toEqual([
      'merge_request.create',
      'merge_request.target=main',
      'merge_request.title=chore(deploy): update app to 2',
      'merge_request.description=line one | a | b |',
      'merge_request.remove_source_branch',
    ]);
  });
  it('carries labels, assignees, draft and auto-merge as push options', () => {
    const options = gitlabPushOptions({
      ...content,
      labels: ['deploy', 'bot'],
      assignees: ['alice'],
      draft: true,
      autoMerge: 'squash',
    });
    expect(options.slice(5)).toEqual([
      'merge_request.label=deploy',
      'merge_request.label=bot',
      'merge_request.assign=alice',
      'merge_request.draft',
      'merge_request.auto_merge',
    ]);
  });
  it('reads the merge request URL from the push output', () => {
    const stderr =
      'remote:\nremote: View merge request for golden-actions/bump-app:\nremote:   https://gitlab.example.com/group/sub/gitops/-/merge_requests/12\nremote:\n';
    expect(mergeRequestUrl(stderr)).toBe('https://gitlab.example.com/group/sub/gitops/-/merge_requests/12');
    expect(mergeRequestUrl('To https://x\n')).toBeUndefined();
  });
});

describe('resolveRemote', () => {
  const context = {
    platform: 'github',
    workspace: '/work/app',
    tempDir: '/tmp',
    sha: '',
    ref: '',
    event: 'push',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    repository: 'acme/app',
  } as RunContext;
  it.each([
    ['', { url: 'https://github.com/acme/app.git', repository: 'acme/app', current: true, sameServer: true }],
    [
      'acme/gitops',
      {
        url: 'https://github.com/acme/gitops.git',
        repository: 'acme/gitops',
        current: false,
        sameServer: true,
      },
    ],
    ['Acme/App', { url: 'https://github.com/Acme/App.git', current: true }],
    [
      'https://gitlab.example.com/g/sub/gitops.git',
      { repository: 'sub/gitops', current: false, sameServer: false },
    ],
    ['git@github.com:acme/gitops.git', { url: 'git@github.com:acme/gitops.git', repository: 'acme/gitops' }],
    ['/srv/git/acme/gitops.git', { url: 'file:///srv/git/acme/gitops.git', repository: 'acme/gitops' }],
    ['../gitops', { url: 'file:///work/gitops' }],
    ['file:///srv/x.git', { url: 'file:///srv/x.git' }],
  ])('%j', async (input, expected) => {
    expect(await resolveRemote(input, context)).toMatchObject(expected);
  });
  it('takes credentials out of a URL: never shown, never on git argv, kept for the header', async () => {
    const remote = await resolveRemote('https://user:p%40ss@git.example.com/a/b.git', context);
    expect(remote.display).toBe('https://git.example.com/a/b.git');
    expect(remote.url).toBe('https://git.example.com/a/b.git');
    expect(remote.credentials).toEqual({ username: 'user', password: 'p@ss' });
  });
  it.each(['not a repo!', 'a b/c'])('rejects %j', async (input) => {
    await expect(resolveRemote(input, context)).rejects.toThrow(/Input 'repository'/);
  });
});
