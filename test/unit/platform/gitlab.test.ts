import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActionDefinition, ActionModule } from '../../../src/definition.ts';
import { GitLabPlatform, gitlabContext } from '../../../src/platform/gitlab.ts';
import { runAction } from '../../../src/runner.ts';

const definition = {
  name: 'demo',
  title: 'demo',
  description: 'demo',
  branding: { icon: 'x', color: 'blue' },
  inputs: { name: { description: '', required: true } },
  outputs: {
    tag: { description: '', dotenv: 'IMAGE_TAG' },
    tags: { description: '', dotenv: 'IMAGE_TAGS' },
    note: { description: '', dotenv: 'NOTE' },
    big: { description: '' },
  },
  dynamicDotenv: (output: string) =>
    output.endsWith('-files') ? undefined : `PATHS_${output.toUpperCase().replace(/-/g, '_')}`,
} as const satisfies ActionDefinition;

const action: ActionModule = {
  definition,
  run: async ({ inputs }) => ({
    tag: `${inputs.name}-1`,
    tags: 'reg/app:1\nreg/app:latest',
    note: 'has spaces',
    big: 'x'.repeat(10),
    app: 'true',
    'app-count': '2',
    'app-files': '["a","b"]',
  }),
};

/** A GitLab job whose context comes from its variables alone (no git): these tests are about its reports. */
class GitLabJob extends GitLabPlatform {
  override async context() {
    return gitlabContext(this.env);
  }
}

/** Runs an action as a GitLab job would; returns the exit code, the dotenv report and the logs. */
async function runJob(module: ActionModule, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ga-gitlab-'));
  const out: string[] = [];
  const err: string[] = [];
  const platform = new GitLabJob({
    flags: new Map(),
    json: false,
    env: {
      GITLAB_CI: 'true',
      GA_INPUT_NAME: 'svc',
      GA_DOTENV: 'out.env',
      CI_PROJECT_DIR: dir,
      CI_COMMIT_SHA: 'a'.repeat(40),
      ...extraEnv,
    },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  const code = await runAction(module, platform);
  return { code, report: readFileSync(join(dir, 'out.env'), 'utf8'), out: out.join(''), err: err.join('') };
}

describe('GitLab platform', () => {
  it('reads GA_INPUT_* variables and writes declared and dynamic outputs to the dotenv report', async () => {
    const job = await runJob(action);
    expect(job.code).toBe(0);
    expect(job.report).toBe(
      'IMAGE_TAG=svc-1\nIMAGE_TAGS=reg/app:1,reg/app:latest\nPATHS_APP=true\nPATHS_APP_COUNT=2\n',
    );
    expect(job.err).toContain("output 'note' has white space");
    expect(job.out).toContain('tag=svc-1\n');
  });

  it('keeps the dotenv report within GitLab limits, declared outputs first, and says what it left out', async () => {
    const many: ActionModule = {
      definition,
      run: async () => ({
        ...Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`f${i}`, 'true'])),
        tag: 'v1',
      }),
    };
    const job = await runJob(many, { GA_DOTENV_LIMIT: '3' });
    expect(job.code).toBe(0);
    expect(job.report).toBe('IMAGE_TAG=v1\nPATHS_F0=true\nPATHS_F1=true\n');
    expect(job.err).toContain('kept 3 of 5 variables (limit 3, 5 KB); left out PATHS_F2, PATHS_F3');
  });

  it('keeps declared outputs in the report when a failing run set per-filter outputs first', async () => {
    const failing: ActionModule = {
      definition,
      run: async ({ setOutput }) => {
        for (let i = 0; i < 4; i++) setOutput(`f${i}`, 'true');
        setOutput('tag', 'v1');
        throw new Error('loop found');
      },
    };
    const job = await runJob(failing, { GA_DOTENV_LIMIT: '2' });
    expect(job.code).toBe(1);
    expect(job.report).toBe('IMAGE_TAG=v1\nPATHS_F0=true\n');
  });

  it("writes an alias output's variable once (verify-paths-filter's app_count and app-count)", async () => {
    const { definition: paths } = await import('../../../actions/verify-paths-filter/definition.ts');
    const aliases: ActionModule = {
      definition: paths,
      run: async () => ({
        changes: '["app"]',
        app: 'true',
        app_count: '2',
        app_files: 'a,b',
        'app-count': '2',
        'app-files': '["a","b"]',
      }),
    };
    const job = await runJob(aliases, { GA_INPUT_FILTERS: "app: 'app/**'" });
    expect(job.code, job.err).toBe(0);
    expect(job.report).toBe('PATHS_CHANGES=["app"]\nPATHS_APP=true\nPATHS_APP_COUNT=2\n');
  });

  it('names the id_tokens variable to declare when the OIDC token is missing', async () => {
    const platform = new GitLabPlatform({ flags: new Map(), json: false, env: {} });
    await expect(platform.idToken('https://gitlab.example.com')).rejects.toThrow(
      /declare it in the job as `id_tokens: \{ GITLAB_OIDC_TOKEN: \{ aud: https:\/\/gitlab.example.com \} \}`/,
    );
  });
});
