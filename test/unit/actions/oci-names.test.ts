/**
 * Every action that takes an image or chart name judges it by the same grammar: each action is run
 * up to its first failure, and a name counts as refused when that failure names the name's input.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as buildPushImage from '../../../actions/build-push-image/index.ts';
import * as bumpGitopsTag from '../../../actions/bump-gitops-tag/index.ts';
import * as packagePushChart from '../../../actions/package-push-chart/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import { repositoryProblem } from '../../../src/core/registry/reference.ts';
import { firstFailure } from '../../harness/action-run.ts';

const HELLO = join(import.meta.dirname, '../../fixtures/charts/hello');
const root = mkdtempSync(join(tmpdir(), 'ga-names-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Whether the action accepts the name: its first failure (if any) is not about `inputs`. */
async function accepts(
  action: Parameters<typeof firstFailure>[0],
  inputs: Record<string, unknown>,
  about: string[],
  workspace = root,
): Promise<boolean> {
  const error = await firstFailure(action, inputs, workspace);
  if (error instanceof InputError) return !about.includes(error.input);
  return !(error && /'name' '.*' cannot be an OCI repository name/.test(error.message));
}

let charts = 0;
/** A workspace with the example chart renamed. */
function chartNamed(name: string): string {
  const dir = join(root, `chart-${charts++}`);
  mkdirSync(dir);
  cpSync(HELLO, join(dir, 'chart'), { recursive: true });
  const file = join(dir, 'chart', 'Chart.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: hello$/m, `name: ${name}`));
  return dir;
}

// Repository paths (no host): the part all four inputs share.
const PATHS: [string, boolean][] = [
  ['my-app', true],
  ['my--app', true],
  ['my__app', true],
  ['my_app', true],
  ['my.app', true],
  ['team/my__app', true],
  ['a/b/c', true],
  ['my_-app', false],
  ['my___app', false],
  ['-app', false],
  ['app.', false],
  ['team//app', false],
  ['team/My-App', false],
  ['my app', false],
];

describe('one verdict per repository name, whichever action reads it', () => {
  it.each(PATHS)('%s valid: %s', async (name, valid) => {
    expect(repositoryProblem(name) === undefined).toBe(valid);
    const verdicts = {
      'build-push-image repository': await accepts(buildPushImage, { repository: name, context: 'missing' }, [
        'repository',
        'images',
      ]),
      'build-push-image images': await accepts(buildPushImage, { images: [name], context: 'missing' }, [
        'repository',
        'images',
      ]),
      'bump-gitops-tag image': await accepts(
        bumpGitopsTag,
        { image: `reg.io/${name}`, tag: '1.0.0', files: [] },
        ['image'],
      ),
      'package-push-chart namespace': await accepts(
        packagePushChart,
        { chart: 'chart', namespace: name, 'registry-username': 'u' },
        ['namespace'],
        chartNamed('hello'),
      ),
    };
    expect(verdicts).toEqual({
      'build-push-image repository': valid,
      // `images` lowercases first (ghcr.io/${{ github.repository }} with an upper-case owner).
      'build-push-image images': repositoryProblem(name.toLowerCase()) === undefined,
      'bump-gitops-tag image': valid,
      'package-push-chart namespace': valid,
    });
  });

  it.each(PATHS.filter(([name]) => !name.includes('/') && !name.includes(' ')))(
    'chart name %s valid: %s',
    async (name, valid) => {
      const accepted = await accepts(
        packagePushChart,
        { chart: 'chart', 'registry-username': 'u' },
        ['namespace'],
        chartNamed(name),
      );
      expect(accepted).toBe(valid);
    },
  );
});

// Names with a registry host: build-push-image `images` and bump-gitops-tag `image`.
const HOSTED: [string, boolean][] = [
  ['ghcr.io/org/my__app', true],
  ['localhost/app', true],
  ['localhost:5000/my--app', true],
  ['127.0.0.1:5000/team/app', true],
  ['[::1]:5000/app', true],
  ['reg.io:99999/app', false],
  ['reg_io.com/app', false],
  ['-reg.io/app', false],
  ['ghcr.io/org/my_-app', false],
];

describe('one verdict per host-qualified name', () => {
  it.each(HOSTED)('%s valid: %s', async (name, valid) => {
    const images = await accepts(buildPushImage, { images: [name], context: 'missing' }, ['images']);
    const bump = await accepts(bumpGitopsTag, { image: name, tag: '1.0.0', files: [] }, ['image']);
    expect({ images, bump }).toEqual({ images: valid, bump: valid });
  });
});
