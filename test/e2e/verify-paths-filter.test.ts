/**
 * verify-paths-filter end to end on real git repositories: bare remotes, shallow clones, new and
 * force-pushed branches, 100,000 changed files, the loop guard through the real CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as action from '../../actions/verify-paths-filter/index.ts';
import { type RunContext, ZERO_SHA } from '../../src/core/context.ts';
import type { ActionModule } from '../../src/definition.ts';
import { CliPlatform } from '../../src/platform/cli.ts';
import { runAction } from '../../src/runner.ts';
import { withRefusingGitServer } from '../harness/git-server.ts';
import { runAsGitHub } from '../harness/github-runner.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'vpf-e2e-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function git(cwd: string, args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    input,
    env: { ...GIT_ENV, ...env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  }).trim();
}

let counter = 0;
function fresh(name: string): string {
  const dir = join(scratch, `${name}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A bare "origin" and a working clone of it on branch main. */
function origin(): { remote: string; work: string } {
  const remote = fresh('origin.git');
  git(remote, ['init', '-q', '--bare', '-b', 'main']);
  const work = fresh('work');
  git(work, ['init', '-q', '-b', 'main']);
  git(work, ['remote', 'add', 'origin', remote]);
  return { remote, work };
}

/** Writes files (null deletes) and commits them; returns the new SHA. */
function commit(repo: string, files: Record<string, string | null>, message = 'change'): string {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) git(repo, ['rm', '-q', '--', path]);
    else {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), content);
      git(repo, ['add', '--', path]);
    }
  }
  git(repo, ['commit', '-q', '-m', message]);
  return git(repo, ['rev-parse', 'HEAD']);
}

/** `count` commits on top of `parent` in one `git fast-import` (each adds `<prefix>/<i>.txt`). */
function manyCommits(repo: string, branch: string, parent: string, count: number, prefix: string): string {
  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let i = 0; i < count; i++) {
    chunks.push(
      `commit refs/heads/${branch}\nmark :${i + 1}\ncommitter Test <test@example.com> ${1_700_000_000 + i} +0000\n`,
    );
    chunks.push(data(`${prefix} ${i}`));
    chunks.push(i === 0 ? `from ${parent}\n` : `from :${i}\n`);
    chunks.push(`M 100644 inline ${prefix}/${i}.txt\n${data(String(i))}`);
  }
  git(repo, ['fast-import', '--quiet', '--force'], chunks.join(''));
  return git(repo, ['rev-parse', `refs/heads/${branch}`]);
}

function shallowClone(remote: string, branch: string): string {
  const dir = fresh('clone');
  git(scratch, ['clone', '-q', '--depth', '1', '--branch', branch, `file://${remote}`, dir]);
  return dir;
}

interface Result {
  code: number;
  outputs: Record<string, string>;
  log: string;
  summary: string;
}

class TestPlatform extends CliPlatform {
  constructor(
    private readonly ctx: Partial<RunContext> & { workspace: string },
    flags: Record<string, string>,
    private readonly sink: { out: string; err: string; summary: string },
  ) {
    super({
      flags: new Map(Object.entries(flags)),
      json: true,
      env: {},
      stdout: (text) => {
        sink.out += text;
      },
      stderr: (text) => {
        sink.err += text;
      },
    });
  }

  override async context(): Promise<RunContext> {
    const sha = this.ctx.sha ?? git(this.ctx.workspace, ['rev-parse', 'HEAD']);
    return {
      platform: 'cli',
      tempDir: mkdtempSync(join(scratch, 'tmp-')),
      sha,
      ref: 'refs/heads/main',
      event: 'push',
      ...this.ctx,
    };
  }

  /** The job summary, which a terminal does not get. */
  override summary(markdown: string): void {
    this.sink.summary += markdown;
  }

  /** The outputs as text, as GitHub and GitLab steps read them (the CLI's --json would type them). */
  override async finish(): Promise<void> {
    const raw = Object.fromEntries([...this.outputs].map(([name, { value }]) => [name, value]));
    (this.options.stdout ?? (() => {}))(JSON.stringify(raw));
    this.outputs.clear();
  }
}

async function run(
  ctx: Partial<RunContext> & { workspace: string },
  flags: Record<string, string>,
): Promise<Result> {
  const sink = { out: '', err: '', summary: '' };
  const code = await runAction(action as unknown as ActionModule, new TestPlatform(ctx, flags, sink));
  return {
    code,
    outputs: sink.out ? (JSON.parse(sink.out) as Record<string, string>) : {},
    log: sink.err,
    summary: sink.summary,
  };
}

const FILTERS = ["app: 'app/**'", "lib: 'lib/**'", "docs: 'docs/**'", "old: 'old/**'", "new: 'new/**'"].join(
  '\n',
);

describe('100,000 changed files: complete outputs, no cap', () => {
  it('lists every file, odd names included, for both dialects', async () => {
    const { work } = origin();
    const baseSha = commit(work, { 'README.md': 'hi\n' });
    const paths: string[] = [];
    for (let i = 0; paths.length < 99_994; i++) paths.push(`dir${i % 100}/sub${i % 7}/file-${i}.txt`);
    paths.push(
      'odd/with space.txt',
      'odd/quote"d.txt',
      'odd/new\nline.txt',
      'odd/ünïcødé.txt',
      'odd/tab\there.txt',
      '.hidden/x.txt',
    );
    // One blob, 100,000 index entries, one tree: seconds instead of minutes.
    const started = Date.now();
    const blob = git(work, ['hash-object', '-w', '--stdin'], 'x\n');
    const env = { GIT_INDEX_FILE: join(work, '.git', 'big-index') };
    git(work, ['read-tree', baseSha], undefined, env);
    git(
      work,
      ['update-index', '-z', '--index-info'],
      paths.map((p) => `100644 blob ${blob}\t${p}\0`).join(''),
      env,
    );
    const tree = git(work, ['write-tree'], undefined, env);
    const bigSha = git(work, ['commit-tree', tree, '-p', baseSha, '-m', '100k files']);
    git(work, ['update-ref', 'refs/heads/main', bigSha]);
    const built = Date.now() - started;

    const filters = [
      "all: '**'",
      "dir7: 'dir7/**'",
      "txt-not-sub3: ['**/*.txt', '!**/sub3/**']",
      "odd: 'odd/**'",
      "hidden: '.hidden/**'",
      "readme: 'README.md'",
    ].join('\n');
    const t0 = Date.now();
    const result = await run({ workspace: work, sha: bigSha, before: baseSha }, { filters });
    const picomatchMs = Date.now() - t0;
    expect(result.log).not.toMatch(/error:/);
    expect(result.code).toBe(0);
    const { outputs } = result;
    expect(outputs['all-count']).toBe('100000');
    const all = JSON.parse(outputs['all-files']!) as string[];
    expect(all).toHaveLength(100_000);
    expect(new Set(all)).toEqual(new Set(paths));
    expect(outputs['dir7-count']).toBe(String(paths.filter((p) => p.startsWith('dir7/')).length));
    const txt = paths.filter((p) => p.endsWith('.txt') && !p.includes('/sub3/'));
    expect(JSON.parse(outputs['txt-not-sub3-files']!)).toHaveLength(txt.length);
    expect(JSON.parse(outputs['odd-files']!).sort()).toEqual(
      paths.filter((p) => p.startsWith('odd/')).sort(),
    );
    expect(outputs.hidden).toBe('true');
    expect(outputs.readme).toBe('false');
    expect(JSON.parse(outputs.changes!)).toEqual(['all', 'dir7', 'txt-not-sub3', 'odd', 'hidden']);
    expect(outputs['base-sha']).toBe(baseSha);

    // GitLab's dialect: `dir7/**` is one level (nothing sits directly in dir7/), `dir7/**/*` is all.
    const t1 = Date.now();
    const gitlab = await run(
      { workspace: work, sha: bigSha, before: baseSha },
      { filters: "one: 'dir7/**'\ndeep: 'dir7/**/*'", dialect: 'gitlab' },
    );
    const gitlabMs = Date.now() - t1;
    expect(gitlab.code).toBe(0);
    expect(gitlab.outputs['one-count']).toBe('0');
    expect(gitlab.outputs['deep-count']).toBe(outputs['dir7-count']);
    expect(gitlab.summary).toContain('matches differently under the `picomatch` dialect');
    // The hint compares an even sample of a big change: dir7's files are in it all the same.
    expect(gitlab.summary).toContain('(compared on a sample of 10000 of the changed files)');
    console.log(
      `100k: repo built in ${built} ms, picomatch run ${picomatchMs} ms, gitlab run ${gitlabMs} ms`,
    );
  });
});

describe('what is compared, in shallow clones', () => {
  /** main: a, lib-change after the fork; feature (from main~1): app and docs changes. */
  function forked() {
    const { remote, work } = origin();
    commit(work, { 'README.md': 'x\n', 'lib/base.txt': '1\n' });
    const fork = commit(work, { 'docs/index.md': 'docs\n' });
    git(work, ['push', '-q', 'origin', 'main']);
    git(work, ['checkout', '-q', '-b', 'feature']);
    commit(work, { 'app/main.go': 'package main\n' });
    const feature = commit(work, { 'docs/guide.md': 'guide\n' });
    git(work, ['push', '-q', 'origin', 'feature']);
    git(work, ['checkout', '-q', 'main']);
    commit(work, { 'lib/later.txt': 'main moved on\n' });
    git(work, ['push', '-q', 'origin', 'main']);
    return { remote, work, fork, feature };
  }

  it("a new branch's first push (zero before) in a depth-1 clone: merge base with the default branch", async () => {
    const { remote, fork, feature } = forked();
    const clone = shallowClone(remote, 'feature');
    const result = await run(
      { workspace: clone, sha: feature, before: ZERO_SHA, ref: 'refs/heads/feature', defaultBranch: 'main' },
      { filters: FILTERS },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ app: 'true', docs: 'true', lib: 'false', 'base-sha': fork });
    expect(JSON.parse(result.outputs['docs-files']!)).toEqual(['docs/guide.md']);
    expect(result.log).toContain('new branch: merge base with main');
  });

  it("the default branch's first push: every file of the commit counts as added", async () => {
    const { remote } = forked();
    const clone = shallowClone(remote, 'main');
    const result = await run(
      { workspace: clone, before: ZERO_SHA, ref: 'refs/heads/main', defaultBranch: 'main' },
      { filters: FILTERS },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ lib: 'true', docs: 'true', app: 'false', 'base-sha': '' });
    expect(JSON.parse(result.outputs['lib-files']!)).toEqual(['lib/base.txt', 'lib/later.txt']);
    expect(result.log).toContain(
      'first push of the default branch: every file of the commit counts as added',
    );
  });

  it('a push in a depth-1 clone whose before-SHA is not in the clone: fetched, then compared', async () => {
    const { remote, work } = origin();
    const before = commit(work, { 'README.md': 'x\n' });
    commit(work, { 'app/a.txt': '1\n' });
    commit(work, { 'lib/b.txt': '1\n' });
    const head = commit(work, { 'README.md': null, 'docs/c.md': '1\n' });
    git(work, ['push', '-q', 'origin', 'main']);
    const clone = shallowClone(remote, 'main');
    expect(spawnSync('git', ['cat-file', '-e', before], { cwd: clone }).status).not.toBe(0); // not in the clone
    const result = await run(
      { workspace: clone, sha: head, before },
      { filters: `${FILTERS}\nreadme: [{deleted: README.md}]` },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({
      app: 'true',
      lib: 'true',
      docs: 'true',
      readme: 'true',
      'base-sha': before,
    });
    expect(git(clone, ['rev-parse', '--is-shallow-repository'])).toBe('true');
  });

  it('a pull request in a depth-1 clone, fork point 100 commits back: deepens until the merge base', async () => {
    const { remote, work } = origin();
    const root = commit(work, { 'README.md': 'x\n' });
    const fork = manyCommits(work, 'main', root, 100, 'lib');
    const feature = manyCommits(work, 'feature', fork, 60, 'app');
    manyCommits(work, 'main', fork, 70, 'docs'); // main moves on after the fork
    git(work, ['push', '-q', 'origin', 'main', 'feature']);
    const clone = shallowClone(remote, 'feature');
    const result = await run(
      {
        workspace: clone,
        sha: feature,
        event: 'pull_request',
        ref: 'refs/merge-requests/1/head',
        baseRef: 'main',
      },
      { filters: FILTERS, 'initial-fetch-depth': '50' },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({
      app: 'true',
      'app-count': '60',
      lib: 'false',
      docs: 'false',
      'base-sha': fork,
    });
    expect(result.log).toContain('fetching 50 more commits');
  });

  it('a GitHub pull request: the test merge commit fetched alone at depth 1 (as actions/checkout does)', async () => {
    const { remote, work, feature } = forked();
    git(work, ['checkout', '-q', '--detach', 'main']);
    git(work, ['merge', '-q', '--no-ff', '-m', 'Merge feature into main', feature]);
    git(work, ['push', '-q', 'origin', 'HEAD:refs/pull/1/merge']);
    const clone = fresh('pr');
    git(clone, ['init', '-q']);
    git(clone, ['remote', 'add', 'origin', `file://${remote}`]);
    git(clone, ['fetch', '-q', '--depth', '1', 'origin', '+refs/pull/1/merge:refs/remotes/pull/1/merge']);
    git(clone, ['checkout', '-q', '--detach', 'refs/remotes/pull/1/merge']);
    const result = await run(
      {
        workspace: clone,
        event: 'pull_request',
        ref: 'refs/pull/1/merge',
        baseRef: 'main',
        defaultBranch: 'main',
      },
      { filters: FILTERS },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ app: 'true', docs: 'true', lib: 'false' });
    expect(JSON.parse(result.outputs['docs-files']!)).toEqual(['docs/guide.md']);
  });

  it('filters read from a file in the repository', async () => {
    const { work } = origin();
    commit(work, { '.github/filters.yml': "app:\n  - 'app/**'\n" });
    const head = commit(work, { 'app/a.txt': '1\n' });
    const result = await run(
      { workspace: work, sha: head, before: `${head}~1` },
      { filters: '.github/filters.yml' },
    );
    expect(result.outputs).toMatchObject({ app: 'true', 'app-count': '1' });
  });

  describe('a force-pushed branch', () => {
    function forcePushed() {
      const { remote, work } = origin();
      commit(work, { 'README.md': 'x\n' });
      git(work, ['push', '-q', 'origin', 'main']);
      git(work, ['checkout', '-q', '-b', 'feature']);
      const shared = commit(work, { 'app/shared.txt': '1\n' });
      const gone = commit(work, { 'old/y.txt': 'y\n' });
      git(work, ['push', '-q', 'origin', 'feature']);
      git(work, ['reset', '-q', '--hard', shared]);
      const head = commit(work, { 'new/z.txt': 'z\n' });
      git(work, ['push', '-q', '--force', 'origin', 'feature']);
      return { remote, gone, head };
    }

    it('before is no ancestor but still on the remote: the two trees are compared (as GitHub does)', async () => {
      const { remote, gone, head } = forcePushed();
      const clone = shallowClone(remote, 'feature');
      const result = await run(
        { workspace: clone, sha: head, before: gone, ref: 'refs/heads/feature', defaultBranch: 'main' },
        { filters: FILTERS },
      );
      expect(result.code).toBe(0);
      expect(result.outputs).toMatchObject({ old: 'true', new: 'true', app: 'false', 'base-sha': gone });
    });

    it('before is gone from the remote: says so, then compares with the default branch (never an empty list)', async () => {
      const { remote, gone, head } = forcePushed();
      git(remote, ['reflog', 'expire', '--expire=now', '--all']);
      git(remote, ['gc', '-q', '--prune=now']);
      const clone = shallowClone(remote, 'feature');
      const result = await run(
        { workspace: clone, sha: head, before: gone, ref: 'refs/heads/feature', defaultBranch: 'main' },
        { filters: FILTERS },
      );
      expect(result.code).toBe(0);
      expect(result.log).toMatch(
        /warning: The branch's previous head [0-9a-f]{7} is not in this clone and the remote no longer has it/,
      );
      expect(result.outputs).toMatchObject({ app: 'true', new: 'true', old: 'false' });
      expect(JSON.parse(result.outputs.changes!)).toEqual(['app', 'new']);
    });

    it('before is gone and this is the default branch: every file counts, with a warning', async () => {
      const { remote, gone, head } = forcePushed();
      git(remote, ['update-ref', 'refs/heads/main', head]);
      git(remote, ['update-ref', '-d', 'refs/heads/feature']);
      git(remote, ['reflog', 'expire', '--expire=now', '--all']);
      git(remote, ['gc', '-q', '--prune=now']);
      const clone = shallowClone(remote, 'main');
      const result = await run(
        { workspace: clone, sha: head, before: gone, defaultBranch: 'main' },
        { filters: FILTERS },
      );
      expect(result.code).toBe(0);
      expect(result.log).toContain('warning:');
      expect(result.outputs).toMatchObject({ app: 'true', new: 'true', 'base-sha': '' });
    });
  });

  it('a tag: changes since the previous tag', async () => {
    const { remote, work } = origin();
    commit(work, { 'README.md': 'x\n' });
    git(work, ['tag', 'v1.0.0']);
    commit(work, { 'app/a.txt': '1\n' });
    const head = commit(work, { 'docs/a.md': '1\n' });
    git(work, ['tag', 'v1.1.0']);
    git(work, ['push', '-q', 'origin', 'main', '--tags']);
    const clone = shallowClone(remote, 'v1.1.0');
    const result = await run(
      { workspace: clone, sha: head, event: 'tag', ref: 'refs/tags/v1.1.0' },
      { filters: FILTERS },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ app: 'true', docs: 'true', lib: 'false' });
    expect(result.log).toContain('tag: since the previous tag v1.0.0');
  });

  it('a schedule: every file of the commit counts', async () => {
    const { work } = origin();
    commit(work, { 'lib/a.txt': '1\n' });
    const result = await run({ workspace: work, event: 'schedule' }, { filters: FILTERS });
    expect(result.outputs).toMatchObject({ lib: 'true', app: 'false', 'base-sha': '' });
  });

  it('the base input: a branch name resolved on the remote, merge base taken', async () => {
    const { remote, fork, feature } = forked();
    const clone = shallowClone(remote, 'feature');
    const result = await run(
      { workspace: clone, sha: feature, ref: 'refs/heads/feature' },
      { filters: FILTERS, base: 'main' },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ app: 'true', lib: 'false', 'base-sha': fork });
  });
});

describe('bad input fails clearly, with a non-zero exit', () => {
  it.each([
    ['malformed filters YAML', { filters: 'app: [app/**' }, /error: Input 'filters': is not valid YAML/],
    [
      'filters naming a missing file',
      { filters: 'filters.yml' },
      /Input 'filters': 'filters.yml' is neither a YAML map of filters nor a file/,
    ],
    [
      'unknown dialect',
      { filters: "app: 'app/**'", dialect: 'bash' },
      /Input 'dialect': must be one of picomatch, gitlab \(got 'bash'\)/,
    ],
    [
      'base ref that does not exist',
      { filters: "app: 'app/**'", base: 'no-such-branch' },
      /Input 'base': 'no-such-branch' is not a commit, branch or tag in this clone or on remote 'origin'/,
    ],
    [
      'no push data on the default branch',
      { filters: "app: 'app/**'" },
      /Input 'base': nothing to compare against/,
    ],
  ])('%s', async (_title, flags, message) => {
    const { work } = origin();
    commit(work, { 'app/a.txt': '1\n' });
    git(work, ['push', '-q', 'origin', 'main']);
    const result = await run({ workspace: work, defaultBranch: 'main' }, flags);
    expect(result.code).toBe(2); // bad input, not a failed check
    expect(result.log).toMatch(message);
  });
});

describe('the loop guard through the real CLI (a pre-commit check: no base, no filters)', () => {
  const workflow = (paths: string[]) =>
    [
      'name: build',
      'on:',
      '  push:',
      '    branches: [main]',
      '    paths:',
      ...paths.map((p) => `      - '${p}'`),
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: image',
      '        uses: org/golden-actions/build-push-image@v1',
      '      - uses: org/golden-actions/bump-gitops-tag@v1',
      '        with:',
      '          token: ${{ secrets.GITOPS_TOKEN }}',
      "          commit-message: 'chore(deploy): my-app ${{ steps.image.outputs.tag }}'",
      '          tag: ${{ steps.image.outputs.tag }}',
      '',
    ].join('\n');

  function cli(cwd: string, args: string[]) {
    const result = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'src', 'cli', 'main.ts'), 'verify-paths-filter', ...args],
      {
        cwd,
        env: GIT_ENV,
        encoding: 'utf8',
      },
    );
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('fails on the widened seed workflow with file:line, passes the tight one', () => {
    const repo = fresh('precommit');
    git(repo, ['init', '-q', '-b', 'main']);
    commit(repo, {
      '.github/workflows/build.yml': workflow(['app/**', 'charts/**', 'deploy/**']),
      'deploy/prod/release.yaml': 'spec:\n  values:\n    image:\n      tag: "1"\n',
      'app/Dockerfile': 'FROM scratch\n',
    });
    const wide = cli(repo, ['--filters', '', '--json']);
    expect(wide.code).toBe(1);
    expect(wide.stderr).toMatch(
      /error: \.github\/workflows\/build\.yml:8: Build trigger .* fires on deploy\/prod\/release\.yaml/,
    );
    expect(JSON.parse(wide.stdout)).toMatchObject({ 'loop-risk': true, changes: [] });

    // Untracked edits count too (a pre-commit hook runs before the commit).
    writeFileSync(join(repo, '.github/workflows/build.yml'), workflow(['app/**', 'charts/**']));
    const tight = cli(repo, ['--filters=', '--json']);
    expect(tight.stderr).not.toMatch(/error:/);
    expect(tight.code).toBe(0);
    expect(JSON.parse(tight.stdout)).toMatchObject({ 'loop-risk': false });

    // loop-guard: false reports without failing.
    writeFileSync(join(repo, '.github/workflows/build.yml'), workflow(['deploy/**']));
    const report = cli(repo, ['--filters', '', '--loop-guard', 'false', '--json']);
    expect(report.code).toBe(0);
    expect(report.stderr).toMatch(/warning: \.github\/workflows\/build\.yml:6: /);
    expect(JSON.parse(report.stdout)).toMatchObject({ 'loop-risk': true });
  });

  it('flags a GitLab rules:changes that includes the deploy folder, with a Flux automation pushing there', () => {
    const repo = fresh('gitlab');
    git(repo, ['init', '-q', '-b', 'main']);
    commit(repo, {
      '.gitlab-ci.yml': [
        'build:',
        '  script:',
        '    - buildah bud -t my-app app',
        '  rules:',
        '    - changes:',
        '        - app/**/*',
        '        - deploy/**/*',
        '',
      ].join('\n'),
      'deploy/flux/automation.yaml': [
        'apiVersion: image.toolkit.fluxcd.io/v1beta2',
        'kind: ImageUpdateAutomation',
        'metadata: { name: my-app, namespace: flux-system }',
        'spec:',
        '  sourceRef: { kind: GitRepository, name: flux-system }',
        '  git: { push: { branch: main } }',
        '  update: { path: ./deploy }',
        '',
      ].join('\n'),
      'deploy/app/release.yaml': 'image: reg/my-app:1 # {"$imagepolicy": "flux-system:my-app"}\n',
    });
    const result = cli(repo, ['--filters', '']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: \.gitlab-ci\.yml:7: Build trigger \.gitlab-ci\.yml job 'build' fires on deploy\/app\/release\.yaml, which Flux ImageUpdateAutomation flux-system\/my-app/,
    );
  });

  const seed = join(ROOT, 'examples', 'my-app');
  it.skipIf(!existsSync(join(seed, '.github/workflows/build-and-push.yaml')))(
    "the repository's own example (examples/my-app): passes as shipped; widened to deploy/** it is flagged at the line",
    () => {
      const repo = fresh('seed');
      cpSync(seed, repo, { recursive: true });
      git(repo, ['init', '-q', '-b', 'main']);
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'seed']);
      const shipped = cli(repo, ['--filters', '', '--json']);
      expect(shipped.stderr).not.toMatch(/^(warning|error):/m);
      expect(shipped.code).toBe(0);

      const file = '.github/workflows/build-and-push.yaml';
      const lines = readFileSync(join(repo, file), 'utf8').split('\n');
      const at = lines.findIndex((line) => line.trim() === "- 'charts/**'");
      lines.splice(at + 1, 0, lines[at]!.replace('charts/**', 'deploy/**'));
      writeFileSync(join(repo, file), lines.join('\n'));
      // Its writers (Flux with [skip ci], bump with github.token and the default message) start no
      // runs: a warning at the line, no failure.
      const widened = cli(repo, ['--filters', '', '--json']);
      expect(widened.code).toBe(0);
      expect(widened.stderr).toContain(`warning: ${file}:${at + 2}: Build trigger`);
      expect(widened.stderr).toContain('Safe today only because');
      // The same with a token whose pushes start runs and a message without a skip token: a loop.
      const bumped = lines
        .join('\n')
        .replace(
          /(\n(\s+)files: deploy\/production\/\*\.yaml)/,
          "$1\n$2token: ${{ secrets.GITOPS_TOKEN }}\n$2commit-message: 'deploy my-app'",
        );
      writeFileSync(join(repo, file), bumped);
      const loop = cli(repo, ['--filters', '', '--json']);
      expect(loop.code).toBe(1);
      expect(loop.stderr).toContain(`error: ${file}:${at + 2}: Build trigger`);
      expect(JSON.parse(loop.stdout)).toMatchObject({ 'loop-risk': true });
    },
  );
});

describe('token scope (the bundle as the GitHub runner runs it)', () => {
  /** A `git` first on PATH that records its arguments and environment, then runs the real one. */
  function recordingGit(): { path: string; runs: () => { args: string; env: string }[] } {
    const bin = fresh('bin');
    const dumps = fresh('env-dumps');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const script = `#!/bin/sh\n{ echo "$*"; env; } > "${dumps}/$$"\nexec "${real}" "$@"\n`;
    writeFileSync(join(bin, 'git'), script, { mode: 0o755 });
    return {
      path: `${bin}:${process.env.PATH}`,
      runs: () =>
        readdirSync(dumps).map((name) => {
          const [args = '', ...env] = readFileSync(join(dumps, name), 'utf8').split('\n');
          return { args, env: env.join('\n') };
        }),
    };
  }

  it.each([
    ['the default GitHub token', 'ghs_0123456789abcdefghijklmnopqrstuvwxyzAB', false],
    ['a token given for that host', 'glpat-0123456789abcdef', true],
  ])('%s: sent to an origin outside GitHub = %s; never in git’s environment', async (_name, token, sent) => {
    await withRefusingGitServer('org/app.git', async (url, seen) => {
      // A push whose before-SHA the clone lacks: the action fetches it from origin.
      const work = fresh('scoped');
      git(work, ['init', '-q', '-b', 'main']);
      git(work, ['remote', 'add', 'origin', url]);
      const head = commit(work, { 'app/a.txt': '1\n' });
      const recorder = recordingGit();
      const result = await runAsGitHub(join(ROOT, 'dist/verify-paths-filter/index.js'), {
        cwd: work,
        inputs: { filters: "app: 'app/**'", token },
        env: { PATH: recorder.path, GITHUB_SHA: head },
        event: {
          ref: 'refs/heads/main',
          before: 'b'.repeat(40),
          after: head,
          repository: { full_name: 'org/app', default_branch: 'main' },
        },
      });
      expect(seen.length, result.stdout + result.stderr).toBeGreaterThan(0);
      expect(seen.some((headers) => headers.authorization !== undefined)).toBe(sent);
      expect(result.stdout.includes('Not sending the github token')).toBe(!sent);
      expect((result.stdout + result.stderr).replace(/^::add-mask::.*$/gm, '')).not.toContain(token);
      // The action's raw inputs stay out of its git's environment (the token reaches git only as a
      // header). The platform's local commit-time lookup, before the action runs, is not the action's.
      const runs = recorder.runs().filter((r) => !r.args.startsWith('-c core.quotePath=off show -s'));
      expect(runs.some((r) => / fetch /.test(r.args))).toBe(true);
      for (const { args, env } of runs) {
        expect(env.match(/^INPUT_\w*/gm) ?? [], args).toEqual([]);
        expect(env, args).not.toContain(token);
      }
    });
  });
});

describe("dorny/paths-filter's outputs and inputs (the bundle as the GitHub runner runs it)", () => {
  const filters = ["app: 'app/**'", "lib: 'lib/**'", "docs: 'docs/**'"].join('\n');
  /** main with a README, and a branch `feature` pushed for the first time with three app/lib files. */
  function newBranch() {
    const { work } = origin();
    const main = commit(work, { 'README.md': 'x\n', 'docs/a.md': 'a\n' });
    git(work, ['push', '-q', 'origin', 'main']);
    git(work, ['checkout', '-q', '-b', 'feature']);
    const head = commit(work, { 'app/with space.txt': '1\n', "app/it's.txt": '2\n', 'lib/x,y.ts': '3\n' });
    git(work, ['push', '-q', 'origin', 'feature']);
    return { work, main, head };
  }

  const runFeature = (work: string, head: string, inputs: Record<string, string>, branch = 'feature') =>
    runAsGitHub(join(ROOT, 'dist/verify-paths-filter/index.js'), {
      cwd: work,
      // `base: ${{ github.event.before }}`, as dorny's users write it: the zero SHA on a new branch.
      inputs: { filters, base: ZERO_SHA, 'loop-guard': 'false', ...inputs },
      env: { GITHUB_SHA: head, GITHUB_REF: `refs/heads/${branch}` },
      event: {
        ref: `refs/heads/${branch}`,
        before: ZERO_SHA,
        after: head,
        repository: { full_name: 'org/app', default_branch: 'main' },
      },
    });

  it.each([
    ['csv', `"app/it's.txt","app/with space.txt"`, '"lib/x,y.ts"'],
    ['shell', `"app/it's.txt" 'app/with space.txt'`, 'lib/x,y.ts'],
    ['escape', `app/it\\'s.txt app/with\\ space.txt`, 'lib/x,y.ts'],
    ['json', `["app/it's.txt","app/with space.txt"]`, '["lib/x,y.ts"]'],
  ])('list-files: %s, on a new branch with the zero SHA as base', async (format, app, lib) => {
    const { work, main, head } = newBranch();
    const result = await runFeature(work, head, { 'list-files': format });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`new branch: merge base with main (${main.slice(0, 7)})`);
    expect(result.outputs).toMatchObject({
      app: 'true',
      app_count: '2',
      app_files: app,
      lib: 'true',
      lib_count: '1',
      lib_files: lib,
      docs: 'false',
      docs_count: '0',
      docs_files: format === 'json' ? '[]' : '',
      changes: '["app","lib"]',
      'base-sha': main,
      // The names before dorny's stay, with their values.
      'app-count': '2',
      'app-files': `["app/it's.txt","app/with space.txt"]`,
    });
  });

  it('list-files: none (the default) sets no _files output', async () => {
    const { work, head } = newBranch();
    const result = await runFeature(work, head, {});
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({ app: 'true', app_count: '2', changes: '["app","lib"]' });
    expect(Object.keys(result.outputs).filter((name) => name.endsWith('_files'))).toEqual([]);
  });

  it('the zero SHA as base on the default branch: every file counts as added', async () => {
    const { work, main } = newBranch();
    git(work, ['checkout', '-q', 'main']);
    const result = await runFeature(work, main, { 'list-files': 'json' }, 'main');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'first push of the default branch: every file of the commit counts as added',
    );
    expect(result.outputs).toMatchObject({
      docs: 'true',
      docs_files: '["docs/a.md"]',
      app: 'false',
      'base-sha': '',
    });
  });

  it('predicate-quantifier: every, working-directory and ref, as dorny reads them', async () => {
    const { work, main, head } = newBranch();
    const outer = fresh('outer');
    cpSync(work, join(outer, 'repo'), { recursive: true });
    // A manual run on main asking about the branch `feature`: compared with main, where it forked.
    const result = await runAsGitHub(join(ROOT, 'dist/verify-paths-filter/index.js'), {
      cwd: outer,
      inputs: {
        filters: "spaced: ['app/**', '**/* *']",
        'predicate-quantifier': 'every',
        'working-directory': 'repo',
        ref: 'feature',
        'list-files': 'json',
        'loop-guard': 'false',
      },
      env: { GITHUB_SHA: main, GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'workflow_dispatch' },
      event: { ref: 'refs/heads/main', repository: { full_name: 'org/app', default_branch: 'main' } },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({
      spaced: 'true',
      spaced_files: '["app/with space.txt"]',
      'base-sha': main,
    });
    expect(head).not.toBe(main);
  });

  it('a bad list-files or working-directory is bad input (exit 2), naming the input', async () => {
    const { work, head } = newBranch();
    const format = await runFeature(work, head, { 'list-files': 'xml' });
    expect(format.code).toBe(2);
    expect(format.stdout + format.stderr).toMatch(/list-files/);
    const folder = await runFeature(work, head, { 'working-directory': 'nope' });
    expect(folder.code).toBe(2);
    expect(folder.stdout + folder.stderr).toContain("Input 'working-directory': 'nope' is not a folder");
  });
});
