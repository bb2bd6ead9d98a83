/**
 * bump-gitops-tag end to end: the action run through the runner and the CLI platform against bare git
 * repositories in temp dirs (and a local server speaking GitHub's pulls API for pull-request mode).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bump from '../../actions/bump-gitops-tag/index.ts';
import type { RunContext } from '../../src/core/context.ts';
import { gitEnv } from '../../src/core/git/env.ts';
import { bumpGitopsTag } from '../../src/core/gitops/bump.ts';
import { commitMessage } from '../../src/core/gitops/bump-defaults.ts';
import { silentLogger } from '../../src/core/log.ts';
import { exec } from '../../src/core/util/exec.ts';
import type { ActionModule } from '../../src/definition.ts';
import { CliPlatform } from '../../src/platform/cli.ts';
import { runAction } from '../../src/runner.ts';
import { freePort, makeTempDir } from '../harness/process.ts';

const ROOT = join(import.meta.dirname, '../..');
const MY_APP = join(ROOT, 'examples/my-app');
const SEPARATE = join(ROOT, 'examples/separate-gitops/gitops-repo');
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';
const SEED_TAG = '1735689600-3f2c1ab';
const ZERO = '0'.repeat(40);

let dir: string;
const savedEnv = { ...process.env };

beforeAll(() => {
  dir = makeTempDir('ga-bump-e2e');
  // No machine-wide git settings (signing, hooks, identities) leak into the runs.
  Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
  // The one identity git is configured with: the CLI face commits as git's configured user.
  Object.assign(process.env, {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'user.name',
    GIT_CONFIG_VALUE_0: 'golden-actions[bot]',
    GIT_CONFIG_KEY_1: 'user.email',
    GIT_CONFIG_VALUE_1: 'golden-actions@users.noreply.github.com',
  });
});

afterAll(() => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

const git = async (cwd: string, ...args: string[]) => (await exec('git', args, { cwd })).stdout.trim();

let repos = 0;
/** A bare repository (partial clone allowed) holding `source`'s files in one commit on main. */
async function bareRepo(source: string | Record<string, string>, owner = 'acme'): Promise<string> {
  const name = `repo${++repos}`;
  const bare = join(dir, owner, `${name}.git`);
  const work = join(dir, `${name}-seed`);
  mkdirSync(work, { recursive: true });
  if (typeof source === 'string') cpSync(source, work, { recursive: true });
  else {
    for (const [path, text] of Object.entries(source)) {
      mkdirSync(join(work, path, '..'), { recursive: true });
      writeFileSync(join(work, path), text);
    }
  }
  await exec('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  await git(bare, 'config', 'uploadpack.allowFilter', 'true');
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: work });
  await git(work, 'add', '-A');
  await git(work, '-c', 'user.name=ops', '-c', 'user.email=ops@example.com', 'commit', '-q', '-m', 'seed');
  await git(work, 'push', '-q', bare, 'main');
  return bare;
}

/** A commit by someone else straight onto a branch of the bare repository. */
async function commitElsewhere(bare: string, path: string, text: string, branch = 'main'): Promise<void> {
  const work = makeTempDir('other', dir);
  await exec('git', ['clone', '-q', '--branch', branch, bare, work]);
  mkdirSync(join(work, path, '..'), { recursive: true });
  writeFileSync(join(work, path), text);
  await git(work, 'add', '-A');
  await git(
    work,
    '-c',
    'user.name=dev',
    '-c',
    'user.email=dev@example.com',
    'commit',
    '-q',
    '-m',
    'other change',
  );
  await git(work, 'push', '-q', 'origin', branch);
}

const show = (bare: string, rev: string, path: string) => git(bare, 'show', `${rev}:${path}`);

interface Run {
  code: number;
  outputs: Record<string, string>;
  log: string;
  /** The job summary, which a terminal does not get. */
  summary: string;
}

/** The CLI face with the context a CI platform would give (GitHub-like unless told otherwise). */
class TestPlatform extends CliPlatform {
  constructor(
    flags: Record<string, string>,
    private readonly extra: Partial<RunContext>,
    private readonly sink: { out: string[]; err: string[]; summary: string[] },
  ) {
    super({
      flags: new Map(Object.entries(flags)),
      json: true,
      sha: ZERO,
      ref: 'refs/heads/main',
      stdout: (t) => void sink.out.push(t),
      stderr: (t) => void sink.err.push(t),
    });
  }
  override async context(): Promise<Omit<RunContext, 'tempDir'>> {
    return { ...(await super.context()), ...this.extra };
  }

  override summary(markdown: string): void {
    this.sink.summary.push(markdown);
  }

  /** The outputs as text, as GitHub and GitLab steps read them (the CLI's --json would type them). */
  override async finish(): Promise<void> {
    const raw = Object.fromEntries([...this.outputs].map(([name, { value }]) => [name, value]));
    this.out(JSON.stringify(raw));
    this.outputs.clear();
  }
}

async function run(flags: Record<string, string>, extra: Partial<RunContext> = {}): Promise<Run> {
  const sink = { out: [] as string[], err: [] as string[], summary: [] as string[] };
  const platform = new TestPlatform({ image: IMAGE, ...flags }, extra, sink);
  const code = await runAction(bump as unknown as ActionModule, platform);
  const out = sink.out.join('');
  return {
    code,
    outputs: out ? JSON.parse(out) : {},
    log: sink.err.join(''),
    summary: sink.summary.join(''),
  };
}

/** The lines a commit changed: [removed, added] pairs from `git diff` (no context). */
async function changedLines(bare: string, from: string, to: string): Promise<string[][]> {
  const diff = await git(bare, 'diff', '--unified=0', from, to);
  const removed = diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
  const added = diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
  return removed.map((line, i) => [line.slice(1), added[i]!.slice(1)]);
}

/** Asserts that two texts differ only by `from` → `to` at one place. */
function onlyTagChanged(before: string, after: string, from: string, to: string): void {
  const at = before.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(after).toBe(before.slice(0, at) + to + before.slice(at + from.length));
}

describe('push mode on the example repositories', () => {
  it('bumps the seed repo (setter marker in deploy/production/helmrelease-patch.yaml): only the tag characters change', async () => {
    const bare = await bareRepo(MY_APP);
    const before = await git(bare, 'rev-parse', 'main');
    const tag = '1735689700-abcdef1';
    const result = await run({ repository: bare, tag, files: 'deploy/production/*.yaml' });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({
      changed: 'true',
      files: JSON.stringify(['deploy/production/helmrelease-patch.yaml']),
      commit: await git(bare, 'rev-parse', 'main'),
      'pull-request': '',
      'previous-tag': SEED_TAG,
    });
    expect(await git(bare, 'rev-parse', 'main~1')).toBe(before);
    expect(await git(bare, 'diff', '--name-only', before, 'main')).toBe(
      'deploy/production/helmrelease-patch.yaml',
    );
    const path = 'deploy/production/helmrelease-patch.yaml';
    onlyTagChanged(await show(bare, before, path), await show(bare, 'main', path), SEED_TAG, tag);
    expect(await changedLines(bare, before, 'main')).toEqual([
      [
        `      tag: ${SEED_TAG} # {"$imagepolicy": "flux-system:my-app:tag"}`,
        `      tag: ${tag} # {"$imagepolicy": "flux-system:my-app:tag"}`,
      ],
    ]);
    // Identity and message: git's configured user (the CLI face) as author and committer, a trailer, no skip token for another repository.
    expect(await git(bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main')).toBe(
      'golden-actions[bot] <golden-actions@users.noreply.github.com>|golden-actions[bot] <golden-actions@users.noreply.github.com>',
    );
    expect(await git(bare, 'log', '-1', '--format=%B', 'main')).toBe(
      `chore(deploy): update ${IMAGE} to ${tag}\n\nGitOps-Bump: ${IMAGE}:${tag}`,
    );
    // The ImagePolicy in deploy/common (checked out with the parent folder) decided the order.
    expect(result.log).toMatch(/sparse: deploy\)/);
    expect(result.log).toMatch(/ImagePolicy flux-system:my-app: filterTags/);
    expect(result.summary).toContain('```diff');
  });

  it('with the default files (deploy/**/*.yaml) and strategy auto it finds the same marker', async () => {
    const bare = await bareRepo(MY_APP);
    const result = await run({ repository: `file://${bare}`, tag: '1735689800-abcdef2' });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs.files).toBe(JSON.stringify(['deploy/production/helmrelease-patch.yaml']));
    expect(result.log).toMatch(/strategy: setters/);
  });

  it('bumps the separate GitOps repo (apps/dev/kustomization.yaml images: newTag) and leaves prod alone', async () => {
    const bare = await bareRepo(SEPARATE);
    const before = await git(bare, 'rev-parse', 'main');
    const tag = '1735689900-0123abc';
    const result = await run({
      repository: bare,
      tag,
      files: 'apps/dev/kustomization.yaml',
      strategy: 'kustomize',
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs.changed).toBe('true');
    expect(await git(bare, 'diff', '--name-only', before, 'main')).toBe('apps/dev/kustomization.yaml');
    const path = 'apps/dev/kustomization.yaml';
    onlyTagChanged(await show(bare, before, path), await show(bare, 'main', path), SEED_TAG, tag);
    expect(await changedLines(bare, before, 'main')).toEqual([
      [`    newTag: ${SEED_TAG}`, `    newTag: ${tag}`],
    ]);
  });

  describe('file selection: one glob per line, `!` excludes, dotfiles match', () => {
    const kustomization = (env: string) => `# ${env}\nimages:\n  - name: ${IMAGE}\n    newTag: ${SEED_TAG}\n`;
    const folders = ['dev', 'staging', 'prod', '.preview'];
    const layout = Object.fromEntries(
      folders.map((f) => [`deploy/${f}/kustomization.yaml`, kustomization(f)]),
    );

    it.each<[string, string, string[]]>([
      ['a brace glob stays one glob', 'deploy/{staging,prod}/*.yaml', ['prod', 'staging']],
      ['an exclude next to an include', 'deploy/**/*.yaml\n!deploy/prod/**', ['.preview', 'dev', 'staging']],
      ['the exclude first: same result', '!deploy/prod/**\ndeploy/**/*.yaml', ['.preview', 'dev', 'staging']],
      ['excluding the dot folder', 'deploy/**/*.yaml\n!**/.*/**', ['dev', 'prod', 'staging']],
    ])('%s: %j', async (_title, files, bumped) => {
      const bare = await bareRepo(layout);
      const before = await git(bare, 'rev-parse', 'main');
      const result = await run({ repository: bare, tag: '1735689950-0a1b2c3', files });
      expect(result.code, result.log).toBe(0);
      const expected = bumped.map((f) => `deploy/${f}/kustomization.yaml`).sort();
      expect(JSON.parse(result.outputs.files!).sort()).toEqual(expected);
      expect((await git(bare, 'diff', '--name-only', before, 'main')).split('\n').sort()).toEqual(expected);
      expect(result.log).not.toMatch(/is one glob/);
    });

    it('a comma outside braces is part of the glob, with a warning saying so', async () => {
      const bare = await bareRepo(layout);
      const head = await git(bare, 'rev-parse', 'main');
      const files = 'deploy/dev/kustomization.yaml,deploy/prod/kustomization.yaml';
      const result = await run({ repository: bare, tag: '1735689950-0a1b2c3', files });
      expect(result.code).toBe(1);
      expect(result.log).toContain(`warning: Input 'files': '${files}' is one glob (one per line;`);
      expect(await git(bare, 'rev-parse', 'main')).toBe(head);
    });
  });

  it('an older tag after a newer one changes nothing; the same tag changes nothing', async () => {
    const bare = await bareRepo(SEPARATE);
    const newer = await run({
      repository: bare,
      tag: '1735700000-aaaaaaa',
      files: 'apps/dev/kustomization.yaml',
    });
    expect(newer.outputs.changed).toBe('true');
    const head = await git(bare, 'rev-parse', 'main');
    const older = await run({
      repository: bare,
      tag: '1735690000-bbbbbbb',
      files: 'apps/dev/kustomization.yaml',
    });
    expect(older.code, older.log).toBe(0);
    expect(older.outputs).toMatchObject({
      changed: 'false',
      commit: '',
      files: '[]',
      'previous-tag': '1735700000-aaaaaaa',
    });
    expect(older.log).toMatch(/keeps newer 1735700000-aaaaaaa/);
    const same = await run({
      repository: bare,
      tag: '1735700000-aaaaaaa',
      files: 'apps/dev/kustomization.yaml',
    });
    expect(same.code, same.log).toBe(0);
    expect(same.outputs).toMatchObject({ changed: 'false', commit: '' });
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('starts from the remote head, never a stale checkout: a change pushed just before is kept', async () => {
    const bare = await bareRepo(SEPARATE);
    // Another change lands first: our edit must sit on top of it, not replace it.
    await commitElsewhere(bare, 'apps/dev/extra.yaml', 'a: 1\n');
    const result = await run({
      repository: bare,
      tag: '1735690000-ccccccc',
      files: 'apps/dev/*.yaml',
      strategy: 'kustomize',
    });
    expect(result.code, result.log).toBe(0);
    expect(await show(bare, 'main', 'apps/dev/extra.yaml')).toBe('a: 1');
    expect(await git(bare, 'log', '--format=%s', 'main')).toContain('other change');
  });

  it('dry-run prints the diff and pushes nothing', async () => {
    const bare = await bareRepo(MY_APP);
    const head = await git(bare, 'rev-parse', 'main');
    const result = await run({ repository: bare, tag: '1735689700-abcdef1', 'dry-run': 'true' });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ changed: 'true', commit: '', 'previous-tag': SEED_TAG });
    expect(result.log).toMatch(/dry run: nothing pushed/);
    expect(result.log).toContain(
      `+      tag: 1735689700-abcdef1 # {"$imagepolicy": "flux-system:my-app:tag"}`,
    );
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('adds [skip ci] only when pushing to the repository this run builds; a given message is kept', async () => {
    const bare = await bareRepo(MY_APP);
    const repository = `acme/${bare
      .split('/')
      .pop()!
      .replace(/\.git$/, '')}`;
    // `repository` left empty: the run's own repository, on its server.
    const self = await run({ tag: '1735689700-abcdef1' }, { serverUrl: `file://${dir}`, repository });
    expect(self.code, self.log).toBe(0);
    expect(await git(bare, 'log', '-1', '--format=%s', 'main')).toBe(
      `chore(deploy): update ${IMAGE} to 1735689700-abcdef1 [skip ci]`,
    );
    const other = await run({ repository: bare, tag: '1735689800-abcdef1' });
    expect(await git(bare, 'log', '-1', '--format=%s', 'main')).toBe(
      `chore(deploy): update ${IMAGE} to 1735689800-abcdef1`,
    );
    expect(other.code).toBe(0);
    const own = await run({
      repository: bare,
      tag: '1735689900-abcdef1',
      'commit-message': 'deploy: my words',
    });
    expect(own.code, own.log).toBe(0);
    expect(await git(bare, 'log', '-1', '--format=%B', 'main')).toBe(
      `deploy: my words\n\nGitOps-Bump: ${IMAGE}:1735689900-abcdef1`,
    );
  });
});

describe('concurrency', () => {
  // Twenty Node processes at once: on a loaded two-core machine they took 40-60 s.
  it('20 bumps started at once: every run exits 0, no lost update, the newest tag wins', async () => {
    const bare = await bareRepo(SEPARATE);
    const seed = await git(bare, 'rev-parse', 'main');
    // Distinct timestamp tags, started in a shuffled order.
    const tags = Array.from(
      { length: 20 },
      (_, i) => `${1736000000 + i * 60}-${(0xabc0000 + i).toString(16)}`,
    );
    const order = [...tags].sort(() => Math.random() - 0.5);
    const started = Date.now();
    const runs = await Promise.all(
      order.map((tag) =>
        run({ repository: bare, tag, files: 'apps/dev/kustomization.yaml', strategy: 'kustomize' }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    for (const r of runs) expect(r.code, r.log).toBe(0);

    const head = await git(bare, 'rev-parse', 'main');
    const history = (await git(bare, 'rev-list', '--first-parent', `${seed}..${head}`))
      .split('\n')
      .filter(Boolean)
      .reverse();
    const committed = runs.filter((r) => r.outputs.changed === 'true');
    // Every reported commit is in the history, and the history holds nothing else: no update lost.
    expect(new Set(committed.map((r) => r.outputs.commit))).toEqual(new Set(history));
    for (const r of committed) await git(bare, 'merge-base', '--is-ancestor', r.outputs.commit!, head);
    // Each commit raised the tag; the last one is the newest tag of all.
    const tagAt = async (rev: string) =>
      /newTag: (\S+)/.exec(await show(bare, rev, 'apps/dev/kustomization.yaml'))![1]!;
    const sequence = await Promise.all(history.map(tagAt));
    expect([...sequence].sort()).toEqual(sequence);
    expect(new Set(sequence).size).toBe(sequence.length);
    expect(await tagAt(head)).toBe(tags[tags.length - 1]);
    expect(await show(bare, head, 'apps/prod/kustomization.yaml')).toBe(
      await show(bare, seed, 'apps/prod/kustomization.yaml'),
    );
    const attempts = runs.map((r) => Number(/\| attempts \| (\d+) \|/.exec(r.log)?.[1] ?? 0));
    console.log(
      `20 parallel bumps: ${seconds.toFixed(1)} s, ${committed.length} commits, attempts per run ${JSON.stringify(attempts)}, max ${Math.max(...attempts)}`,
    );
  }, 180_000);

  it('20 bumps at once that must all land (only-if-newer false, core loop with a short backoff): 20 commits', async () => {
    const bare = await bareRepo(SEPARATE);
    const seed = await git(bare, 'rev-parse', 'main');
    const tags = Array.from({ length: 20 }, (_, i) => `${1736000000 + i}-${(0xdef0000 + i).toString(16)}`);
    const started = Date.now();
    const results = await Promise.all(
      tags.map((tag, i) =>
        bumpGitopsTag({
          url: `file://${bare}`,
          display: 'gitops',
          env: gitEnv(process.env, `file://${bare}`),
          files: ['apps/dev/kustomization.yaml'],
          image: IMAGE,
          tag,
          strategy: 'kustomize',
          onlyIfNewer: false,
          mode: 'push',
          message: commitMessage({ image: IMAGE, tag, skipCi: false }),
          author: { name: 'bot', email: 'bot@example.com' },
          // Each attempt round lands at least one of the 20: 20 attempts are enough for the unluckiest.
          maxAttempts: 25,
          dryRun: false,
          workDir: join(dir, `core-${i}`),
          logger: silentLogger,
          // The loop's behaviour at a tenth of the real delays, so the suite stays quick.
          backoff: { baseMs: 100, capMs: 2000 },
        }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const history = (await git(bare, 'rev-list', `${seed}..main`)).split('\n').filter(Boolean);
    expect(history).toHaveLength(20);
    expect(new Set(results.map((r) => r.commit))).toEqual(new Set(history));
    const attempts = results.map((r) => r.attempts);
    console.log(
      `20 parallel core bumps that all commit: ${seconds.toFixed(1)} s, attempts ${JSON.stringify(attempts)}`,
    );
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------------
// Pull-request mode against a local server speaking GitHub's pulls API

interface Pull {
  number: number;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
  title: string;
  body: string;
  state: string;
  node_id: string;
  draft: boolean;
  labels: { name: string }[];
  assignees: { login: string }[];
  requested_reviewers: { login: string }[];
  requested_teams: { slug: string }[];
  auto_merge: { merge_method: string } | null;
}

/** GraphQL `createCommitOnBranch` input, as GitHub documents it. */
interface CommitOnBranchInput {
  branch: { repositoryNameWithOwner: string; branchName: string };
  expectedHeadOid: string;
  message: { headline: string; body?: string };
  fileChanges: { additions?: { path: string; contents: string }[] };
}

/**
 * GitHub's REST pulls API and the GraphQL mutations the action uses, in their documented shapes.
 * `createCommitOnBranch` writes a real commit into the bare repository behind `owner/name` (author:
 * the token's bot, committer: GitHub, as GitHub does), after checking `expectedHeadOid`.
 */
class FakeGitHub {
  readonly pulls: Pull[] = [];
  readonly requests: string[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  readonly mutations: { name: string; input: unknown; error?: string }[] = [];
  /** Runs once before the next createCommitOnBranch checks the head (e.g. someone else pushes). */
  beforeNextCommit?: () => Promise<void>;
  private server!: Server;
  url = '';

  constructor(
    private readonly token: string,
    private readonly repoPath: (nameWithOwner: string) => string = () => '',
  ) {}

  private async graphql(query: string, variables: Record<string, unknown>): Promise<unknown> {
    if (query.includes('createCommitOnBranch')) {
      const input = variables.input as CommitOnBranchInput;
      const bare = this.repoPath(input.branch.repositoryNameWithOwner);
      const hook = this.beforeNextCommit;
      this.beforeNextCommit = undefined;
      await hook?.();
      const ref = `refs/heads/${input.branch.branchName}`;
      const head = await git(bare, 'rev-parse', ref);
      if (head !== input.expectedHeadOid) {
        const message = `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`;
        this.mutations.push({ name: 'createCommitOnBranch', input, error: message });
        return {
          data: { createCommitOnBranch: null },
          errors: [{ type: 'STALE_DATA', path: ['createCommitOnBranch'], locations: [], message }],
        };
      }
      this.mutations.push({ name: 'createCommitOnBranch', input });
      const env = { ...process.env, GIT_INDEX_FILE: join(bare, `index-${Date.now()}`) };
      const plumbing = async (args: string[], stdin?: string | Buffer) =>
        (await exec('git', args, { cwd: bare, env, input: stdin })).stdout.trim();
      await plumbing(['read-tree', head]);
      for (const file of input.fileChanges.additions ?? []) {
        const blob = await plumbing(['hash-object', '-w', '--stdin'], Buffer.from(file.contents, 'base64'));
        await plumbing(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`]);
      }
      const tree = await plumbing(['write-tree']);
      rmSync(env.GIT_INDEX_FILE, { force: true });
      const message = [input.message.headline, input.message.body].filter(Boolean).join('\n\n');
      const oid = await exec('git', ['commit-tree', tree, '-p', head, '-F', '-'], {
        cwd: bare,
        input: message,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'github-actions[bot]',
          GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
        },
      }).then((r) => r.stdout.trim());
      await git(bare, 'update-ref', ref, oid, head);
      return {
        data: { createCommitOnBranch: { commit: { oid, url: `https://github.example/commit/${oid}` } } },
      };
    }
    if (query.includes('enablePullRequestAutoMerge')) {
      const pull = this.pulls.find((p) => p.node_id === variables.id);
      if (!pull)
        return { data: null, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a node' }] };
      pull.auto_merge = { merge_method: String(variables.mergeMethod).toLowerCase() };
      this.mutations.push({ name: 'enablePullRequestAutoMerge', input: variables });
      return { data: { enablePullRequestAutoMerge: { clientMutationId: null } } };
    }
    return { errors: [{ message: 'unknown query' }] };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const send = (status: number, data: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(data));
        };
        const url = new URL(req.url ?? '/', 'http://x');
        this.requests.push(`${req.method} ${url.pathname}${url.search}`);
        this.headers.push(req.headers);
        // Both forms GitHub accepts for a token.
        if (![`Bearer ${this.token}`, `token ${this.token}`].includes(req.headers.authorization ?? ''))
          return send(401, { message: 'Bad credentials' });
        if (url.pathname === '/graphql' && req.method === 'POST') {
          const { query, variables } = JSON.parse(body) as {
            query: string;
            variables: Record<string, unknown>;
          };
          return send(200, await this.graphql(query, variables));
        }
        if (
          req.headers.accept !== 'application/vnd.github+json' ||
          req.headers['x-github-api-version'] !== '2022-11-28'
        ) {
          return send(400, { message: 'headers' });
        }
        const issue = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/(labels|assignees)$/.exec(url.pathname);
        const reviewers = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/requested_reviewers$/.exec(url.pathname);
        if ((issue || reviewers) && req.method === 'POST') {
          const pull = this.pulls.find((p) => p.number === Number((issue ?? reviewers)![3]));
          if (!pull) return send(404, { message: 'Not Found' });
          const input = JSON.parse(body) as Record<string, string[]>;
          const add = <T>(list: T[], items: T[], key: (t: T) => string) => {
            for (const item of items) if (!list.some((x) => key(x) === key(item))) list.push(item);
          };
          if (issue?.[4] === 'labels') {
            add(
              pull.labels,
              (input.labels ?? []).map((name) => ({ name })),
              (l) => l.name,
            );
            return send(200, pull.labels);
          }
          if (issue?.[4] === 'assignees') {
            add(
              pull.assignees,
              (input.assignees ?? []).map((login) => ({ login })),
              (a) => a.login,
            );
            return send(201, pull);
          }
          add(
            pull.requested_reviewers,
            (input.reviewers ?? []).map((login) => ({ login })),
            (r) => r.login,
          );
          add(
            pull.requested_teams,
            (input.team_reviewers ?? []).map((slug) => ({ slug })),
            (t) => t.slug,
          );
          return send(201, pull);
        }
        const list = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
        const one = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(url.pathname);
        if (list && req.method === 'POST') {
          const input = JSON.parse(body) as {
            head: string;
            base: string;
            title: string;
            body: string;
            draft?: boolean;
          };
          const owner = list[1];
          if (this.pulls.some((p) => p.state === 'open' && p.head.ref === input.head)) {
            return send(422, {
              message: 'Validation Failed',
              errors: [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: `A pull request already exists for ${owner}:${input.head}.`,
                },
              ],
            });
          }
          const number = this.pulls.length + 1;
          const pull: Pull = {
            number,
            html_url: `https://github.example/${owner}/${list[2]}/pull/${number}`,
            head: { ref: input.head },
            base: { ref: input.base },
            title: input.title,
            body: input.body,
            state: 'open',
            node_id: `PR_kwDO${number}`,
            draft: input.draft ?? false,
            labels: [],
            assignees: [],
            requested_reviewers: [],
            requested_teams: [],
            auto_merge: null,
          };
          this.pulls.push(pull);
          return send(201, pull);
        }
        if (list && req.method === 'GET') {
          const head = url.searchParams.get('head') ?? '';
          const ref = head.slice(head.indexOf(':') + 1);
          return send(
            200,
            this.pulls.filter((p) => p.head.ref === ref && p.state === url.searchParams.get('state')),
          );
        }
        if (one && req.method === 'PATCH') {
          const pull = this.pulls.find((p) => p.number === Number(one[3]));
          if (!pull) return send(404, { message: 'Not Found' });
          Object.assign(pull, JSON.parse(body));
          return send(200, pull);
        }
        send(404, { message: 'Not Found' });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('pull-request mode (GitHub pulls API)', () => {
  const token = 'ghs_pr-test-token-0123456789';
  let github: FakeGitHub;
  beforeAll(async () => {
    github = new FakeGitHub(token, (nameWithOwner) => join(dir, `${nameWithOwner}.git`));
    await github.start();
  });
  afterAll(() => github.stop());

  it('opens one pull request, then updates it; the target branch is never pushed to', async () => {
    const bare = await bareRepo(SEPARATE, 'acme');
    const main = await git(bare, 'rev-parse', 'main');
    const context = {
      platform: 'github' as const,
      apiUrl: github.url,
      serverUrl: 'https://github.example',
      repository: 'acme/app',
    };
    const flags = {
      repository: bare,
      token,
      files: 'apps/prod/kustomization.yaml',
      strategy: 'kustomize',
      mode: 'pull-request',
    };
    const bot = 'golden-actions/bump-my-app';

    const first = await run({ ...flags, tag: '1736000000-aaaaaaa' }, context);
    expect(first.code, first.log).toBe(0);
    expect(first.outputs).toMatchObject({
      changed: 'true',
      'pull-request': 'https://github.example/acme/repo' + String(repos) + '/pull/1',
    });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({
      head: { ref: bot },
      base: { ref: 'main' },
      title: `chore(deploy): update ${IMAGE} to 1736000000-aaaaaaa`,
    });
    expect(github.pulls[0]!.title).not.toContain('[skip ci]');
    expect(await git(bare, 'rev-parse', 'main')).toBe(main);
    expect(await git(bare, 'rev-parse', `${bot}~1`)).toBe(main);
    expect(first.outputs.commit).toBe(await git(bare, 'rev-parse', bot));

    // The target moves on; a newer tag replaces the bot branch with one commit on the new head.
    await commitElsewhere(bare, 'apps/prod/note.yaml', 'n: 1\n');
    const newMain = await git(bare, 'rev-parse', 'main');
    const second = await run({ ...flags, tag: '1736000100-bbbbbbb' }, context);
    expect(second.code, second.log).toBe(0);
    expect(second.outputs['pull-request']).toBe(first.outputs['pull-request']);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.title).toBe(`chore(deploy): update ${IMAGE} to 1736000100-bbbbbbb`);
    expect(await git(bare, 'rev-parse', `${bot}~1`)).toBe(newMain);
    expect(await git(bare, 'rev-parse', 'main')).toBe(newMain);
    expect(github.requests.filter((r) => !r.startsWith('GET'))).toEqual([
      'POST /repos/acme/repo' + String(repos) + '/pulls',
      'POST /repos/acme/repo' + String(repos) + '/pulls',
      'PATCH /repos/acme/repo' + String(repos) + '/pulls/1',
    ]);

    // An older tag arriving late does not replace the newer proposal.
    const botHead = await git(bare, 'rev-parse', bot);
    const late = await run({ ...flags, tag: '1736000050-ccccccc' }, context);
    expect(late.code, late.log).toBe(0);
    expect(late.outputs).toMatchObject({ changed: 'false', 'pull-request': first.outputs['pull-request'] });
    expect(await git(bare, 'rev-parse', bot)).toBe(botHead);
    expect(github.pulls[0]!.title).toContain('1736000100-bbbbbbb');

    // The same tag again: the branch already holds it, nothing is pushed, the PR stays.
    const again = await run({ ...flags, tag: '1736000100-bbbbbbb' }, context);
    expect(again.code, again.log).toBe(0);
    expect(again.outputs).toMatchObject({ changed: 'false', 'pull-request': first.outputs['pull-request'] });
    expect(await git(bare, 'rev-parse', bot)).toBe(botHead);
    expect(github.pulls).toHaveLength(1);

    // Another bump of the same image for other files does not clobber this proposal.
    const clash = await run(
      { ...flags, files: 'apps/dev/kustomization.yaml', tag: '1736000200-ddddddd' },
      context,
    );
    expect(clash.code).toBe(1);
    expect(clash.log).toMatch(
      /'golden-actions\/bump-my-app' holds a bump of other files \(apps\/prod\/kustomization\.yaml\)/,
    );
    expect(await git(bare, 'rev-parse', bot)).toBe(botHead);

    // The token went to the API only as a header, and never into a log or output.
    for (const r of [first, second, late, again]) {
      expect(r.log).not.toContain(token);
      expect(JSON.stringify(r.outputs)).not.toContain(token);
    }
  });
});

describe('pull request metadata and commit-via api (GitHub API)', () => {
  const token = 'ghs_meta-test-token-0123456789';
  let github: FakeGitHub;
  beforeAll(async () => {
    github = new FakeGitHub(token, (nameWithOwner) => join(dir, `${nameWithOwner}.git`));
    await github.start();
  });
  afterAll(() => github.stop());
  const context = () => ({
    platform: 'github' as const,
    apiUrl: github.url,
    serverUrl: 'https://github.example',
    repository: 'acme/app',
  });

  it('opens a draft PR with labels, reviewers (a user and a team), assignees and auto-merge, then updates the same PR', async () => {
    const bare = await bareRepo(SEPARATE, 'acme');
    const flags = {
      repository: bare,
      token,
      files: 'apps/prod/kustomization.yaml',
      strategy: 'kustomize',
      mode: 'pull-request',
      labels: 'deploy\nautomated',
      reviewers: 'alice, acme/platform',
      assignees: 'bob',
      draft: 'true',
      'auto-merge': 'squash',
      'pull-request-title': 'Deploy my-app 1736000000-aaaaaaa',
    };
    const first = await run({ ...flags, tag: '1736000000-aaaaaaa' }, context());
    expect(first.code, first.log).toBe(0);
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    expect(pull).toMatchObject({
      title: 'Deploy my-app 1736000000-aaaaaaa',
      draft: true,
      labels: [{ name: 'deploy' }, { name: 'automated' }],
      requested_reviewers: [{ login: 'alice' }],
      requested_teams: [{ slug: 'platform' }],
      assignees: [{ login: 'bob' }],
      auto_merge: { merge_method: 'squash' },
    });
    console.log(`created: ${JSON.stringify(pull)}`);

    // The second run (newer tag, one more label) updates the same pull request; nothing is duplicated.
    const second = await run(
      {
        ...flags,
        tag: '1736000100-bbbbbbb',
        labels: 'deploy\nautomated\nproduction',
        'pull-request-title': 'Deploy my-app 1736000100-bbbbbbb',
      },
      context(),
    );
    expect(second.code, second.log).toBe(0);
    expect(second.outputs['pull-request']).toBe(first.outputs['pull-request']);
    expect(github.pulls).toHaveLength(1);
    expect(pull.title).toBe('Deploy my-app 1736000100-bbbbbbb');
    expect(pull.labels.map((l) => l.name)).toEqual(['deploy', 'automated', 'production']);
    expect(pull.requested_reviewers).toEqual([{ login: 'alice' }]);
    console.log(`updated: ${JSON.stringify(pull)}`);
    const writes = github.requests
      .filter((r) => !r.startsWith('GET'))
      .map((r) => r.replace(/repo\d+/, 'repo'));
    console.log(writes.join('\n'));
    expect(writes.filter((r) => r.endsWith('/labels'))).toEqual([
      'POST /repos/acme/repo/issues/1/labels',
      'POST /repos/acme/repo/issues/1/labels',
    ]);
    // Only what was missing is requested again: reviewers and assignees once.
    expect(writes.filter((r) => r.endsWith('/requested_reviewers') || r.endsWith('/assignees'))).toHaveLength(
      2,
    );
  });

  it('commit-via api: createCommitOnBranch with expectedHeadOid; a moved head is retried from the fresh head', async () => {
    const bare = await bareRepo(MY_APP);
    // git push to this remote is refused: the commit can only arrive through the API.
    writeFileSync(
      join(bare, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "pushes are not allowed" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const before = await git(bare, 'rev-parse', 'main');
    const path = 'deploy/production/helmrelease-patch.yaml';
    const original = await show(bare, before, path);
    // Between our clone and our commit, someone else lands a commit (written like the API would).
    github.beforeNextCommit = async () => {
      rmSync(join(bare, 'hooks', 'pre-receive'));
      await commitElsewhere(bare, 'deploy/production/other.yaml', 'x: 1\n');
      writeFileSync(join(bare, 'hooks', 'pre-receive'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    };
    const tag = '1735689900-abcdef2';
    const result = await run(
      { repository: bare, tag, files: 'deploy/production/*.yaml', token, 'commit-via': 'api' },
      context(),
    );
    expect(result.code, result.log).toBe(0);
    const commits = github.mutations.filter((m) => m.name === 'createCommitOnBranch');
    expect(commits).toHaveLength(2);
    expect(commits[0]!.error).toMatch(/^Expected branch to point to ".{40}" but it did not/);
    const [stale, fresh] = commits.map((m) => (m.input as CommitOnBranchInput).expectedHeadOid);
    expect(stale).toBe(before);
    const moved = await git(bare, 'rev-parse', 'main~1');
    expect(fresh).toBe(moved);
    expect(result.log).toMatch(/attempt 2\/10: 'main' is now at/);
    console.log(
      result.log
        .split('\n')
        .filter((l) => /attempt|rejected|Expected branch/.test(l))
        .join('\n'),
    );
    // The commit is GitHub's (signed there), on top of the other change, and changes only the tag bytes.
    expect(result.outputs.commit).toBe(await git(bare, 'rev-parse', 'main'));
    expect(await git(bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main')).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|GitHub <noreply@github.com>',
    );
    expect(await git(bare, 'log', '-1', '--format=%B', 'main')).toBe(
      `chore(deploy): update ${IMAGE} to ${tag}\n\nGitOps-Bump: ${IMAGE}:${tag}`,
    );
    onlyTagChanged(original, await show(bare, 'main', path), SEED_TAG, tag);
    expect(await show(bare, 'main', 'deploy/production/other.yaml')).toBe('x: 1');

    // only-if-newer holds on the API path too: an older tag changes nothing and sends no mutation.
    const older = await run(
      {
        repository: bare,
        tag: '1735689800-0000000',
        files: 'deploy/production/*.yaml',
        token,
        'commit-via': 'api',
      },
      context(),
    );
    expect(older.code, older.log).toBe(0);
    expect(older.outputs.changed).toBe('false');
    expect(github.mutations.filter((m) => m.name === 'createCommitOnBranch')).toHaveLength(2);
  });

  it('commit-via api is refused with mode pull-request, before anything is cloned', async () => {
    const result = await run(
      { repository: '/nonexistent', tag: '1.0.0', token, 'commit-via': 'api', mode: 'pull-request' },
      context(),
    );
    expect(result.code).toBe(2);
    expect(result.log).toContain("Input 'commit-via'");
  });
});

// ---------------------------------------------------------------------------------------------------
// Bad input: non-zero exit, one clear message, nothing pushed

describe('failures leave the remote untouched', () => {
  it('malformed YAML in a target file: names file and line', async () => {
    const bare = await bareRepo(MY_APP);
    await commitElsewhere(bare, 'deploy/production/broken.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    const head = await git(bare, 'rev-parse', 'main');
    const result = await run({
      repository: bare,
      tag: '1735689700-abcdef1',
      files: 'deploy/production/*.yaml',
    });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/error: deploy\/production\/broken\.yaml:3:\d+: invalid YAML/);
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('no match for the image: lists the files searched', async () => {
    const bare = await bareRepo(MY_APP);
    const head = await git(bare, 'rev-parse', 'main');
    const result = await run({
      repository: bare,
      image: 'reg.io/unknown',
      tag: '1.0.0',
      files: 'deploy/production/*.yaml',
    });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /error: No tag for image 'reg\.io\/unknown' found \(strategy auto: setters, helmrelease, kustomize\) in 2 file\(s\) searched: deploy\/production\/helmrelease-patch\.yaml, deploy\/production\/kustomization\.yaml/,
    );
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('unreachable remotes', async () => {
    const missing = await run({ repository: join(dir, 'nope.git'), tag: '1.0.0' });
    expect(missing.code).toBe(1);
    expect(missing.log).toMatch(/error: Cannot clone file:\/\/.*nope\.git: fatal: .*/);
    const port = await freePort();
    const closed = await run({ repository: `http://127.0.0.1:${port}/acme/gitops.git`, tag: '1.0.0' });
    expect(closed.code).toBe(1);
    expect(closed.log).toMatch(
      /error: Cannot clone http:\/\/127\.0\.0\.1:\d+\/acme\/gitops\.git: fatal: unable to access/,
    );
  });

  it('an https remote gets the token as a header for its origin only, never in the URL, argv or log', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(403).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const token = 'ghp_header-only-token-0123456789';
    try {
      const result = await run({
        repository: `http://127.0.0.1:${port}/acme/gitops.git`,
        tag: '1.0.0',
        token,
      });
      expect(result.code).toBe(1);
      expect(result.log).toMatch(/Cannot clone .*403/);
      expect(result.log).not.toContain(token);
      expect(seen[0]?.authorization).toBe(
        `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
      );
    } finally {
      server.close();
    }
  });

  it('a tag with illegal characters is refused before anything is fetched', async () => {
    const bare = await bareRepo(SEPARATE);
    const head = await git(bare, 'rev-parse', 'main');
    const result = await run({
      repository: bare,
      tag: 'v1.0/evil tag',
      files: 'apps/dev/kustomization.yaml',
    });
    expect(result.code).toBe(2); // bad input
    expect(result.log).toMatch(/error: Input 'tag': 'v1\.0\/evil tag' is not a valid OCI tag/);
    expect(result.log).not.toMatch(/Clone/);
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('a push the server declines (hook) is reported at once, not retried', async () => {
    const bare = await bareRepo(SEPARATE);
    writeFileSync(join(bare, 'hooks', 'pre-receive'), '#!/bin/sh\necho "protected branch" >&2\nexit 1\n', {
      mode: 0o755,
    });
    const head = await git(bare, 'rev-parse', 'main');
    const result = await run({
      repository: bare,
      tag: '1736000000-aaaaaaa',
      files: 'apps/dev/kustomization.yaml',
    });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /error: Gave up pushing to 'main' of .*: \[remote rejected\] \(pre-receive hook declined\)/,
    );
    expect(result.log).not.toMatch(/retrying/);
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  it('a branch that does not exist', async () => {
    const bare = await bareRepo(SEPARATE);
    const result = await run({ repository: bare, tag: '1.0.0', branch: 'nope' });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/error: Branch 'nope' does not exist in file:\/\//);
  });
});

it('keeps the e2e fixtures as published', () => {
  expect(readFileSync(join(MY_APP, 'deploy/production/helmrelease-patch.yaml'), 'utf8')).toContain(SEED_TAG);
});

describe('default commit author on each face', () => {
  const ident = (bare: string) => git(bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main');
  const bumpOf = (bare: string, tag: string) => ({
    repository: bare,
    tag,
    files: 'deploy/production/*.yaml',
  });

  it('GitHub: the github-actions[bot] identity (the default the action.yml carries too)', async () => {
    const bare = await bareRepo(MY_APP);
    const result = await run(bumpOf(bare, '1735689800-aaaaaaa'), { platform: 'github' });
    expect(result.code, result.log).toBe(0);
    const bot = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>';
    expect(await ident(bare)).toBe(`${bot}|${bot}`);
    const actionYml = readFileSync(join(ROOT, 'bump-gitops-tag/action.yml'), 'utf8');
    expect(actionYml).toContain('default: github-actions[bot]\n');
    expect(actionYml).toContain('default: 41898282+github-actions[bot]@users.noreply.github.com\n');
  });

  it("GitLab: the token's user as GET /user tells; with the job token, the documented default", async () => {
    const server = createServer((req, res) => {
      const ok = req.url === '/api/v4/user' && req.headers['private-token'] === 'glpat-project-bot-token';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          ok
            ? {
                id: 42,
                username: 'project_7_bot_1a2b',
                name: 'deploy-bot',
                bot: true,
                commit_email: 'project_7_bot_1a2b@noreply.gitlab.example',
              }
            : { message: '401 Unauthorized' },
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
    try {
      const gitlab = {
        platform: 'gitlab' as const,
        apiUrl,
        serverUrl: 'https://gitlab.example',
        token: 'job-token-123',
      };
      const bare = await bareRepo(MY_APP);
      const withToken = await run(
        { ...bumpOf(bare, '1735689800-aaaaaaa'), token: 'glpat-project-bot-token' },
        gitlab,
      );
      expect(withToken.code, withToken.log).toBe(0);
      expect(await ident(bare)).toMatch(/^deploy-bot <project_7_bot_1a2b@noreply\.gitlab\.example>\|/);

      const jobOnly = await run(bumpOf(bare, '1735689900-bbbbbbb'), gitlab);
      expect(jobOnly.code, jobOnly.log).toBe(0);
      expect(await ident(bare)).toMatch(/^GitLab CI <gitlab-ci@noreply\.gitlab\.example>\|/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("CLI: git's configured user; none configured is a clear input error and nothing is pushed", async () => {
    const bare = await bareRepo(MY_APP);
    const before = await git(bare, 'rev-parse', 'main');
    const saved = process.env.GIT_CONFIG_COUNT;
    process.env.GIT_CONFIG_COUNT = '0';
    try {
      const result = await run(bumpOf(bare, '1735689800-aaaaaaa'));
      expect(result.code).toBe(2);
      expect(result.log).toContain(
        "Input 'author-name': is not given and git has no user.name/user.email configured",
      );
    } finally {
      process.env.GIT_CONFIG_COUNT = saved;
    }
    expect(await git(bare, 'rev-parse', 'main')).toBe(before);
    const given = await run({
      ...bumpOf(bare, '1735689800-aaaaaaa'),
      'author-name': 'Ops',
      'author-email': 'ops@corp.example',
    });
    expect(given.code, given.log).toBe(0);
    expect(await ident(bare)).toBe('Ops <ops@corp.example>|Ops <ops@corp.example>');
  });
});
