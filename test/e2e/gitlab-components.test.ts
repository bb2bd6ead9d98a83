/**
 * The GitLab CI/CD components end to end under gitlab-ci-local (shell executor): a project that
 * includes all four components at `$CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`, the
 * golden path run once on real parts (buildah, a registry with htpasswd auth behind the local
 * STS/ECR server, a bare GitOps repository), the GitLab id token faked with --variable, and GitLab's
 * own input validation reproduced with --preview runs.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as bumpDefinition } from '../../actions/bump-gitops-tag/definition.ts';
import { actions } from '../../actions/index.ts';
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

const PROJECT_PATH = 'platform/golden-actions';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/gitlab-ci-push';
const ECR_EXAMPLE_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const EXAMPLE = join(REPO_ROOT, 'examples/my-app');

const component = (name: string) => `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${name}@$CI_COMMIT_SHA`;

/** The consumer pipeline: the README's golden path, with local parts. */
const CONSUMER_PIPELINE = `# golden path: build -> chart -> bump, outputs handed on through dotenv reports and needs:
stages: [build, test, deploy]

include:
  - component: ${component('build-push-image')}
    inputs:
      repository: my-app
      context: app
      builder: buildah
      build-args: BASE_IMAGE=$BASE_IMAGE
      tags: |
        type=timestamp-sha
        type=sha
      aws-region: eu-west-1
      role-to-assume: $PUSH_ROLE
  - component: ${component('package-push-chart')}
    inputs:
      chart: charts/my-app
      app-version: $IMAGE_TAG
      create-repository: true
      aws-region: eu-west-1
      role-to-assume: $PUSH_ROLE
  - component: ${component('bump-gitops-tag')}
    inputs:
      repository: $GITOPS_REPO
      files: deploy/**/*.yaml
      image: $IMAGE_NAME
      tag: $IMAGE_TAG
  - component: ${component('verify-paths-filter')}
    inputs:
      base: $VERIFY_BASE
      filters: |
        app: [app/**]
        chart: [charts/**]

# Extending component jobs by name: GitLab merges these keys into the included jobs.
package-push-chart:
  needs: [build-push-image]
bump-gitops-tag:
  needs: [build-push-image]
verify-paths-filter:
  needs: []

golden-path-outputs:
  stage: deploy
  image: alpine:3.20
  needs: [build-push-image, package-push-chart, bump-gitops-tag, verify-paths-filter]
  script:
    - echo "image=$IMAGE_REF chart=$CHART_REF gitops=$GITOPS_COMMIT changes=$PATHS_CHANGES"
`;

/** Include of build-push-image with extra inputs, for the validation runs. */
let dir: string;
let registry: RegistryHandle;
let aws: AwsServer;
let base: BaseImage;
let project: ComponentProject;
let gitopsRepo: string;
let gitopsBefore: string;
let firstCommit: string;
let oidcToken: string;
let run: GitlabCiLocalRun;
let env: NodeJS.ProcessEnv;
let variables: Record<string, string>;

beforeAll(async () => {
  dir = makeTempDir('ga-gitlab-e2e');
  registry = await startRegistry({ auth: true });
  aws = await startAwsServer({
    roleArn: ROLE_ARN,
    registry: { host: registry.host, ecrPassword: registry.ecrPassword },
    // What GitLab mints for this job: issuer = the instance, aud = the component's default audience.
    issuer: `https://${GITLAB_HOST}`,
    audience: `https://${GITLAB_HOST}`,
    subject: `project_path:${PROJECT_PATH}:ref_type:branch:ref:main`,
  });
  base = await baseImage(registry);
  oidcToken = aws.mintToken();

  // The GitOps repository (bare), with the example's Flux files pointing at the test registry.
  gitopsRepo = join(dir, 'gitops.git');
  const gitopsWork = join(dir, 'gitops');
  mkdirSync(gitopsWork);
  cpSync(join(EXAMPLE, 'deploy'), join(gitopsWork, 'deploy'), { recursive: true });
  for (const file of walk(join(gitopsWork, 'deploy'))) {
    writeFileSync(file, readFileSync(file, 'utf8').split(ECR_EXAMPLE_HOST).join(registry.host));
  }
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'ops',
    GIT_AUTHOR_EMAIL: 'ops@example.com',
    GIT_COMMITTER_NAME: 'ops',
    GIT_COMMITTER_EMAIL: 'ops@example.com',
  };
  await exec('git', ['init', '-q', '--bare', '-b', 'main', gitopsRepo]);
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: gitopsWork });
  await exec('git', ['add', '-A'], { cwd: gitopsWork });
  await exec('git', ['commit', '-q', '-m', 'flux config'], { cwd: gitopsWork, env: gitEnv });
  await exec('git', ['push', '-q', gitopsRepo, 'main'], { cwd: gitopsWork });
  gitopsBefore = await git(gitopsRepo, 'rev-parse', 'main');

  // The component project: generated templates + the example application + the consumer pipeline;
  // then a second commit that changes only the app (for verify-paths-filter).
  project = await createComponentProject({
    projectPath: PROJECT_PATH,
    baseDir: dir,
    copy: { app: join(EXAMPLE, 'app'), charts: join(EXAMPLE, 'charts') },
    files: { '.gitlab-ci.yml': CONSUMER_PIPELINE },
  });
  firstCommit = project.sha;
  await project.commit('app: new page', { 'app/www/new.html': '<p>new</p>\n' });

  const job = localJob(dir, project.dir, aws, oidcToken);
  env = job.env;
  variables = {
    ...job.variables,
    PUSH_ROLE: ROLE_ARN,
    BASE_IMAGE: base.ref,
    GITOPS_REPO: `file://${gitopsRepo}`,
    VERIFY_BASE: firstCommit,
  };
  run = await runGitlabCiLocal(project.dir, ['--force-shell-executor'], {
    env,
    variables,
    timeoutMs: 300_000,
  });
  // Visible in the test output when something fails.
  if (run.code !== 0 || process.env.GA_E2E_VERBOSE) console.log(run.output);
}, 360_000);

afterAll(async () => {
  await aws?.stop();
  await registry?.stop();
  if (dir) removeDir(dir);
});

describe('golden path pipeline (one gitlab-ci-local run)', () => {
  it('passes as a whole', () => {
    expect(run.output).toMatch(/PASS\s+build-push-image/);
    expect(run.code).toBe(0);
    expect(jobLog(run.output, 'golden-path-outputs')).toMatch(
      /image=\S+@sha256:[0-9a-f]{64} chart=oci:\/\/\S+ gitops=[0-9a-f]{40}/,
    );
  });

  it('build-push-image: OIDC -> STS -> ECR, buildah push, dotenv outputs', async () => {
    expect(run.output).toMatch(/PASS\s+build-push-image/);
    // Collapsible log sections (gitlab-ci-local prints a section_start as `<id>_started`).
    expect(run.output).toMatch(/build-push-image\s+golden_actions_1_started/);
    // The token and the registry password are never printed.
    expect(run.output).not.toContain(oidcToken);
    expect(run.output).not.toContain(registry.ecrPassword);

    // The id token went to STS for the role; ECR handed out the registry login.
    const assume = aws.requests.filter((r) => r.operation === 'AssumeRoleWithWebIdentity');
    expect(assume.length).toBeGreaterThanOrEqual(1);
    expect(assume[0]!.params).toMatchObject({ RoleArn: ROLE_ARN, WebIdentityToken: oidcToken });
    expect(aws.requests.some((r) => r.operation === 'GetAuthorizationToken' && r.status === 200)).toBe(true);

    const out = readJobDotenv(project.dir, 'build-push-image', 'build-push-image.env');
    expect(out).toBeDefined();
    const sha7 = project.sha.slice(0, 7);
    const commitTime = Number(await project.git('show', '-s', '--format=%ct', 'HEAD'));
    expect(out).toMatchObject({
      IMAGE_NAME: `${registry.host}/my-app`,
      IMAGE_TAG: `${commitTime}-${sha7}`,
      IMAGE_BUILT: 'true',
    });
    expect(out!.IMAGE_DIGEST).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out!.IMAGE_REF).toBe(`${registry.host}/my-app@${out!.IMAGE_DIGEST}`);
    expect(out!.IMAGE_TAGS!.split(',')).toEqual([
      `${registry.host}/my-app:${commitTime}-${sha7}`,
      `${registry.host}/my-app:sha-${sha7}`,
    ]);

    // What the registry serves: both tags, one digest, an image of this commit on the base.
    for (const tag of [out!.IMAGE_TAG!, `sha-${sha7}`]) {
      const manifest = await registryGet(`my-app/manifests/${tag}`);
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('docker-content-digest')).toBe(out!.IMAGE_DIGEST);
    }
    const manifest = (await (await registryGet(`my-app/manifests/${out!.IMAGE_TAG}`)).json()) as {
      config: { digest: string };
      layers: unknown[];
    };
    const config = (await (await registryGet(`my-app/blobs/${manifest.config.digest}`)).json()) as {
      config: { Labels?: Record<string, string>; User?: string };
    };
    expect(config.config.Labels?.['org.opencontainers.image.revision']).toBe(project.sha);
    expect(config.config.User).toBe('65534:65534');
    expect(manifest.layers.length).toBeGreaterThanOrEqual(2);
  });

  it("package-push-chart: the chart with the image tag as appVersion, from the first job's dotenv", async () => {
    expect(run.output).toMatch(/PASS\s+package-push-chart/);
    const image = readJobDotenv(project.dir, 'build-push-image', 'build-push-image.env')!;
    const out = readJobDotenv(project.dir, 'package-push-chart', 'package-push-chart.env');
    expect(out).toMatchObject({
      CHART_NAME: 'my-app',
      CHART_VERSION: '1.0.0',
      CHART_REF: `oci://${registry.host}/charts/my-app:1.0.0`,
      CHART_PUSHED: 'true',
    });
    const manifest = await registryGet('charts/my-app/manifests/1.0.0');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(out!.CHART_DIGEST);
    const body = (await manifest.json()) as { config: { mediaType: string; digest: string } };
    expect(body.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
    const chart = (await (await registryGet(`charts/my-app/blobs/${body.config.digest}`)).json()) as {
      appVersion?: string;
    };
    expect(chart.appVersion).toBe(image.IMAGE_TAG);
  });

  it('bump-gitops-tag: one commit in the GitOps repository with the new tag, read from the dotenv', async () => {
    expect(run.output).toMatch(/PASS\s+bump-gitops-tag/);
    const image = readJobDotenv(project.dir, 'build-push-image', 'build-push-image.env')!;
    const out = readJobDotenv(project.dir, 'bump-gitops-tag', 'bump-gitops-tag.env');
    const head = await git(gitopsRepo, 'rev-parse', 'main');
    expect(out).toMatchObject({
      GITOPS_CHANGED: 'true',
      GITOPS_COMMIT: head,
      GITOPS_PREVIOUS_TAG: '1735689600-3f2c1ab',
    });
    // Exactly one new commit on top of the previous head (nothing forced), by GitLab's default author
    // (the job token cannot ask GitLab who it is).
    expect(await git(gitopsRepo, 'rev-list', '--count', `${gitopsBefore}..main`)).toBe('1');
    expect(await git(gitopsRepo, 'rev-parse', 'main~1')).toBe(gitopsBefore);
    expect(await git(gitopsRepo, 'log', '-1', '--format=%an', 'main')).toBe('GitLab CI');
    // Only the tag's bytes changed.
    const diff = await git(gitopsRepo, 'diff', '--unified=0', `${gitopsBefore}`, 'main');
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual([
      '-      tag: 1735689600-3f2c1ab # {"$imagepolicy": "flux-system:my-app:tag"}',
      `+      tag: ${image.IMAGE_TAG} # {"$imagepolicy": "flux-system:my-app:tag"}`,
    ]);
  });

  it('verify-paths-filter: filters from local git, no loop risk', () => {
    expect(run.output).toMatch(/PASS\s+verify-paths-filter/);
    const out = readJobDotenv(project.dir, 'verify-paths-filter', 'verify-paths-filter.env');
    expect(out).toMatchObject({ PATHS_LOOP_RISK: 'false' });
    expect(JSON.parse(out!.PATHS_CHANGES!)).toEqual(['app']);
  });
});

// --preview runs only render the configuration: cheap, and independent of each other.
describe.concurrent('GitLab validates the inputs before any job runs', () => {
  const preview = (name: string, content: string) => {
    writeFileSync(join(project.dir, name), content);
    return runGitlabCiLocal(project.dir, ['--preview', '--file', name], {
      variables,
      stateDir: `.gitlab-ci-local-${name}`,
    });
  };

  it('renders the golden path: typed inputs, variables, flags, id token, merged needs', async () => {
    const result = await preview('preview.yml', CONSUMER_PIPELINE);
    expect(result.code).toBe(0);
    const config = parsePreview(result.output) as Record<string, Record<string, unknown>>;
    const build = config['build-push-image']!;
    expect(build.stage).toBe('build');
    expect(build.id_tokens).toEqual({ GITLAB_OIDC_TOKEN: { aud: 'https://$CI_SERVER_FQDN' } });
    expect(build.variables).toMatchObject({
      GA_INPUT_REPOSITORY: 'my-app',
      GA_INPUT_TAGS: 'type=timestamp-sha\ntype=sha\n',
      GA_INPUT_ROLE_TO_ASSUME: '$PUSH_ROLE',
      GA_INPUT_AUDIENCE: 'https://$CI_SERVER_FQDN',
      GA_DOTENV: 'build-push-image.env',
    });
    expect((build.script as string[]).at(-1)).toBe(
      'golden-actions build-push-image --cache=false --push=true --dry-run=false',
    );
    expect(build.artifacts).toMatchObject({ reports: { dotenv: 'build-push-image.env' } });
    expect(config['package-push-chart']!.needs).toEqual([
      { job: 'build-push-image', artifacts: true, optional: false },
    ]);
    expect(config['bump-gitops-tag']!.stage).toBe('deploy');
    expect((config['bump-gitops-tag']!.variables as Record<string, string>).GA_INPUT_IMAGE).toBe(
      '$IMAGE_NAME',
    );
    // Booleans and numbers keep their validated value on the command line.
    expect((config['bump-gitops-tag']!.script as string[]).at(-1)).toBe(
      `golden-actions bump-gitops-tag --draft=false --only-if-newer=true --max-attempts=${bumpDefinition.inputs['max-attempts'].default} --dry-run=false`,
    );
    expect(config['verify-paths-filter']!.stage).toBe('test');
  });

  it.each([
    [
      'a wrong type',
      '      repository: my-app\n      push: "false"\n',
      '`push` input: provided value is not a boolean',
    ],
    [
      'a value outside the options',
      '      repository: my-app\n      builder: kaniko\n',
      '`builder` input: `kaniko` cannot be used because it is not in the list of allowed options',
    ],
    [
      'a missing mandatory input',
      '      image: registry.example.com/my-app\n',
      '`tag` input: required value has not been provided',
      'bump-gitops-tag',
    ],
    [
      'a string for a number',
      '      repository: my-app\n      push: 1\n',
      '`push` input: provided value is not a boolean',
    ],
    [
      'rules that are not an array',
      '      repository: my-app\n      rules: on_success\n',
      '`rules` input: provided value is not a array',
    ],
  ])('rejects %s', async (_case, inputs, message, name = 'build-push-image') => {
    const include = `include:\n  - component: ${component(name)}\n    inputs:\n${inputs}`;
    const result = await preview(`invalid-${_case.replace(/\W+/g, '-')}.yml`, include);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('This GitLab CI configuration is invalid');
    expect(result.output).toContain(message);
  });
});

describe('gitlab-components/README.md examples', () => {
  it('are valid pipelines whose inputs GitLab accepts', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'gitlab-components/README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((block) => block.includes('component:'));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const results = await Promise.all(
      blocks.map((block, i) => {
        // The released form (`…/platform/golden-actions/<name>@1`) resolved from this project.
        const local = block.replace(
          /\$CI_SERVER_FQDN\/platform\/golden-actions\/([\w-]+)@[\w.~-]+/g,
          '$CI_SERVER_FQDN/$CI_PROJECT_PATH/$1@$CI_COMMIT_SHA',
        );
        const name = `readme-example-${i}.yml`;
        writeFileSync(join(project.dir, name), local);
        return runGitlabCiLocal(project.dir, ['--preview', '--file', name], {
          variables,
          stateDir: `.gitlab-ci-local-${name}`,
        });
      }),
    );
    results.forEach((result, i) => {
      expect(result.code, `README example ${i + 1}:\n${blocks[i]}\n${result.output}`).toBe(0);
    });
  });
});

describe('the published component project', () => {
  let mirror: ComponentProject;

  it('stages with the publish script and its own pipeline resolves every component', async () => {
    const out = join(dir, 'published');
    await exec(
      'bash',
      [
        join(REPO_ROOT, 'scripts/publish-gitlab-components.sh'),
        '--project-path',
        'my-group/ga',
        '--out',
        out,
      ],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(readdirSync(join(out, 'templates')).sort()).toEqual(
      actions.map((a) => `${a.definition.name}.yml`).sort(),
    );
    expect(readFileSync(join(out, 'templates/build-push-image.yml'), 'utf8')).toContain(
      'default: $CI_REGISTRY/my-group/ga/runner\n',
    );
    for (const file of [
      'README.md',
      'LICENSE.md',
      '.gitlab-ci.yml',
      'runner/Dockerfile',
      'runner/cli/package.json',
      'runner/cli/dist/cli/index.js',
    ]) {
      expect(() => readFileSync(join(out, file))).not.toThrow();
    }
    mirror = await createComponentProject({ projectPath: 'my-group/ga', source: out, baseDir: dir });
    const result = await runGitlabCiLocal(mirror.dir, ['--preview'], {});
    expect(result.code, result.output).toBe(0);
    const config = parsePreview(result.output) as Record<string, Record<string, unknown>>;
    for (const { definition } of actions) {
      // Included at this commit's SHA there is no version: the project runs the image of the commit.
      expect(config[definition.name]?.image).toEqual({ name: '$RUNNER_IMAGE:$CI_COMMIT_SHA' });
    }
    expect(config['create-release']?.release).toMatchObject({ tag_name: '$CI_COMMIT_TAG' });
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
        'application/vnd.oci.image.index.v1+json',
      ].join(', '),
    },
  });
}

function* walk(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
