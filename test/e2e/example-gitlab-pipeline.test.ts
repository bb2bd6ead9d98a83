/**
 * The example GitLab pipeline (`examples/my-app/.gitlab-ci.yml`) RUN under gitlab-ci-local with the
 * shell executor, once, on real parts: buildah, a registry with htpasswd auth behind the local
 * STS/ECR server (the example's OIDC -> role -> ECR login path), and a bare repository standing in
 * for the project on the GitLab server (where bump-gitops-tag pushes). Then what a user would look
 * at: the image and the chart in the registry, one GitOps commit that changes only the tag, and
 * verify-paths-filter's report. `examples/separate-gitops`'s app pipeline is rendered with --preview.
 *
 * The pipeline runs from a temp copy of the example, changed only where a user with their own
 * GitLab instance changes it, or where gitlab-ci-local needs it; each change is in `localCopy` with
 * its reason. Everything else the run needs comes in as CI/CD variables, as on GitLab.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { type BaseImage, baseImage } from '../harness/base-image.ts';
import {
  type ComponentProject,
  createComponentProject,
  GITLAB_HOST,
  type GitlabCiLocalRun,
  jobLog,
  localJob,
  parsePreview,
  REPO_ROOT,
  readJobDotenv,
  runGitlabCiLocal,
} from '../harness/gitlab-ci-local.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';

const EXAMPLE = join(REPO_ROOT, 'examples/my-app');
const SEPARATE_APP_PIPELINE = join(REPO_ROOT, 'examples/separate-gitops/app-repo/.gitlab-ci.yml');
/** The user's application project on their GitLab instance. */
const PROJECT_PATH = 'my-group/my-app';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/gitlab-ci-push';
const ECR_EXAMPLE_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const JOBS = ['verify-paths-filter', 'build-push-image', 'package-push-chart', 'bump-gitops-tag'];

/** `text` with `from` replaced by `to`; throws when the example no longer holds `from`. */
function replaceAll(text: string, from: string | RegExp, to: string, what: string): string {
  const pattern =
    typeof from === 'string'
      ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g')
      : new RegExp(from.source, from.flags.includes('g') ? from.flags : `${from.flags}g`);
  const result = text.replace(pattern, to);
  if (result === text) throw new Error(`the example changed: cannot ${what} (no ${pattern})`);
  return result;
}

/**
 * An example pipeline as it runs here. Nothing else in it changes.
 * 1. `platform/golden-actions/<name>@1` -> `$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`, the
 *    generated templates being in this project's `templates/`: gitlab-ci-local resolves a component
 *    locally only in this self-test form (other refs are fetched from the remote over the network).
 * 2. (my-app only) `build-args: BASE_IMAGE=$BASE_IMAGE` on build-push-image: the Dockerfile's default
 *    base is on Docker Hub, and here there is no internet. The example README tells users to point
 *    BASE_IMAGE at their mirror exactly this way.
 */
function localCopy(pipeline: string, options: { baseImageArg: boolean }): string {
  let text = replaceAll(
    pipeline,
    /\$CI_SERVER_FQDN\/platform\/golden-actions\/([\w-]+)@1\b/g,
    '$CI_SERVER_FQDN/$CI_PROJECT_PATH/$1@$CI_COMMIT_SHA',
    'include the components from this project',
  );
  if (options.baseImageArg) {
    text = replaceAll(
      text,
      /^( +)context: app\n/m,
      '$1context: app\n$1build-args: BASE_IMAGE=$BASE_IMAGE\n',
      'point BASE_IMAGE at the local mirror',
    );
  }
  return text;
}

let dir: string;
let registry: RegistryHandle;
let aws: AwsServer;
let base: BaseImage;
let project: ComponentProject;
/** The project's repository on the "GitLab server": what bump-gitops-tag clones and pushes to. */
let server: string;
let beforeSha: string;
let pushedSha: string;
let oidcToken: string;
let jobToken: string;
let variables: Record<string, string>;
let run: GitlabCiLocalRun;

beforeAll(async () => {
  dir = makeTempDir('ga-example-gitlab');
  registry = await startRegistry({ auth: true });
  aws = await startAwsServer({
    roleArn: ROLE_ARN,
    registry: { host: registry.host, ecrPassword: registry.ecrPassword },
    // The example README's setup step 1: both ECR repositories exist (the example does not create them).
    repositories: ['my-app', 'charts/my-app'],
    // What GitLab mints for the job: issuer = the instance, aud = the components' default audience.
    issuer: `https://${GITLAB_HOST}`,
    audience: `https://${GITLAB_HOST}`,
    subject: `project_path:${PROJECT_PATH}:ref_type:branch:ref:main`,
  });
  base = await baseImage(registry);
  oidcToken = aws.mintToken();
  jobToken = `glcbt-${randomBytes(16).toString('hex')}`;

  // The user's repository: the example folder as it is, plus
  // - README setup step 2: their registry (here the harness's) instead of 123456789012.dkr.ecr... in
  //   deploy/ and the chart's values;
  // - `templates/`: the generated components, for the local include (see localCopy);
  // - `.gitlab-ci.yml`: localCopy of the example's.
  const registryFiles = [...walk(join(EXAMPLE, 'deploy')), join(EXAMPLE, 'charts/my-app/values.yaml')].filter(
    (file) => readFileSync(file, 'utf8').includes(ECR_EXAMPLE_HOST),
  );
  expect(registryFiles.length).toBeGreaterThanOrEqual(3);
  project = await createComponentProject({
    projectPath: PROJECT_PATH,
    source: EXAMPLE,
    baseDir: dir,
    copy: { templates: join(REPO_ROOT, 'gitlab-components/templates') },
    files: {
      '.gitlab-ci.yml': localCopy(readFileSync(join(EXAMPLE, '.gitlab-ci.yml'), 'utf8'), {
        baseImageArg: true,
      }),
      ...Object.fromEntries(
        registryFiles.map((file) => [
          relative(EXAMPLE, file),
          readFileSync(file, 'utf8').split(ECR_EXAMPLE_HOST).join(registry.host),
        ]),
      ),
    },
  });
  // origin/main stays here: gitlab-ci-local evaluates `rules:changes` against it.
  beforeSha = project.sha;
  // The push that starts the pipeline: a page in app/, and a chart change with its version bump (as
  // the chart's comment asks), so every job of the example runs.
  const chart = readFileSync(join(project.dir, 'charts/my-app/Chart.yaml'), 'utf8');
  pushedSha = await project.commit('app: a new page; chart 1.0.1', {
    'app/www/new.html': '<p>new</p>\n',
    'charts/my-app/Chart.yaml': replaceAll(chart, /^version: 1\.0\.0$/m, 'version: 1.0.1', 'bump the chart'),
  });
  server = join(dir, 'server', `${PROJECT_PATH}.git`);
  await exec('git', ['clone', '--quiet', '--bare', project.dir, server]);

  const job = localJob(dir, project.dir, aws, oidcToken);
  // A runner without a docker daemon: the example's `builder: auto` takes buildah.
  const env: NodeJS.ProcessEnv = { ...job.env, DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` };
  variables = {
    ...job.variables,
    // The CI/CD variables the example's header asks for.
    AWS_REGION: 'eu-west-1',
    AWS_ROLE_ARN: ROLE_ARN,
    // The mirror of the base image (localCopy 2).
    BASE_IMAGE: base.ref,
    // The job token, and the push event's previous head (verify-paths-filter's base).
    CI_JOB_TOKEN: jobToken,
    CI_COMMIT_BEFORE_SHA: beforeSha,
    // The GitLab server's git: https://<host>/<project>.git, which the bump computes from
    // CI_SERVER_URL and CI_PROJECT_PATH, is served from the local bare repository (git's own
    // url.<base>.insteadOf, in the jobs' environment only, so gitlab-ci-local still sees the remote).
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `url.file://${server}.insteadOf`,
    GIT_CONFIG_VALUE_0: `https://${GITLAB_HOST}/${PROJECT_PATH}.git`,
  };
  run = await runGitlabCiLocal(project.dir, ['--force-shell-executor'], {
    env,
    variables,
    timeoutMs: 150_000,
  });
  if (run.code !== 0 || process.env.GA_E2E_VERBOSE) console.log(run.output);
}, 180_000);

afterAll(async () => {
  await aws?.stop();
  await registry?.stop();
  if (dir) removeDir(dir);
});

describe('examples/my-app/.gitlab-ci.yml under gitlab-ci-local (one run)', () => {
  it('is the example as written, but for the include paths and the base image mirror', () => {
    const original = readFileSync(join(EXAMPLE, '.gitlab-ci.yml'), 'utf8').split('\n');
    const ran = readFileSync(join(project.dir, '.gitlab-ci.yml'), 'utf8').split('\n');
    const added = ran.filter((line) => /^ +build-args: BASE_IMAGE=\$BASE_IMAGE$/.test(line));
    expect(added).toHaveLength(1);
    const rest = ran.filter((line) => line !== added[0]);
    expect(rest).toHaveLength(original.length);
    const changed = rest.flatMap((line, i) => (line === original[i] ? [] : [[original[i], line]]));
    expect(changed).toHaveLength(4);
    for (const [from, to] of changed) {
      expect(to).toBe(
        from!.replace(/platform\/golden-actions\/([\w-]+)@1$/, '$CI_PROJECT_PATH/$1@$CI_COMMIT_SHA'),
      );
    }
  });

  it('runs every job of the example and passes', () => {
    for (const job of JOBS) expect(run.output).toMatch(new RegExp(`PASS\\s+${job}\\s*\\n`));
    expect(run.code).toBe(0);
    // Secrets handed to the jobs are never printed.
    for (const secret of [oidcToken, jobToken, registry.ecrPassword])
      expect(run.output).not.toContain(secret);
  });

  it('verify-paths-filter: app and chart changed, no build loop', () => {
    const out = readJobDotenv(project.dir, 'verify-paths-filter', 'verify-paths-filter.env');
    expect(out).toMatchObject({
      PATHS_LOOP_RISK: 'false',
      PATHS_BASE_SHA: beforeSha,
      PATHS_APP: 'true',
      PATHS_APP_COUNT: '1',
      PATHS_CHART: 'true',
      PATHS_CHART_COUNT: '1',
    });
    expect(JSON.parse(out!.PATHS_CHANGES!)).toEqual(['app', 'chart']);
  });

  it('build-push-image: OIDC -> STS -> ECR login, buildah, the image in the registry', async () => {
    const assume = aws.requests.filter((r) => r.operation === 'AssumeRoleWithWebIdentity');
    expect(assume.length).toBeGreaterThanOrEqual(1);
    expect(assume[0]!.params).toMatchObject({ RoleArn: ROLE_ARN, WebIdentityToken: oidcToken });
    expect(aws.requests.some((r) => r.operation === 'GetAuthorizationToken' && r.status === 200)).toBe(true);

    const out = readJobDotenv(project.dir, 'build-push-image', 'build-push-image.env');
    const commitTime = Number(await project.git('show', '-s', '--format=%ct', 'HEAD'));
    const tag = `${commitTime}-${pushedSha.slice(0, 7)}`;
    expect(out).toMatchObject({ IMAGE_NAME: `${registry.host}/my-app`, IMAGE_TAG: tag, IMAGE_BUILT: 'true' });
    expect(out!.IMAGE_REF).toBe(`${registry.host}/my-app@${out!.IMAGE_DIGEST}`);

    const manifest = await registryGet(`my-app/manifests/${tag}`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(out!.IMAGE_DIGEST);
    const body = (await manifest.json()) as { config: { digest: string } };
    const config = (await (await registryGet(`my-app/blobs/${body.config.digest}`)).json()) as {
      config: { Labels?: Record<string, string>; User?: string; Entrypoint?: string[] };
    };
    // This commit's app, built FROM the mirror: the Dockerfile's user and entrypoint.
    expect(config.config.Labels?.['org.opencontainers.image.revision']).toBe(pushedSha);
    expect(config.config.User).toBe('65534:65534');
    expect(config.config.Entrypoint?.[0]).toBe('/bin/httpd');
  });

  it("package-push-chart: the commit's chart version, appVersion = the image tag", async () => {
    const image = readJobDotenv(project.dir, 'build-push-image', 'build-push-image.env')!;
    const out = readJobDotenv(project.dir, 'package-push-chart', 'package-push-chart.env');
    expect(out).toMatchObject({
      CHART_NAME: 'my-app',
      CHART_VERSION: '1.0.1',
      CHART_REF: `oci://${registry.host}/charts/my-app:1.0.1`,
      CHART_PUSHED: 'true',
    });
    const manifest = await registryGet('charts/my-app/manifests/1.0.1');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(out!.CHART_DIGEST);
    const body = (await manifest.json()) as { config: { mediaType: string; digest: string } };
    expect(body.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
    const chart = (await (await registryGet(`charts/my-app/blobs/${body.config.digest}`)).json()) as {
      version?: string;
      appVersion?: string;
    };
    expect(chart).toMatchObject({ version: '1.0.1', appVersion: image.IMAGE_TAG });
  });

  it('bump-gitops-tag: one [skip ci] commit on the project, only the tag changed', async () => {
    const image = readJobDotenv(project.dir, 'build-push-image', 'build-push-image.env')!;
    const out = readJobDotenv(project.dir, 'bump-gitops-tag', 'bump-gitops-tag.env');
    const head = await git(server, 'rev-parse', 'main');
    expect(out).toMatchObject({
      GITOPS_CHANGED: 'true',
      GITOPS_COMMIT: head,
      GITOPS_PREVIOUS_TAG: '1735689600-3f2c1ab',
    });
    // Exactly one commit on top of the pushed one, by GitLab's default author (the job token's run),
    // with no pipeline of its own.
    expect(await git(server, 'rev-parse', 'main~1')).toBe(pushedSha);
    expect(await git(server, 'log', '-1', '--format=%an', 'main')).toBe('GitLab CI');
    expect(await git(server, 'log', '-1', '--format=%s', 'main')).toBe(
      `chore(deploy): update ${image.IMAGE_NAME} to ${image.IMAGE_TAG} [skip ci]`,
    );
    expect(await git(server, 'diff', '--name-only', pushedSha, 'main')).toBe(
      'deploy/production/helmrelease-patch.yaml',
    );
    const diff = await git(server, 'diff', '--unified=0', pushedSha, 'main');
    expect(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual([
      '-      tag: 1735689600-3f2c1ab # {"$imagepolicy": "flux-system:my-app:tag"}',
      `+      tag: ${image.IMAGE_TAG} # {"$imagepolicy": "flux-system:my-app:tag"}`,
    ]);
    // The URL GitLab would push to (CI_SERVER_URL + CI_PROJECT_PATH); served by the bare repository.
    const log = jobLog(run.output, 'bump-gitops-tag');
    expect(log).toContain(
      `https://${GITLAB_HOST}/${PROJECT_PATH}.git: branch 'main' at ${pushedSha.slice(0, 12)}`,
    );
    expect(log).not.toMatch(/warning/i);
  });
});

describe('examples/my-app/.gitlab-ci.yml: pushes 2 and 3 after it', () => {
  // Each push as a user makes it: pull the bot's commit, commit, push; one pipeline per push, its
  // `rules:changes` and CI_COMMIT_BEFORE_SHA against the previous head of the branch on the server.
  interface Push {
    before: string;
    sha: string;
    run: GitlabCiLocalRun;
    stateDir: string;
  }
  const pushes: Push[] = [];
  const dotenv = (push: Push, job: string) => readJobDotenv(project.dir, job, `${job}.env`, push.stateDir);

  beforeAll(async () => {
    const chart = () => readFileSync(join(project.dir, 'charts/my-app/Chart.yaml'), 'utf8');
    const changes: [string, () => Record<string, string>][] = [
      ['app: another page', () => ({ 'app/www/two.html': '<p>two</p>\n' })],
      [
        'chart: 1.0.2',
        () => ({
          'charts/my-app/Chart.yaml': replaceAll(
            chart(),
            /^version: 1\.0\.1$/m,
            'version: 1.0.2',
            'bump the chart',
          ),
        }),
      ],
    ];
    for (const [index, [message, files]] of changes.entries()) {
      const before = await git(server, 'rev-parse', 'main');
      await project.git('fetch', '--quiet', server, 'main');
      await project.git('merge', '--quiet', '--ff-only', 'FETCH_HEAD');
      const sha = await project.commit(message, files());
      await project.git('push', '--quiet', server, 'HEAD:main');
      await project.git('update-ref', 'refs/remotes/origin/main', before);
      const stateDir = `.gitlab-ci-local-push${index + 2}`;
      const job = localJob(dir, project.dir, aws, oidcToken);
      const result = await runGitlabCiLocal(project.dir, ['--force-shell-executor'], {
        env: { ...job.env, DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` },
        variables: { ...variables, CI_COMMIT_BEFORE_SHA: before },
        stateDir,
        timeoutMs: 150_000,
      });
      if (result.code !== 0 || process.env.GA_E2E_VERBOSE) console.log(result.output);
      pushes.push({ before, sha, run: result, stateDir });
    }
  }, 360_000);

  it.each([
    [2, 'app only', ['verify-paths-filter', 'build-push-image', 'bump-gitops-tag'], ['package-push-chart']],
    [
      3,
      'chart only (1.0.2)',
      ['verify-paths-filter', 'package-push-chart'],
      ['build-push-image', 'bump-gitops-tag'],
    ],
  ])('push %i (%s) passes with the jobs its changes call for', (n, _what, jobs, absent) => {
    const push = pushes[n - 2]!;
    console.log(
      `example push ${n} (${push.sha.slice(0, 7)}): exit ${push.run.code}; ${push.run.output
        .split('\n')
        .filter((line) => /^\s*(PASS|FAIL)\s/.test(line))
        .map((line) => line.trim().replace(/\s+/g, ' '))
        .join(', ')}`,
    );
    expect(push.run.code).toBe(0);
    for (const job of jobs) expect(push.run.output).toMatch(new RegExp(`PASS\\s+${job}\\s*\\n`));
    for (const job of absent) expect(push.run.output).not.toMatch(new RegExp(`\\s${job}\\s+(>|starting)`));
  });

  it('the registry and the branch hold what the three pushes made', async () => {
    const [second, third] = pushes as [Push, Push];
    expect(JSON.parse(dotenv(second, 'verify-paths-filter')!.PATHS_CHANGES!)).toEqual(['app']);
    expect(JSON.parse(dotenv(third, 'verify-paths-filter')!.PATHS_CHANGES!)).toEqual(['chart']);
    // Push 2: a new image and its bump, committed on top of push 2 (the loop guard keeps it quiet).
    const image = dotenv(second, 'build-push-image')!;
    expect(image.IMAGE_BUILT).toBe('true');
    expect((await registryGet(`my-app/manifests/${image.IMAGE_TAG}`)).status).toBe(200);
    const bump = dotenv(second, 'bump-gitops-tag')!;
    expect(bump.GITOPS_CHANGED).toBe('true');
    expect(await git(server, 'rev-parse', `${bump.GITOPS_COMMIT}~1`)).toBe(second.sha);
    // Push 3: chart 1.0.2 next to 1.0.1; no image, no bump: the branch ends at push 3.
    expect(dotenv(third, 'package-push-chart')).toMatchObject({
      CHART_VERSION: '1.0.2',
      CHART_PUSHED: 'true',
    });
    const charts = (await (await registryGet('charts/my-app/tags/list')).json()) as { tags: string[] };
    expect(charts.tags.sort()).toEqual(['1.0.1', '1.0.2']);
    const images = (await (await registryGet('my-app/tags/list')).json()) as { tags: string[] };
    expect(images.tags).toHaveLength(2);
    expect(await git(server, 'rev-parse', 'main')).toBe(third.sha);
    expect(await git(server, 'log', '--format=%an', `${pushedSha}..main`)).toBe(
      ['Test Author', 'GitLab CI', 'Test Author', 'GitLab CI'].join('\n'),
    );
  });
});

describe('examples/separate-gitops/app-repo/.gitlab-ci.yml', () => {
  it('renders under gitlab-ci-local: build, then dev by push and prod by merge request', async () => {
    // Not run: its bumps go to another project and open a merge request through the GitLab API.
    const file = 'separate-gitops.gitlab-ci.yml';
    writeFileSync(
      join(project.dir, file),
      localCopy(readFileSync(SEPARATE_APP_PIPELINE, 'utf8'), { baseImageArg: false }),
    );
    const result = await runGitlabCiLocal(project.dir, ['--preview', '--file', file], {
      variables,
      stateDir: '.gitlab-ci-local-separate',
    });
    expect(result.code, result.output).toBe(0);
    const config = parsePreview(result.output) as Record<string, Record<string, unknown>>;
    expect(config.stages).toEqual(['.pre', 'build', 'deploy', '.post']);
    expect(config['build-push-image']!.variables).toMatchObject({
      GA_INPUT_REPOSITORY: 'my-app',
      GA_INPUT_CONTEXT: 'app',
      GA_INPUT_ROLE_TO_ASSUME: '$AWS_ROLE_ARN',
    });
    const bump = (job: string, files: string, mode: string) => {
      expect(config[job]!.stage).toBe('deploy');
      expect(config[job]!.variables).toMatchObject({
        GA_INPUT_REPOSITORY: 'my-group/gitops',
        GA_INPUT_TOKEN: '$GITOPS_TOKEN',
        GA_INPUT_FILES: files,
        GA_INPUT_STRATEGY: 'kustomize',
        GA_INPUT_IMAGE: '$IMAGE_NAME',
        GA_INPUT_TAG: '$IMAGE_TAG',
        GA_INPUT_MODE: mode,
      });
    };
    bump('deploy-dev', 'apps/dev/kustomization.yaml', 'push');
    bump('deploy-prod', 'apps/prod/kustomization.yaml', 'pull-request');
    const needs = (job: string) => (config[job]!.needs as { job: string }[]).map((n) => n.job);
    expect(needs('deploy-dev')).toEqual(['build-push-image']);
    expect(needs('deploy-prod')).toEqual(['build-push-image', 'deploy-dev']);
  });
});

async function git(repo: string, ...args: string[]): Promise<string> {
  return (await exec('git', ['--git-dir', repo, ...args])).stdout.trim();
}

function registryGet(path: string): Promise<Response> {
  return fetch(`${registry.url}/v2/${path}`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      accept: [
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ].join(', '),
    },
  });
}

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
