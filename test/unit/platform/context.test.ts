/**
 * The run context each platform hands the actions (event, ref, commit, pull-request head, default
 * branch...), from recorded runner variables and event payloads (test/fixtures/events). Tag rules,
 * the paths filter's base and the image labels stand on this mapping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlatformContext } from '../../../src/platform/context.ts';
import { githubContext } from '../../../src/platform/github.ts';
import { gitlabContext } from '../../../src/platform/gitlab.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/events');

/** `KEY=value` lines; `#` starts a comment line. */
function readEnv(file: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

const PUSHED = '8f3c2a1d9e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a';
const PR_HEAD = 'c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3';
const PR_MERGE = 'e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0';
const ZERO = '0000000000000000000000000000000000000000';
/** 2025-03-14T09:26:53+01:00, the pushed commit's time. */
const PUSHED_AT = 1741940813;

type Expected = Partial<PlatformContext>;
const none = { baseRef: undefined, pullRequest: undefined, pullRequestHead: undefined };

describe('GitHub context from runner variables and the event payload', () => {
  const cases: [string, Expected][] = [
    [
      'push_branch',
      {
        event: 'push',
        ref: 'refs/heads/main',
        sha: PUSHED,
        before: '2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a',
        defaultBranch: 'main',
        commitTime: PUSHED_AT,
        ...none,
      },
    ],
    [
      'push_tag',
      {
        event: 'tag',
        ref: 'refs/tags/v1.2.0',
        sha: PUSHED,
        before: ZERO,
        defaultBranch: 'main',
        commitTime: PUSHED_AT,
        ...none,
      },
    ],
    [
      'pull_request',
      {
        event: 'pull_request',
        ref: 'refs/pull/42/merge',
        sha: PR_MERGE,
        baseRef: 'main',
        pullRequest: 42,
        pullRequestHead: { sha: PR_HEAD },
        defaultBranch: 'main',
        // A synchronize payload's `before` is the request's previous head.
        before: 'b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4',
        commitTime: undefined,
      },
    ],
    [
      'merge_group',
      {
        event: 'pull_request',
        ref: `refs/heads/gh-readonly-queue/main/pr-42-${PUSHED}`,
        sha: 'f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d',
        defaultBranch: 'main',
        before: undefined,
        commitTime: undefined,
        ...none,
      },
    ],
    [
      'schedule',
      {
        event: 'schedule',
        ref: 'refs/heads/main',
        sha: 'd3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4',
        // The payload of a scheduled run holds only the cron line.
        defaultBranch: undefined,
        repositoryInfo: undefined,
        before: undefined,
        commitTime: undefined,
        ...none,
      },
    ],
    [
      'workflow_dispatch',
      {
        event: 'manual',
        ref: 'refs/heads/release/1.x',
        sha: 'a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8',
        defaultBranch: 'main',
        before: undefined,
        commitTime: undefined,
        ...none,
      },
    ],
  ];

  it.each(cases)('%s', (name, expected) => {
    const env = readEnv(join(fixtures, 'github', `${name}.env`));
    const payload = JSON.parse(readFileSync(join(fixtures, 'github', `${name}.json`), 'utf8'));
    const context = githubContext(env, payload);
    expect(context).toMatchObject({
      platform: 'github',
      workspace: '/home/runner/work/my-app/my-app',
      repository: 'octo-org/my-app',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
    });
    expect(context).toEqual(expect.objectContaining(expected));
  });

  it('takes the repository facts for labels from the payload', () => {
    const env = readEnv(join(fixtures, 'github', 'push_branch.env'));
    const payload = JSON.parse(readFileSync(join(fixtures, 'github', 'push_branch.json'), 'utf8'));
    expect(githubContext(env, payload).repositoryInfo).toEqual({
      name: 'my-app',
      description: 'The example application',
      url: 'https://github.com/octo-org/my-app',
      license: 'MIT',
    });
  });

  it('falls back to github.com when the server variables are missing, and to no event', () => {
    const context = githubContext({ GITHUB_SHA: PUSHED }, {});
    expect(context).toMatchObject({
      event: 'other',
      ref: '',
      sha: PUSHED,
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      repositoryInfo: undefined,
    });
  });
});

describe('GitLab context from predefined CI/CD variables', () => {
  const cases: [string, Expected][] = [
    [
      'push',
      {
        event: 'push',
        ref: 'refs/heads/main',
        sha: PUSHED,
        before: '2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a',
        commitTime: PUSHED_AT,
        ...none,
      },
    ],
    [
      'tag',
      { event: 'tag', ref: 'refs/tags/v1.2.0', sha: PUSHED, before: ZERO, commitTime: PUSHED_AT, ...none },
    ],
    [
      'merge_request',
      {
        event: 'pull_request',
        ref: 'refs/merge-requests/42/head',
        sha: PR_HEAD,
        baseRef: 'main',
        pullRequest: 42,
        // The pipeline builds the request's head itself: no separate head.
        pullRequestHead: undefined,
        commitTime: 1741948867,
      },
    ],
    [
      'merged_result',
      {
        event: 'pull_request',
        ref: 'refs/merge-requests/42/head',
        sha: PR_MERGE,
        baseRef: 'main',
        pullRequest: 42,
        pullRequestHead: { sha: PR_HEAD },
        commitTime: 1741948935,
      },
    ],
    [
      'schedule',
      {
        event: 'schedule',
        ref: 'refs/heads/main',
        sha: 'd3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4',
        before: ZERO,
        commitTime: 1742169482,
        ...none,
      },
    ],
  ];

  it.each(cases)('%s', (name, expected) => {
    const context = gitlabContext(readEnv(join(fixtures, 'gitlab', `${name}.env`)));
    expect(context).toMatchObject({
      platform: 'gitlab',
      workspace: '/builds/platform/my-app',
      repository: 'platform/my-app',
      serverUrl: 'https://gitlab.example.com',
      apiUrl: 'https://gitlab.example.com/api/v4',
      defaultBranch: 'main',
      token: 'not-a-real-job-token',
      repositoryInfo: {
        name: 'my-app',
        description: 'The example application',
        url: 'https://gitlab.example.com/platform/my-app',
      },
    });
    expect(context).toEqual(expect.objectContaining(expected));
  });

  it.each([
    ['web', 'manual'],
    ['api', 'manual'],
    ['trigger', 'manual'],
    ['pipeline', 'manual'],
    ['external_pull_request_event', 'pull_request'],
    ['parent_pipeline', 'other'],
  ] as const)('maps pipeline source %s to %s', (source, event) => {
    const env = { ...readEnv(join(fixtures, 'gitlab', 'push.env')), CI_PIPELINE_SOURCE: source };
    expect(gitlabContext(env).event).toBe(event);
  });

  it("lets the CLI's --ref, --sha and --default-branch win over the job's variables", () => {
    const env = readEnv(join(fixtures, 'gitlab', 'push.env'));
    expect(
      gitlabContext(env, { ref: 'refs/heads/release', sha: PR_HEAD, defaultBranch: 'trunk' }),
    ).toMatchObject({ ref: 'refs/heads/release', sha: PR_HEAD, defaultBranch: 'trunk' });
  });
});
