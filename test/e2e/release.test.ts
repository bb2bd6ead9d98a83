/**
 * The release workflow's own steps, run as the runner runs them against a local bare remote, with
 * `npm` and `gh` shims that record what would be published. A stable tag publishes `latest` and
 * moves the floating major tag; a prerelease publishes `next` and moves nothing; a tag that does not
 * match package.json publishes nothing.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { runWorkflowJob, type WorkflowRunResult } from '../harness/workflow.ts';

const root = resolve(import.meta.dirname, '../..');
let dir: string;
let origin: string;
let work: string;
let shims: string;
let npmLog: string;
let ghLog: string;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'maintainer',
  GIT_AUTHOR_EMAIL: 'maintainer@example.com',
  GIT_COMMITTER_NAME: 'maintainer',
  GIT_COMMITTER_EMAIL: 'maintainer@example.com',
};
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', args, { cwd, env: gitEnv })).stdout.trim();

/** A commit that releases `version` (package.json and its CHANGELOG section), tagged `v<version>` and pushed. */
async function release(version: string, packageVersion = version): Promise<string> {
  writeFileSync(
    join(work, 'package.json'),
    `${JSON.stringify({ name: 'golden-actions', version: packageVersion })}\n`,
  );
  writeFileSync(
    join(work, 'CHANGELOG.md'),
    `# Changelog\n\n## [${packageVersion}]\n\n- Release ${packageVersion}.\n`,
  );
  await git(work, 'add', '-A');
  await git(work, 'commit', '-q', '-m', `Release ${version}`);
  await git(work, 'tag', '-a', `v${version}`, '-m', `golden-actions ${version}`);
  await git(work, 'push', '-q', 'origin', 'HEAD:main', `refs/tags/v${version}`);
  return git(work, 'rev-parse', 'HEAD');
}

async function runRelease(tag: string, sha: string): Promise<WorkflowRunResult> {
  writeFileSync(npmLog, '');
  writeFileSync(ghLog, '');
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  return runWorkflowJob({
    file: join(work, '.github/workflows/release.yml'),
    cwd: work,
    github: { ref: `refs/tags/${tag}`, ref_name: tag, sha, event_name: 'push', token: 'ghs_test' },
    secrets: { NPM_TOKEN: 'npm_test_token' },
    env: {
      PATH: `${shims}:${process.env.PATH}`,
      HOME: process.env.HOME,
      GITHUB_REF_NAME: tag,
      GITHUB_SHA: sha,
      RUNNER_TEMP: runnerTemp,
      ...Object.fromEntries(Object.entries(gitEnv).filter(([key]) => key.startsWith('GIT_'))),
    },
    // checkout and setup-node: the clone is already at the tag, and node is on PATH.
    uses: async () => ({ code: 0, outputs: {}, stdout: '', stderr: '' }),
  });
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const remoteTag = (name: string) =>
  git(origin, 'rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`).catch(() => '');

beforeAll(async () => {
  dir = makeTempDir('ga-release');
  origin = join(dir, 'origin.git');
  work = join(dir, 'work');
  shims = join(dir, 'bin');
  npmLog = join(dir, 'npm.log');
  ghLog = join(dir, 'gh.log');
  await exec('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await exec('git', ['clone', '-q', origin, work], { env: gitEnv });
  for (const file of [
    '.github/workflows/release.yml',
    'scripts/release-channel.sh',
    'scripts/release-notes.sh',
  ]) {
    mkdirSync(join(work, file, '..'), { recursive: true });
    copyFileSync(join(root, file), join(work, file));
  }
  mkdirSync(shims);
  // npm: `ci` and `run build` leave the tree as committed (the build's freshness is CI's own check);
  // `publish` is recorded with the dist-tag and whether the token reached it.
  writeFileSync(
    join(shims, 'npm'),
    `#!/bin/sh\n[ "$1" = publish ] && printf '%s token=%s\\n' "$*" "\${NODE_AUTH_TOKEN:+set}" >> '${npmLog}'\nexit 0\n`,
  );
  writeFileSync(join(shims, 'gh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${ghLog}'\n`);
  for (const shim of ['npm', 'gh']) chmodSync(join(shims, shim), 0o755);
  // The first release, with its floating major tag, as a previous run left them.
  const first = await release('1.0.0');
  await git(work, 'tag', 'v1', first);
  await git(work, 'push', '-q', 'origin', 'refs/tags/v1');
});

afterAll(() => {
  if (dir) removeDir(dir);
});

describe('release workflow', () => {
  it('v1.1.0: publishes latest with provenance, moves v1 to the release, makes the latest GitHub release', async () => {
    const sha = await release('1.1.0');
    const run = await runRelease('v1.1.0', sha);
    expect(run.ok, JSON.stringify(run.steps, null, 2)).toBe(true);
    expect(run.outputs.channel).toMatchObject({
      'dist-tag': 'latest',
      'move-major': 'true',
      prerelease: 'false',
    });
    expect(lines(npmLog)).toEqual(['publish --provenance --access public --tag latest token=set']);
    expect(await remoteTag('v1')).toBe(sha);
    const [gh] = lines(ghLog);
    expect(gh).toMatch(/^release create v1\.1\.0 --verify-tag /);
    expect(gh).toContain('--prerelease=false --latest=true');
  });

  it('v1.2.0-rc.1: publishes next, leaves v1 where it was, makes a prerelease', async () => {
    const before = await remoteTag('v1');
    const sha = await release('1.2.0-rc.1');
    const run = await runRelease('v1.2.0-rc.1', sha);
    expect(run.ok, JSON.stringify(run.steps, null, 2)).toBe(true);
    expect(lines(npmLog)).toEqual(['publish --provenance --access public --tag next token=set']);
    expect(run.steps.find((s) => s.key === 'Move the floating major tag')?.skipped).toBe(true);
    expect(await remoteTag('v1')).toBe(before);
    expect(lines(ghLog)[0]).toContain('--prerelease=true --latest=false');
  });

  it('v1.0.1 after v1.1.0: a maintenance patch takes neither latest nor v1', async () => {
    const before = await remoteTag('v1');
    const sha = await release('1.0.1');
    const run = await runRelease('v1.0.1', sha);
    expect(run.ok, JSON.stringify(run.steps, null, 2)).toBe(true);
    expect(lines(npmLog)).toEqual(['publish --provenance --access public --tag maintenance token=set']);
    expect(await remoteTag('v1')).toBe(before);
    expect(lines(ghLog)[0]).toContain('--prerelease=false --latest=false');
  });

  it('a tag that package.json does not carry publishes nothing and moves nothing', async () => {
    const before = await remoteTag('v1');
    const sha = await release('1.3.0', '1.2.9');
    const run = await runRelease('v1.3.0', sha);
    expect(run.ok).toBe(false);
    expect(run.steps.filter((s) => !s.skipped).map((s) => s.key)).toEqual([
      'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
      'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020',
      'The tag, package.json, CHANGELOG.md and dist/ agree',
    ]);
    expect(lines(npmLog)).toEqual([]);
    expect(lines(ghLog)).toEqual([]);
    expect(await remoteTag('v1')).toBe(before);
  });
});

describe('scripts/release-channel.sh', () => {
  it.each([['v1.2'], ['1.2.3'], ['v1.2.3.4'], ['v01.2.3'], ['v1.2.3-']])('refuses %s', async (tag) => {
    const result = await exec('bash', [join(root, 'scripts/release-channel.sh'), tag], {
      cwd: work,
      allowFailure: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`'${tag}' is not a release tag`);
  });
});
