/**
 * The golden path pipeline of gitlab-components/README.md, RUN three times under gitlab-ci-local
 * (shell executor) as three consecutive pushes to the default branch, on real parts: buildah, a
 * registry with htpasswd auth behind the local STS/ECR server (OIDC -> role -> ECR login), and a
 * bare GitOps repository standing in for `group/my-app-gitops` on the GitLab server.
 *
 *   push 1: the app and the chart (with its version bump) -> image, chart 1.0.1, GitOps bump
 *   push 2: only the app                                  -> image, GitOps bump; no chart job
 *   push 3: only the chart (1.0.2)                        -> chart only; no image, no bump
 *
 * Each push is its own pipeline (own gitlab-ci-local state, `rules:changes` against the previous
 * push, CI_COMMIT_BEFORE_SHA = the previous head), as GitLab runs them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
  REPO_ROOT,
  readJobDotenv,
  runGitlabCiLocal,
} from '../harness/gitlab-ci-local.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';

const EXAMPLE = join(REPO_ROOT, 'examples/my-app');
const PROJECT_PATH = 'group/my-app';
const GITOPS_PATH = 'group/my-app-gitops';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/gitlab-ci-push';
const ECR_EXAMPLE_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** The README's golden path block (the one that starts with `# .gitlab-ci.yml of my-app`). */
function readmePipeline(): string {
  const readme = readFileSync(join(REPO_ROOT, 'gitlab-components/README.md'), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((text) => text.startsWith('# .gitlab-ci.yml of my-app'));
  if (!block) throw new Error('gitlab-components/README.md: the golden path pipeline is missing');
  return block;
}

/**
 * The README pipeline as it runs here; each change is one a user of another GitLab makes, or one
 * gitlab-ci-local needs:
 * 1. `platform/golden-actions/<name>@1` -> `$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA` (the generated
 *    templates are this project's `templates/`; gitlab-ci-local resolves only this form locally).
 * 2. `build-args: BASE_IMAGE=$BASE_IMAGE`: the Dockerfile's base comes from a local mirror.
 */
function localCopy(pipeline: string): string {
  const swap = (text: string, from: RegExp, to: string) => {
    const result = text.replace(from, to);
    if (result === text) throw new Error(`the README pipeline changed: no ${from}`);
    return result;
  };
  const included = swap(
    pipeline,
    /\$CI_SERVER_FQDN\/platform\/golden-actions\/([\w-]+)@1\b/g,
    '$CI_SERVER_FQDN/$CI_PROJECT_PATH/$1@$CI_COMMIT_SHA',
  );
  return swap(included, /^( +)context: app\n/m, '$1context: app\n$1build-args: BASE_IMAGE=$BASE_IMAGE\n');
}

interface Push {
  sha: string;
  before: string;
  run: GitlabCiLocalRun;
  stateDir: string;
  gitopsBefore: string;
}

let dir: string;
let registry: RegistryHandle;
let aws: AwsServer;
let base: BaseImage;
let project: ComponentProject;
let gitops: string;
let oidcToken: string;
let gitopsToken: string;
const pushes: Push[] = [];

const gitopsGit = async (...args: string[]) =>
  (await exec('git', ['--git-dir', gitops, ...args])).stdout.trim();

beforeAll(async () => {
  dir = makeTempDir('ga-readme-gitlab');
  registry = await startRegistry({ auth: true });
  aws = await startAwsServer({
    roleArn: ROLE_ARN,
    registry: { host: registry.host, ecrPassword: registry.ecrPassword },
    repositories: ['my-app', 'charts/my-app'],
    issuer: `https://${GITLAB_HOST}`,
    audience: `https://${GITLAB_HOST}`,
    subject: `project_path:${PROJECT_PATH}:ref_type:branch:ref:main`,
  });
  base = await baseImage(registry);
  oidcToken = aws.mintToken();
  gitopsToken = `glpat-${randomBytes(16).toString('hex')}`;

  // The GitOps repository on the server: the example's deploy/, pointing at the test registry.
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const seed = await createComponentProject({
    projectPath: GITOPS_PATH,
    source: empty,
    baseDir: dir,
    copy: { deploy: join(EXAMPLE, 'deploy') },
    files: Object.fromEntries(
      walk(join(EXAMPLE, 'deploy'))
        .filter((file) => readFileSync(file, 'utf8').includes(ECR_EXAMPLE_HOST))
        .map((file) => [
          join('deploy', relative(join(EXAMPLE, 'deploy'), file)),
          readFileSync(file, 'utf8').split(ECR_EXAMPLE_HOST).join(registry.host),
        ]),
    ),
  });
  gitops = join(dir, 'server', `${GITOPS_PATH}.git`);
  await exec('git', ['clone', '--quiet', '--bare', seed.dir, gitops]);

  // The application repository: the example's app and chart, the templates, the README pipeline.
  project = await createComponentProject({
    projectPath: PROJECT_PATH,
    source: empty,
    baseDir: dir,
    copy: {
      app: join(EXAMPLE, 'app'),
      charts: join(EXAMPLE, 'charts'),
      templates: join(REPO_ROOT, 'gitlab-components/templates'),
    },
    files: { '.gitlab-ci.yml': localCopy(readmePipeline()) },
  });

  const chart = () => readFileSync(join(project.dir, 'charts/my-app/Chart.yaml'), 'utf8');
  const bumpChart = (from: string, to: string, extra = '') => {
    const text = chart().replace(
      new RegExp(`^version: ${from.replace(/\./g, '\\.')}$`, 'm'),
      `version: ${to}`,
    );
    if (!text.includes(`version: ${to}`)) throw new Error(`Chart.yaml is not at ${from}`);
    return text + extra;
  };
  // Each push's files, computed on the tree the push starts from.
  const changes: [string, () => Record<string, string>][] = [
    [
      'app: a new page; chart 1.0.1',
      () => ({ 'app/www/one.html': '<p>one</p>\n', 'charts/my-app/Chart.yaml': bumpChart('1.0.0', '1.0.1') }),
    ],
    ['app: another page', () => ({ 'app/www/two.html': '<p>two</p>\n' })],
    [
      'chart: a comment; 1.0.2',
      () => ({ 'charts/my-app/Chart.yaml': bumpChart('1.0.1', '1.0.2', '# chart-only change\n') }),
    ],
  ];
  for (const [index, [message, files]] of changes.entries()) {
    const before = project.sha;
    const sha = await project.commit(message, files());
    const stateDir = `.gitlab-ci-local-push${index + 1}`;
    const job = localJob(dir, project.dir, aws, oidcToken);
    const gitopsBefore = await gitopsGit('rev-parse', 'main');
    const run = await runGitlabCiLocal(project.dir, ['--force-shell-executor'], {
      env: { ...job.env, DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` },
      stateDir,
      variables: {
        ...job.variables,
        BASE_IMAGE: base.ref,
        GITOPS_TOKEN: gitopsToken,
        // The push event: the previous head.
        CI_COMMIT_BEFORE_SHA: before,
        // group/my-app-gitops on the GitLab server, served from the bare repository (jobs only).
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: `url.file://${gitops}.insteadOf`,
        GIT_CONFIG_VALUE_0: `https://${GITLAB_HOST}/${GITOPS_PATH}.git`,
      },
      timeoutMs: 200_000,
    });
    if (run.code !== 0 || process.env.GA_E2E_VERBOSE) console.log(run.output);
    pushes.push({ sha, before, run, stateDir, gitopsBefore });
    // The server's default branch is now this push: the next push's `rules:changes` compare with it.
    await project.git('update-ref', 'refs/remotes/origin/main', sha);
  }
}, 700_000);

afterAll(async () => {
  await aws?.stop();
  await registry?.stop();
  if (dir) removeDir(dir);
});

const ran = (push: Push, job: string) => new RegExp(`PASS\\s+${job}\\s*\\n`).test(push.run.output);
const dotenv = (push: Push, job: string) => readJobDotenv(project.dir, job, `${job}.env`, push.stateDir);

describe('gitlab-components/README.md golden path: three pushes under gitlab-ci-local', () => {
  it.each([
    [1, ['verify-paths-filter', 'build-push-image', 'package-push-chart', 'bump-gitops-tag', 'smoke'], []],
    [2, ['verify-paths-filter', 'build-push-image', 'bump-gitops-tag', 'smoke'], ['package-push-chart']],
    [3, ['verify-paths-filter', 'package-push-chart', 'smoke'], ['build-push-image', 'bump-gitops-tag']],
  ])('push %i passes, with the jobs its changes call for', (n, jobs, absent) => {
    const push = pushes[n - 1]!;
    console.log(
      `push ${n} (${push.sha.slice(0, 7)}): exit ${push.run.code}; ${push.run.output
        .split('\n')
        .filter((line) => /^\s*(PASS|FAIL)\s/.test(line))
        .map((line) => line.trim().replace(/\s+/g, ' '))
        .join(', ')}`,
    );
    expect(push.run.code).toBe(0);
    for (const job of jobs) expect(ran(push, job), job).toBe(true);
    for (const job of absent)
      expect(push.run.output, job).not.toMatch(new RegExp(`\\s${job}\\s+(>|starting)`));
    for (const secret of [oidcToken, gitopsToken, registry.ecrPassword])
      expect(push.run.output).not.toContain(secret);
  });

  it('verify-paths-filter reports what each push changed, and no build loop', () => {
    const expected = [['app', 'chart'], ['app'], ['chart']];
    pushes.forEach((push, i) => {
      const out = dotenv(push, 'verify-paths-filter');
      expect(out).toMatchObject({ PATHS_LOOP_RISK: 'false', PATHS_BASE_SHA: push.before });
      expect(JSON.parse(out!.PATHS_CHANGES!)).toEqual(expected[i]);
    });
  });

  it('the registry holds an image per app push and a chart per chart version, appVersion as documented', async () => {
    const tags: string[] = [];
    for (const push of [pushes[0]!, pushes[1]!]) {
      const commitTime = await project.git('show', '-s', '--format=%ct', push.sha);
      const out = dotenv(push, 'build-push-image');
      expect(out).toMatchObject({ IMAGE_TAG: `${commitTime}-${push.sha.slice(0, 7)}`, IMAGE_BUILT: 'true' });
      const manifest = await registryGet(`my-app/manifests/${out!.IMAGE_TAG}`);
      expect(manifest.status).toBe(200);
      tags.push(out!.IMAGE_TAG!);
    }
    const list = (await (await registryGet('my-app/tags/list')).json()) as { tags: string[] };
    expect(list.tags.sort()).toEqual([...tags].sort());

    const charts = (await (await registryGet('charts/my-app/tags/list')).json()) as { tags: string[] };
    expect(charts.tags.sort()).toEqual(['1.0.1', '1.0.2']);
    // Push 1: the image tag of the same pipeline. Push 3 built no image: Chart.yaml's own appVersion.
    expect(await chartConfig('1.0.1')).toMatchObject({ version: '1.0.1', appVersion: tags[0] });
    expect(await chartConfig('1.0.2')).toMatchObject({ version: '1.0.2', appVersion: 'dev' });
    expect(dotenv(pushes[2]!, 'package-push-chart')).toMatchObject({
      CHART_VERSION: '1.0.2',
      CHART_PUSHED: 'true',
    });
    expect(jobLog(pushes[2]!.run.output, 'smoke')).toContain(
      `image unchanged, chart oci://${registry.host}/charts/my-app:1.0.2`,
    );
  });

  it('the GitOps repository got one bump per app push, each on top of the last, and none for the chart push', async () => {
    const log = (await gitopsGit('log', '--format=%H %an %s', 'main')).split('\n');
    expect(log).toHaveLength(3); // the seed and two bumps
    for (const [i, push] of [pushes[0]!, pushes[1]!].entries()) {
      const image = dotenv(push, 'build-push-image')!;
      const bump = dotenv(push, 'bump-gitops-tag')!;
      expect(bump).toMatchObject({ GITOPS_CHANGED: 'true' });
      expect(await gitopsGit('rev-parse', `${bump.GITOPS_COMMIT}~1`)).toBe(push.gitopsBefore);
      expect(await gitopsGit('log', '-1', '--format=%an|%s', bump.GITOPS_COMMIT!)).toBe(
        `GitLab CI|chore(deploy): update ${image.IMAGE_NAME} to ${image.IMAGE_TAG}`,
      );
      const file = await gitopsGit('show', `${bump.GITOPS_COMMIT}:deploy/production/helmrelease-patch.yaml`);
      expect(file).toContain(`tag: ${image.IMAGE_TAG} # {"$imagepolicy": "flux-system:my-app:tag"}`);
      if (i === 1) expect(bump.GITOPS_PREVIOUS_TAG).toBe(dotenv(pushes[0]!, 'build-push-image')!.IMAGE_TAG);
    }
    expect(await gitopsGit('rev-parse', 'main')).toBe(pushes[2]!.gitopsBefore);
  });
});

async function chartConfig(version: string): Promise<Record<string, unknown>> {
  const manifest = (await (await registryGet(`charts/my-app/manifests/${version}`)).json()) as {
    config: { digest: string };
  };
  return (await (await registryGet(`charts/my-app/blobs/${manifest.config.digest}`)).json()) as Record<
    string,
    unknown
  >;
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
