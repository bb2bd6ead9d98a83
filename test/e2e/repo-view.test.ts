/** The loop guard's view of a checkout, read from git's index with the real git. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoView } from '../../src/core/loop-guard/repo-view.ts';
import { RepoGit } from '../../src/core/paths/git.ts';

describe("the loop guard's view of a checkout", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ga-view-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

  it('lists the YAML files of the index by themselves, and every indexed file when asked', async () => {
    const git = new RepoGit(scratch, env);
    await git.run(['init', '-q', '-b', 'main']);
    const tracked = [
      '.github/workflows/ci.yml',
      'deploy/Kustomization',
      'deploy/app.YAML',
      'deploy/notKustomization',
      'deploy/values.yaml.tpl',
      'src/main.ts',
      'wörk.yml',
    ];
    for (const path of [...tracked, 'untracked.yaml']) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), 'a: 1\n');
    }
    await git.run(['add', '--', ...tracked]);

    const view = await repoView(git, 'main');
    expect(await view.yamlFiles()).toEqual([
      '.github/workflows/ci.yml',
      'deploy/Kustomization',
      'deploy/app.YAML',
      'wörk.yml',
    ]);
    expect(await view.files()).toEqual(tracked);
    expect(await view.read('deploy/app.YAML')).toBe('a: 1\n');
    expect(view.defaultBranch).toBe('main');
  });

  it('walks the folder when it is no git checkout', async () => {
    const plain = join(scratch, 'plain');
    mkdirSync(join(plain, 'k8s'), { recursive: true });
    writeFileSync(join(plain, 'k8s', 'app.yaml'), 'a: 1\n');
    writeFileSync(join(plain, 'README.md'), '# x\n');
    const view = await repoView(new RepoGit(plain, { ...env, GIT_CEILING_DIRECTORIES: scratch }));
    expect(await view.yamlFiles()).toEqual(['k8s/app.yaml']);
    expect([...(await view.files())].sort()).toEqual(['README.md', 'k8s/app.yaml']);
  });
});
