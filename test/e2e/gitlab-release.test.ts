/**
 * How the GitLab components are released and which image their jobs run, on real parts:
 *
 * - the release step: scripts/publish-gitlab-components.sh pushes the component project and its
 *   version tag to a bare repository; that tag's pipeline (the project's own .gitlab-ci.yml) runs
 *   whole under gitlab-ci-local: the runner image built by the project's build-push-image with
 *   buildah from locally made bases (Node.js + busybox-static, this machine's docker CLI), the
 *   self-test of every component, the release check, the same image tagged with the version, and
 *   the release job. Then the image runs: `golden-actions --version` inside the container.
 * - `$[[ component.version ]]`, rendered as GitLab renders it: a release runs `runner:<version>` and
 *   refuses a CLI of another version; an unreleased ref has no version, so the pipeline sets `image:`.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type BaseImage, dockerCliImage, nodeBaseImage } from '../harness/base-image.ts';
import { buildahEnv } from '../harness/buildah.ts';
import {
  type ComponentProject,
  createComponentProject,
  type GitlabCiLocalRun,
  jobLog,
  localJob,
  parsePreview,
  REPO_ROOT,
  readJobDotenv,
  runGitlabCiLocal,
} from '../harness/gitlab-ci-local.ts';
import { actionNode } from '../harness/node-runtime.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';

const PROJECT_PATH = 'platform/golden-actions';
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const JOBS = [
  'runner-image',
  'build-push-image',
  'package-push-chart',
  'bump-gitops-tag',
  'verify-paths-filter',
  'outputs',
  'release-check',
  'runner-image-release',
  'create-release',
];
/** No AWS in these pipelines: every component talks to the registry with a user and password. */
const NO_AWS = { stsUrl: 'http://127.0.0.1:9', ecrUrl: 'http://127.0.0.1:9' };

let dir: string;
let registry: RegistryHandle;
let nodeBase: BaseImage;
let dockerCli: BaseImage;
let server: string;
let published: string;
let project: ComponentProject;
let env: NodeJS.ProcessEnv;
let run: GitlabCiLocalRun;

beforeAll(async () => {
  dir = makeTempDir('ga-gitlab-release');
  registry = await startRegistry({ auth: true });
  nodeBase = await nodeBaseImage(registry, actionNode());
  dockerCli = await dockerCliImage(registry, (await exec('sh', ['-c', 'command -v docker'])).stdout.trim());

  // The release step: stage the project, push it and its version tag (GitLab's copy: a bare repository).
  server = join(dir, 'server', `${PROJECT_PATH}.git`);
  await exec('git', ['init', '--quiet', '--bare', '--initial-branch=main', server]);
  published = join(dir, 'published');
  await exec(
    'bash',
    [
      join(REPO_ROOT, 'scripts/publish-gitlab-components.sh'),
      '--project-path',
      PROJECT_PATH,
      '--out',
      published,
      '--push',
      `file://${server}`,
      '--tag',
      // The test runs from a working copy; a release runs from a clean checkout.
      '--allow-dirty',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, GIT_AUTHOR_NAME: 'publisher', GIT_AUTHOR_EMAIL: 'p@example.com' },
    },
  );

  // The tag pipeline, as GitLab runs it for the pushed tag: the project's files at the tag, its
  // container registry, a tag event.
  project = await createComponentProject({ projectPath: PROJECT_PATH, source: published, baseDir: dir });
  const job = localJob(dir, project.dir, NO_AWS, 'no-oidc-token');
  env = job.env;
  run = await runGitlabCiLocal(project.dir, ['--force-shell-executor'], {
    env,
    variables: {
      ...job.variables,
      CI_COMMIT_TAG: VERSION,
      CI_COMMIT_REF_NAME: VERSION,
      CI_COMMIT_BEFORE_SHA: '0000000000000000000000000000000000000000',
      CI_REGISTRY: registry.host,
      CI_REGISTRY_IMAGE: `${registry.host}/${PROJECT_PATH}`,
      CI_REGISTRY_USER: registry.username,
      CI_REGISTRY_PASSWORD: registry.password,
      // The bases of the runner image, made here (no image can be pulled): what the README tells a
      // platform team to set for a mirror or for digests.
      RUNNER_BUILD_ARGS: [
        `NODE_IMAGE=${nodeBase.ref}`,
        `DOCKER_CLI_IMAGE=${dockerCli.ref}`,
        'PACKAGES=',
      ].join('\n'),
      // The pipeline's bump-gitops-tag edits this project on the GitLab server; here, its folder.
      SELFTEST_GITOPS_REPOSITORY: `file://${project.dir}`,
    },
    timeoutMs: 900_000,
  });
  if (run.code !== 0 || process.env.GA_E2E_VERBOSE) console.log(run.output);
}, 1_000_000);

afterAll(async () => {
  await registry?.stop();
  if (dir) removeDir(dir);
});

describe('the release step (publish script + the tag pipeline)', () => {
  it('pushes the component project and its version tag, on the commit the pipeline ran', async () => {
    const git = (...args: string[]) =>
      exec('git', ['--git-dir', server, ...args]).then((r) => r.stdout.trim());
    expect(await git('cat-file', '-t', `refs/tags/${VERSION}`)).toBe('tag');
    expect(await git('rev-parse', `${VERSION}^{commit}`)).toBe(await git('rev-parse', 'main'));
    // The same files the pipeline below ran on (the local copy adds a .gitignore for its state).
    const files = (text: string) => text.split('\n').filter((line) => !line.endsWith('\t.gitignore'));
    expect(files(await git('ls-tree', '-r', VERSION))).toEqual(
      files(await project.git('ls-tree', '-r', 'HEAD')),
    );
  });

  it('the tag pipeline passes: runner image, self-test, release check, versioned image, release', () => {
    for (const job of JOBS) expect(run.output).toMatch(new RegExp(`PASS\\s+${job}\\s*\\n`));
    expect(run.code).toBe(0);
    expect(run.output).not.toContain(registry.password);
    expect(jobLog(run.output, 'create-release')).toContain(
      `Releasing golden-actions components ${VERSION} with ${registry.host}/${PROJECT_PATH}/runner:${VERSION}`,
    );
  });

  it('builds runner:<commit SHA> with build-push-image, then tags that same image runner:<version>', async () => {
    const built = readJobDotenv(project.dir, 'runner-image', 'build-push-image.env');
    expect(built).toMatchObject({
      IMAGE_NAME: `${registry.host}/${PROJECT_PATH}/runner`,
      IMAGE_TAG: project.sha,
      IMAGE_BUILT: 'true',
    });
    const released = readJobDotenv(project.dir, 'runner-image-release', 'build-push-image.env');
    // Reused, not rebuilt: the release ships the bytes the self-test ran.
    expect(released).toMatchObject({
      IMAGE_TAG: project.sha,
      IMAGE_BUILT: 'false',
      IMAGE_DIGEST: built!.IMAGE_DIGEST,
    });
    expect(released!.IMAGE_TAGS!.split(',')).toContain(`${registry.host}/${PROJECT_PATH}/runner:${VERSION}`);
    for (const tag of [project.sha, VERSION]) {
      const manifest = await registryGet(`${PROJECT_PATH}/runner/manifests/${tag}`);
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('docker-content-digest')).toBe(built!.IMAGE_DIGEST);
    }
    // The builder was buildah (no daemon here) and the image is labelled with its commit.
    expect(jobLog(run.output, 'runner-image')).toMatch(/buildah/i);
  });

  it('runner:<version> answers `golden-actions --version` with the version, inside the container', async () => {
    const buildah = async (...args: string[]) =>
      (
        await exec('buildah', args, {
          env: {
            ...process.env,
            ...buildahEnv(join(dir, 'run-buildah')),
            PATH: `/usr/sbin:/sbin:${process.env.PATH}`,
          },
        })
      ).stdout.trim();
    const container = await buildah(
      'from',
      '--quiet',
      '--tls-verify=false',
      '--creds',
      `${registry.username}:${registry.password}`,
      `${registry.host}/${PROJECT_PATH}/runner:${VERSION}`,
    );
    const version = await buildah(
      'run',
      '--isolation',
      'chroot',
      container,
      '--',
      'golden-actions',
      '--version',
    );
    console.log(`golden-actions --version in ${registry.host}/${PROJECT_PATH}/runner:${VERSION}: ${version}`);
    expect(version).toBe(VERSION);
    // What the image was made of: the Node.js of the base, the CLI bundle of this repository.
    expect(await buildah('run', '--isolation', 'chroot', container, '--', 'node', '--version')).toMatch(
      /^v24\./,
    );
    expect(
      await buildah('run', '--isolation', 'chroot', container, '--', 'sh', '-c', 'command -v docker'),
    ).toBe('/usr/local/bin/docker');
    await buildah('rm', container);
  });
});

describe('$[[ component.version ]]: the image of a job', () => {
  const consumer = [
    'include:',
    '  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/verify-paths-filter@$CI_COMMIT_SHA',
    '    inputs: { job-name: with-cli, loop-guard: false }',
    '  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/verify-paths-filter@$CI_COMMIT_SHA',
    '    inputs: { job-name: without-cli, loop-guard: false }',
    'without-cli:',
    '  variables: { PATH: "$SHELL_ONLY_PATH" }',
    '',
  ].join('\n');

  /** The consumer above, in a component project whose include GitLab resolves to `version`. */
  async function runConsumer(version: string | undefined) {
    const consumerProject = await createComponentProject({
      projectPath: PROJECT_PATH,
      baseDir: dir,
      componentVersion: version,
      files: { 'consumer.yml': consumer },
    });
    const preview = await runGitlabCiLocal(consumerProject.dir, ['--preview', '--file', 'consumer.yml'], {
      stateDir: '.gitlab-ci-local-preview',
    });
    expect(preview.code, preview.output).toBe(0);
    const config = parsePreview(preview.output) as Record<string, Record<string, unknown>>;
    const job = localJob(dir, consumerProject.dir, NO_AWS, 'no-oidc-token');
    const result = await runGitlabCiLocal(
      consumerProject.dir,
      ['--force-shell-executor', '--file', 'consumer.yml'],
      {
        env: job.env,
        variables: { ...job.variables, SHELL_ONLY_PATH: await shellOnlyPath() },
      },
    );
    if (process.env.GA_E2E_VERBOSE) console.log(result.output);
    return { config, result };
  }

  it(`a release (@${VERSION}, @1, @~latest): runner:<version>, and the CLI of that version runs`, async () => {
    const { config, result } = await runConsumer(VERSION);
    expect(config['with-cli']!.image).toEqual({
      name: `$CI_REGISTRY/platform/golden-actions/runner:${VERSION}`,
    });
    expect(result.output).toMatch(/PASS\s+with-cli/);
    // An image without the CLI fails with what to do; nothing is fetched from a package registry.
    expect(result.output).toMatch(/FAIL\s+without-cli/);
    expect(jobLog(result.output, 'without-cli')).toContain(
      "golden-actions: the job image has no golden-actions CLI on PATH; use the golden-actions runner image (input 'runner-image')",
    );
  });

  it('a CLI of another version than the release is refused', async () => {
    const { config, result } = await runConsumer('9.9.9');
    expect(config['with-cli']!.image).toEqual({ name: '$CI_REGISTRY/platform/golden-actions/runner:9.9.9' });
    expect(result.output).toMatch(/FAIL\s+with-cli/);
    expect(jobLog(result.output, 'with-cli')).toContain(
      `golden-actions: the job image has CLI ${VERSION}, the component is 9.9.9; use an image with the CLI of exactly 9.9.9.`,
    );
  });

  it('an unreleased ref (a SHA): no version, so the pipeline sets image:, as the project pipeline does', async () => {
    const { config } = await runConsumer(undefined);
    // What GitLab renders without a version: no tag, so the job needs its image set...
    expect(config['with-cli']!.image).toEqual({ name: '$CI_REGISTRY/platform/golden-actions/runner:' });
    // ...which the component project's pipeline does for the commit it builds.
    const preview = await runGitlabCiLocal(project.dir, ['--preview'], {
      stateDir: '.gitlab-ci-local-preview',
    });
    expect(preview.code, preview.output).toBe(0);
    const pipeline = parsePreview(preview.output) as Record<string, Record<string, unknown>>;
    for (const job of ['build-push-image', 'package-push-chart', 'bump-gitops-tag', 'verify-paths-filter']) {
      expect(pipeline[job]!.image, job).toEqual({ name: '$RUNNER_IMAGE:$CI_COMMIT_SHA' });
    }
    expect(pipeline['runner-image']!.image).toEqual({ name: '$RUNNER_BOOTSTRAP_IMAGE' });
  });
});

/** A folder with a shell and nothing else: the PATH of an image without the CLI. */
async function shellOnlyPath(): Promise<string> {
  const folder = join(dir, 'path-shell-only');
  if (!existsSync(folder)) {
    mkdirSync(folder);
    for (const program of ['bash', 'sh']) {
      symlinkSync((await exec('sh', ['-c', `command -v ${program}`])).stdout.trim(), join(folder, program));
    }
  }
  return folder;
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
