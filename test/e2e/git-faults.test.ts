/**
 * bump-gitops-tag against a real git smart-HTTP server (git http-backend) behind the fault proxy:
 * dropped connections during clone, fetch and push and a held ref lock are retried on the fresh
 * head with exactly one commit landing; a refusal by policy (hooks) is not retried and the error
 * carries the server's own words. The GitHub bundle runs as the runner runs it.
 */
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type FaultProxy, startFaultProxy } from '../harness/fault-proxy.ts';
import { type GitHttpServer, startGitHttpServer } from '../harness/git-server.ts';
import { type GitHubRunResult, runAsGitHub } from '../harness/github-runner.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';

const bundle = resolve('dist/bump-gitops-tag/index.js');
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';
const FILE = 'deploy/production/helmrelease-patch.yaml';

let dir: string;
let root: string;
let server: GitHttpServer;
let proxy: FaultProxy;
let runnerTemp: string;
let repos = 0;

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', args, { cwd, env: gitEnv })).stdout.trim();

beforeAll(async () => {
  dir = makeTempDir('ga-git-faults');
  root = join(dir, 'srv');
  mkdirSync(root);
  server = await startGitHttpServer(root);
  proxy = await startFaultProxy(server.host);
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
  if (dir) removeDir(dir);
});

beforeEach(() => {
  proxy.reset();
  runnerTemp = makeTempDir('runner-temp', dir);
});

/** A bare repository served over HTTP holding examples/my-app in one commit on main. */
async function served(): Promise<{ name: string; bare: string; url: string }> {
  const name = `repo${++repos}`;
  const bare = join(root, `${name}.git`);
  const work = join(dir, `${name}-seed`);
  cpSync(resolve('examples/my-app'), work, { recursive: true });
  await exec('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: gitEnv });
  await git(bare, 'config', 'http.receivepack', 'true');
  await git(bare, 'config', 'uploadpack.allowFilter', 'true');
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: work, env: gitEnv });
  await git(work, 'add', '-A');
  await git(work, '-c', 'user.name=ops', '-c', 'user.email=ops@example.com', 'commit', '-q', '-m', 'seed');
  await git(work, 'push', '-q', bare, 'main');
  return { name, bare, url: `${proxy.url}/${name}.git` };
}

function bump(url: string, tag: string): Promise<GitHubRunResult> {
  return runAsGitHub(bundle, {
    inputs: { repository: url, image: IMAGE, tag },
    env: { RUNNER_TEMP: runnerTemp, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    timeoutMs: 120_000,
  });
}

/** Exactly one new commit on main, the one the run reports, holding the new tag. */
async function exactlyOneCommit(bare: string, before: string, result: GitHubRunResult, tag: string) {
  expect(await git(bare, 'rev-list', '--count', `${before}..main`)).toBe('1');
  expect(result.outputs.commit).toBe(await git(bare, 'rev-parse', 'main'));
  expect(await git(bare, 'show', `main:${FILE}`)).toContain(tag);
  return `remote main: ${await git(bare, 'log', '--oneline', `${before}..main`)} (1 commit on main)`;
}

const report = (name: string, lines: string[]) => console.log(`--- ${name}\n${lines.join('\n')}`);
const errors = (result: GitHubRunResult) => result.stdout.split('\n').filter((l) => l.startsWith('::error'));

describe('transient faults: retried on the fresh head, exactly one commit lands', () => {
  it('clone: a 503 on the ref advertisement, then the pack cut off mid-body', async () => {
    const repo = await served();
    const before = await git(repo.bare, 'rev-parse', 'main');
    proxy.inject(
      {
        method: 'GET',
        path: new RegExp(`^/${repo.name}\\.git/info/refs$`),
        fault: { kind: 'status', status: 503 },
        times: 1,
      },
      {
        method: 'POST',
        path: new RegExp(`^/${repo.name}\\.git/git-upload-pack$`),
        fault: { kind: 'reset' },
        times: 1,
      },
    );
    const result = await bump(repo.url, '1800000000-aaaaaaa');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toEqual([
      `503 GET /${repo.name}.git/info/refs`,
      `reset POST /${repo.name}.git/git-upload-pack`,
    ]);
    expect(result.stdout).toMatch(/clone .*: attempt 1\/4 failed .*; retrying/);
    report('clone faults', [
      ...proxy.injected,
      await exactlyOneCommit(repo.bare, before, result, '1800000000-aaaaaaa'),
    ]);
    expect(readdirSync(runnerTemp)).toEqual([]);
  });

  it('push: the connection cut while sending the pack (nothing landed): pushed again', async () => {
    const repo = await served();
    const before = await git(repo.bare, 'rev-parse', 'main');
    proxy.inject({
      method: 'POST',
      path: new RegExp(`^/${repo.name}\\.git/git-receive-pack$`),
      fault: { kind: 'reset' },
      times: 1,
    });
    const result = await bump(repo.url, '1800000000-bbbbbbb');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toEqual([`reset POST /${repo.name}.git/git-receive-pack`]);
    expect(proxy.requests.filter((r) => r.endsWith('git-receive-pack'))).toHaveLength(2);
    report('push cut mid-pack', [
      ...proxy.injected,
      await exactlyOneCommit(repo.bare, before, result, '1800000000-bbbbbbb'),
    ]);
  });

  it('push: the answer lost after the server took the push: read back, not pushed twice', async () => {
    const repo = await served();
    const before = await git(repo.bare, 'rev-parse', 'main');
    proxy.inject({
      method: 'POST',
      path: new RegExp(`^/${repo.name}\\.git/git-receive-pack$`),
      fault: { kind: 'drop-answer' },
      times: 1,
    });
    const result = await bump(repo.url, '1800000000-ccccccc');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(proxy.injected).toEqual([`drop-answer POST /${repo.name}.git/git-receive-pack`]);
    expect(result.stdout).toMatch(/failed .* but the branch holds \w+: done/);
    report('push answer lost', [
      ...proxy.injected,
      await exactlyOneCommit(repo.bare, before, result, '1800000000-ccccccc'),
    ]);
  });

  it('a held ref lock rejects the push; the retry fetches (through a 503) and lands one commit', async () => {
    const repo = await served();
    const before = await git(repo.bare, 'rev-parse', 'main');
    const lock = join(repo.bare, 'refs/heads/main.lock');
    writeFileSync(lock, '');
    // The first push meets the lock; the next read of the remote meets a 503; the lock is released
    // once the run is reading the remote again after that (the answer to the push is long gone).
    let pushed = -1;
    const watcher = setInterval(() => {
      const at = proxy.requests.findIndex((r) => r.endsWith('git-receive-pack'));
      if (at < 0) return;
      if (pushed < 0) {
        pushed = at;
        proxy.inject({
          method: 'GET',
          path: new RegExp(`^/${repo.name}\\.git/info/refs$`),
          fault: { kind: 'status', status: 503 },
          times: 1,
        });
      }
      if (proxy.requests.slice(pushed).filter((r) => r.endsWith('/info/refs')).length >= 2) {
        clearInterval(watcher);
        rmSync(lock, { force: true });
      }
    }, 20);
    const result = await bump(repo.url, '1800000000-ddddddd').finally(() => clearInterval(watcher));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/push to main rejected: .*(lock|failed to update ref)/);
    expect(proxy.injected).toEqual([`503 GET /${repo.name}.git/info/refs`]);
    report('held ref lock, then 503 on fetch', [
      result.stdout.split('\n').find((l) => /rejected/.test(l))!,
      ...proxy.injected,
      await exactlyOneCommit(repo.bare, before, result, '1800000000-ddddddd'),
    ]);
  });
});

describe('refusals by policy: not retried, the server speaks for itself', () => {
  const hooks: [string, string, string][] = [
    [
      'pre-receive',
      'echo "GitOps freeze: production deploys are paused until 2026-12-03 (ticket OPS-42)" >&2\nexit 1\n',
      '(pre-receive hook declined)',
    ],
    [
      'update',
      'echo "GitLab: You are not allowed to push code to protected branches on this project." >&2\nexit 1\n',
      '(hook declined)',
    ],
  ];
  for (const [hook, script, summary] of hooks) {
    it(`a ${hook} hook refusing the push`, async () => {
      const repo = await served();
      const before = await git(repo.bare, 'rev-parse', 'main');
      const path = join(repo.bare, 'hooks', hook);
      writeFileSync(path, `#!/bin/sh\n${script}`);
      chmodSync(path, 0o755);
      const result = await bump(repo.url, '1800000000-eeeeeee');
      expect(result.code).toBe(1);
      expect(proxy.requests.filter((r) => r.endsWith('git-receive-pack'))).toHaveLength(1);
      const message = errors(result).join('\n');
      expect(message).toContain(summary);
      expect(message).toContain(script.split('"')[1]);
      expect(await git(repo.bare, 'rev-parse', 'main')).toBe(before);
      expect(readdirSync(runnerTemp)).toEqual([]);
      report(`${hook} refusal`, errors(result));
    });
  }
});
