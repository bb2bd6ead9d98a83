import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { definition, run } from '../../../actions/package-push-chart/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import type { Inputs } from '../../../src/definition.ts';
import { firstFailure } from '../../harness/action-run.ts';

const HELLO = join(import.meta.dirname, '../../fixtures/charts/hello');
const root = mkdtempSync(join(tmpdir(), 'ga-ppc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type ChartInputs = Inputs<typeof definition>;

let counter = 0;
function workspace(charts: string[], extra: (dir: string) => void = () => {}): string {
  const dir = join(root, String(counter++));
  mkdirSync(join(dir, 'charts'), { recursive: true });
  for (const name of charts) cpSync(HELLO, join(dir, 'charts', name), { recursive: true });
  extra(dir);
  return dir;
}

/** Runs the action up to its first network call; registry inputs are left empty on purpose. */
async function failure(dir: string, inputs: Partial<ChartInputs>): Promise<Error> {
  const error = await firstFailure({ definition, run }, inputs, dir);
  if (!error) throw new Error('expected a failure');
  return error;
}

describe('package-push-chart inputs (checked before any network call)', () => {
  it('defaults to the single chart in charts/: several charts is an error listing them', async () => {
    const error = await failure(workspace(['api', 'web']), {});
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "Input 'chart': not set, and charts/ holds several charts (charts/api, charts/web). Set chart to one of them",
    );
  });

  it('no chart in charts/ is an error naming the folders seen', async () => {
    const error = await failure(
      workspace([], (dir) => mkdirSync(join(dir, 'charts', 'notes'))),
      {},
    );
    expect(error.message).toBe(
      "Input 'chart': not set, and there is no chart folder in charts/; folders without Chart.yaml: charts/notes. Set chart to the chart's folder",
    );
  });

  it('the single chart is found, then the registry inputs are what is missing', async () => {
    const saved = { region: process.env.AWS_REGION, fallback: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const error = await failure(workspace(['hello']), {});
      expect(error.message).toMatch(/^Input 'aws-region': is required for ECR/);
    } finally {
      if (saved.region !== undefined) process.env.AWS_REGION = saved.region;
      if (saved.fallback !== undefined) process.env.AWS_DEFAULT_REGION = saved.fallback;
    }
  });

  it('a chart outside the workspace, also through a symlink, is an input error', async () => {
    const dir = workspace(['hello'], (d) => symlinkSync(HELLO, join(d, 'linked')));
    expect((await failure(dir, { chart: '../x' })).message).toMatch(
      /^Input 'chart': \.\.\/x is outside the workspace/,
    );
    expect((await failure(dir, { chart: '/etc' })).message).toMatch(
      /^Input 'chart': \/etc is outside the workspace/,
    );
    expect((await failure(dir, { chart: 'linked' })).message).toMatch(
      /^Input 'chart': linked leads outside the workspace/,
    );
    expect((await failure(dir, { chart: 'charts/nope' })).message).toMatch(
      /^Input 'chart': charts\/nope does not exist/,
    );
    expect((await failure(dir, { chart: 'charts' })).message).toBe("Input 'chart': charts has no Chart.yaml");
  });

  it.each([
    [
      'version',
      { version: 'v1.2.3' },
      /^Input 'version': 'v1\.2\.3' is not a strict semantic version .*write 1\.2\.3/,
    ],
    ['namespace', { namespace: 'oci://ghcr.io/org' }, /^Input 'namespace': .*without scheme or host/],
    ['app-version', { 'app-version': 'a\nb' }, /^Input 'app-version': must be one line/],
  ])('%s is validated', async (_name, inputs, message) => {
    expect((await failure(workspace(['hello']), inputs)).message).toMatch(message);
  });

  it('a broken chart fails naming the file, before any registry call', async () => {
    const error = await failure(workspace(['hello']), {
      chart: 'charts/hello',
      version: '',
      'app-version': '',
    });
    expect(error.message).toMatch(/Input 'aws-region'/); // sanity: the fixture itself is fine
    const broken = workspace(['hello'], (dir) =>
      cpSync(join(HELLO, 'Chart.yaml'), join(dir, 'charts/hello/charts/common/Chart.yaml')),
    );
    expect((await failure(broken, {})).message).toMatch(
      /^charts\/hello\/Chart\.yaml: dependencies missing from charts\/hello\/charts\/: common \(vendored: hello\)/,
    );
  });
});
