import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitOpsClone } from '../../src/core/gitops/git.ts';
import { tidyMessage } from '../../src/core/gitops/tree.ts';
import { RecordingLogger } from '../harness/logger.ts';
import { makeTempDir } from '../harness/process.ts';

const ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_DATE: '@1764000000 +0000',
  GIT_COMMITTER_DATE: '@1764000000 +0000',
};
const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd, env: ENV, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

// `git commit -F` cleans a message it does not edit the way `git stripspace` does.
it.each([
  'chore(deploy): update app to 1.2.3\n\nGitOps-Bump: app:1.2.3',
  '\n\n  subject  \n\n\n\nbody line   \n\t\n# not a comment here\n\n',
  'one line',
  'trailing tabs\t\t\n\n\ntrailer: x\n\n',
])('the commit message %j is tidied as git stripspace does', (message) => {
  expect(tidyMessage(message)).toBe(git('.', ['stripspace'], message));
});

/**
 * A bare repository with the edited folders, files beside them, a symlink, an executable and many
 * other folders; a tree-less clone of it must read what a cone-mode sparse checkout holds and write
 * the commit `git commit` would write, without fetching the other folders.
 */
describe('a tree-less clone read and written through the object store', () => {
  let dir: string;
  let bare: string;
  const files: Record<string, string> = {
    'kustomization.yaml': 'resources: [clusters]\n',
    'README.md': 'readme\n',
    'clusters/flux.yaml': 'kind: Kustomization\n',
    'clusters/prod/apps/app.yaml': 'image: app:1.0.0\n',
    'clusters/prod/apps/deep/more.yaml': 'image: app:1.0.0\n',
    'clusters/prod/policy.yaml': 'kind: ImagePolicy\n',
    'clusters/staging/app.yaml': 'image: app:0.9.0\n',
    'tools/run.sh': '#!/bin/sh\n',
  };
  for (let i = 0; i < 30; i++) files[`tenants/team${i}/app/config.yaml`] = `name: app${i}\n`;

  beforeAll(() => {
    dir = makeTempDir('tree-test');
    const work = join(dir, 'work');
    mkdirSync(work);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    chmodSync(join(work, 'tools/run.sh'), 0o755);
    symlinkSync('app.yaml', join(work, 'clusters/prod/apps/link.yaml'));
    git(work, ['init', '-q', '-b', 'main']);
    git(work, ['add', '-A']);
    git(work, ['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-q', '-m', 'seed']);
    bare = join(dir, 'remote.git');
    git(dir, ['clone', '-q', '--bare', work, bare]);
    git(bare, ['config', 'uploadpack.allowFilter', 'true']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const clone = (name: string, sparse?: string[]) =>
    GitOpsClone.clone({
      url: pathToFileURL(bare).href,
      dir: join(dir, name),
      sparse,
      env: ENV,
      logger: new RecordingLogger(),
      display: 'remote',
    });

  it('lists what a cone-mode sparse checkout holds (regular files only) and fetches no other folder', async () => {
    const repo = await clone('cone', ['clusters/prod']);
    const snapshot = await repo.snapshot(repo.head);
    const sparse = join(dir, 'sparse');
    git(dir, ['clone', '-q', '--no-checkout', bare, sparse]);
    git(sparse, ['sparse-checkout', 'set', '--cone', '--sparse-index', 'clusters/prod']);
    git(sparse, ['checkout', '-q', 'main']);
    const regular = git(sparse, ['ls-files', '--sparse', '-s', '-z'])
      .split('\0')
      .filter((e) => /^100(644|755) /.test(e))
      .map((e) => e.slice(e.indexOf('\t') + 1));
    expect(snapshot.files.map((f) => f.path).sort()).toEqual(regular.sort());
    expect(snapshot.files.map((f) => f.path)).not.toContain('clusters/prod/apps/link.yaml');
    // Objects never fetched show as missing ('?'); reading them would have fetched them.
    const missing = git(join(dir, 'cone'), ['rev-list', '--objects', '--missing=print', repo.head]);
    const tenants = git(bare, ['rev-parse', 'main:tenants', 'main:clusters/staging']).trim().split('\n');
    for (const oid of tenants) expect(missing).toContain(`?${oid}`);
  });

  it('writes the tree and message `git commit` writes: modes, symlink and untouched folders kept', async () => {
    const repo = await clone('write', ['clusters/prod']);
    const snapshot = await repo.snapshot(repo.head);
    const texts = await repo.readBlobs(snapshot.files.map((f) => f.oid));
    const byPath = new Map(snapshot.files.map((f) => [f.path, texts.get(f.oid)!]));
    expect(byPath.get('clusters/prod/apps/deep/more.yaml')).toBe('image: app:1.0.0\n');
    const changes = new Map([
      ['clusters/prod/apps/app.yaml', 'image: app:2.0.0 # é\n'],
      ['clusters/prod/apps/deep/more.yaml', 'image: app:2.0.0\n'],
      ['kustomization.yaml', 'resources: [clusters] # bumped\n'],
    ]);
    const message = 'chore: bump\n\n\nGitOps-Bump: app:2.0.0  \n';
    const commit = await repo.commit(snapshot, changes, message, { name: 'Bot', email: 'bot@x' });

    const full = join(dir, 'full');
    git(dir, ['clone', '-q', bare, full]);
    for (const [path, text] of changes) writeFileSync(join(full, path), text);
    git(full, ['-c', 'user.name=Bot', '-c', 'user.email=bot@x', 'commit', '-q', '-a', '-F', '-'], message);
    const written = git(join(dir, 'write'), ['cat-file', 'commit', commit]);
    const expected = git(full, ['cat-file', 'commit', 'HEAD']);
    // Same tree, parent, author, committer and message: the same commit id.
    expect(written).toBe(expected);
    expect(commit).toBe(git(full, ['rev-parse', 'HEAD']).trim());
  });

  it('a full clone (no cone) lists every regular file and commits the same way', async () => {
    const repo = await clone('whole');
    const snapshot = await repo.snapshot(repo.head);
    expect(snapshot.files.map((f) => f.path).sort()).toEqual(Object.keys(files).sort());
    const changes = new Map([['tenants/team7/app/config.yaml', 'name: seven\n']]);
    const commit = await repo.commit(snapshot, changes, 'edit', { name: 'Bot', email: 'bot@x' });
    const diff = git(join(dir, 'whole'), ['diff-tree', '-r', '--name-only', '--no-commit-id', commit]);
    expect(diff).toBe('tenants/team7/app/config.yaml\n');
    expect(git(join(dir, 'whole'), ['ls-tree', commit, 'tools/run.sh'])).toMatch(/^100755 /);
  });
});
