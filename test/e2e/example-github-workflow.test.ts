/**
 * The example GitHub workflow (`examples/my-app/.github/workflows/build-and-push.yaml`) run three
 * pushes in a row, as a team's main branch sees it: each push starts the job, whose steps run as the
 * runner runs them (`if:` and `${{ }}` by GitHub's expression library, our steps as the committed
 * bundles on Node 24) against real parts: buildah, a registry with htpasswd auth behind the local
 * STS/ECR server (OIDC -> role -> ECR login), and a bare repository standing in for the GitHub
 * repository that bump-gitops-tag pushes to.
 *
 * 1. app and chart change (chart version bumped, as Chart.yaml asks): image, chart, tag bump.
 * 2. only the app changes: image and tag bump; the chart step is skipped.
 * 3. only the chart changes (version bumped): the chart alone, with Chart.yaml's appVersion.
 *
 * What differs from a user's repository, each for a reason given where it is done: their registry
 * (here the harness's) in deploy/ and the chart's values, as the example README's setup asks; the
 * base image mirror as a build argument (no Docker Hub here); the GitHub server's git URL mapped to
 * the local bare repository (git's url.insteadOf, in the steps' environment only).
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { type BaseImage, baseImage } from '../harness/base-image.ts';
import { buildahEnv } from '../harness/buildah.ts';
import { runAsGitHub } from '../harness/github-runner.ts';
import { node24Version } from '../harness/node-runtime.ts';
import { makeTempDir, removeDir } from '../harness/process.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';
import { runWorkflowJob, type WorkflowRunResult } from '../harness/workflow.ts';

const root = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(root, 'examples/my-app');
const WORKFLOW = '.github/workflows/build-and-push.yaml';
const REPOSITORY = 'my-org/my-app';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/my-app-ci';
const ECR_EXAMPLE_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const MARKED_FILE = 'deploy/production/helmrelease-patch.yaml';

let dir: string;
let registry: RegistryHandle;
let aws: AwsServer;
let base: BaseImage;
/** The repository on the "GitHub server", and a developer's clone that pushes to it. */
let server: string;
let dev: string;
let stepEnv: Record<string, string>;
/** Each push's run, with the Node.js versions our steps ran on and the tag on main afterwards. */
const runs: { sha: string; result: WorkflowRunResult; nodes: string[]; deployed?: string }[] = [];

const gitIdentity = {
  GIT_AUTHOR_NAME: 'dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};
const git = async (cwd: string, args: string[], env: Record<string, string> = {}) =>
  (await exec('git', args, { cwd, env: { ...process.env, ...gitIdentity, ...env } })).stdout.trim();

function walk(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The developer pulls (the bump commits land on main), changes files, commits at `time` and pushes. */
async function push(
  message: string,
  time: number,
  change: (file: string) => string | undefined,
  files: string[],
) {
  await git(dev, ['pull', '-q', '--rebase', 'origin', 'main']);
  const before = await git(dev, ['rev-parse', 'HEAD']);
  for (const file of files) {
    const text = change(file);
    if (text !== undefined) writeFileSync(join(dev, file), text);
  }
  const date = { GIT_AUTHOR_DATE: `@${time} +0000`, GIT_COMMITTER_DATE: `@${time} +0000` };
  await git(dev, ['commit', '-q', '-am', message], date);
  await git(dev, ['push', '-q', 'origin', 'HEAD:main']);
  return { before, after: await git(dev, ['rev-parse', 'HEAD']), time };
}

/** The workflow job for one push: a fresh shallow checkout, then the workflow's own steps. */
async function runPush(pushed: { before: string; after: string; time: number }) {
  const workspace = makeTempDir('ga-gh-checkout', dir);
  const nodes: string[] = [];
  const event = {
    ref: 'refs/heads/main',
    before: pushed.before,
    after: pushed.after,
    created: false,
    forced: false,
    repository: { full_name: REPOSITORY, default_branch: 'main' },
    head_commit: { id: pushed.after, timestamp: new Date(pushed.time * 1000).toISOString() },
  };
  const github = {
    event_name: 'push',
    event,
    ref: 'refs/heads/main',
    ref_name: 'main',
    sha: pushed.after,
    repository: REPOSITORY,
  };
  const result = await runWorkflowJob({
    file: join(EXAMPLE, WORKFLOW),
    cwd: workspace,
    github,
    env: { ...process.env, ...stepEnv },
    uses: async (uses, inputs) => {
      if (uses.startsWith('actions/checkout@')) {
        // actions/checkout's default: the pushed commit at depth 1.
        await git(workspace, ['init', '-q', '-b', 'main']);
        await git(workspace, ['fetch', '-q', '--depth=1', `file://${server}`, pushed.after]);
        await git(workspace, ['checkout', '-q', '--detach', pushed.after]);
        await git(workspace, ['remote', 'add', 'origin', `https://github.com/${REPOSITORY}`]);
        return { code: 0, outputs: {}, stdout: '', stderr: '' };
      }
      const name = /^org\/golden-actions\/([a-z-]+)@v1$/.exec(uses)?.[1];
      if (!name) throw new Error(`unexpected uses: ${uses}`);
      // The base image mirror (see the header): the Dockerfile's default base is on Docker Hub.
      const extra: Record<string, string> =
        name === 'build-push-image' ? { 'build-args': `BASE_IMAGE=${base.ref}` } : {};
      const run = await runAsGitHub(join(root, 'dist', name, 'index.js'), {
        cwd: workspace,
        inputs: { ...inputs, ...extra },
        env: {
          ...stepEnv,
          GITHUB_SHA: pushed.after,
          GITHUB_REF: 'refs/heads/main',
          GITHUB_REPOSITORY: REPOSITORY,
          GITHUB_EVENT_NAME: 'push',
        },
        event,
      });
      nodes.push(run.node);
      return { code: run.code, outputs: run.outputs, stdout: run.stdout, stderr: run.stderr };
    },
  });
  if (!result.ok || process.env.GA_E2E_VERBOSE) console.log(JSON.stringify(result.steps, null, 2));
  runs.push({ sha: pushed.after, result, nodes, deployed: await bumpedTag('main') });
}

const ran = (result: WorkflowRunResult) => result.steps.filter((s) => !s.skipped).map((s) => s.key);
const bumpedTag = async (rev: string) =>
  /tag: (\S+) # \{"\$imagepolicy"/.exec(await git(server, ['show', `${rev}:${MARKED_FILE}`]))?.[1];

async function registryDigest(repository: string, tag: string): Promise<string | null> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  return response.ok ? response.headers.get('docker-content-digest') : null;
}

/** The chart's metadata as pushed: Helm's config blob is Chart.yaml as JSON. */
async function chartConfig(version: string): Promise<{ version: string; appVersion?: string }> {
  const get = async (path: string, accept = '*/*') => {
    const response = await fetch(`${registry.url}/v2/charts/my-app/${path}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
        accept,
      },
    });
    return response.json();
  };
  const manifest = (await get(`manifests/${version}`, 'application/vnd.oci.image.manifest.v1+json')) as {
    config: { digest: string };
  };
  return (await get(`blobs/${manifest.config.digest}`)) as { version: string; appVersion?: string };
}

beforeAll(async () => {
  dir = makeTempDir('ga-example-github');
  registry = await startRegistry({ auth: true });
  aws = await startAwsServer({
    roleArn: ROLE_ARN,
    registry: { host: registry.host, ecrPassword: registry.ecrPassword },
    // The example README's setup: both ECR repositories exist.
    repositories: ['my-app', 'charts/my-app'],
    subject: `repo:${REPOSITORY}:ref:refs/heads/main`,
  });
  base = await baseImage(registry);

  // The user's repository: the example as it is, with their registry in deploy/ and the values.
  dev = join(dir, 'dev');
  cpSync(EXAMPLE, dev, { recursive: true });
  for (const file of walk(dev).filter((f) => /\.ya?ml$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    if (text.includes(ECR_EXAMPLE_HOST))
      writeFileSync(file, text.split(ECR_EXAMPLE_HOST).join(registry.host));
  }
  server = join(dir, 'server', `${REPOSITORY}.git`);
  await exec('git', ['init', '-q', '--bare', '-b', 'main', server]);
  await git(dev, ['init', '-q', '-b', 'main']);
  await git(dev, ['add', '-A']);
  await git(dev, ['commit', '-q', '-m', 'my-app'], {
    GIT_AUTHOR_DATE: '@1764000000 +0000',
    GIT_COMMITTER_DATE: '@1764000000 +0000',
  });
  await git(dev, ['remote', 'add', 'origin', server]);
  await git(dev, ['push', '-q', 'origin', 'main']);

  stepEnv = {
    ...aws.env(),
    ...buildahEnv(join(dir, 'buildah')),
    // A runner without a docker daemon: `builder: auto` takes buildah.
    DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}`,
    // The GitHub server's git URL, which bump-gitops-tag computes from GITHUB_SERVER_URL and
    // GITHUB_REPOSITORY, and the checkout's origin (no .git), are served from the bare repository.
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: `url.file://${server}.insteadOf`,
    GIT_CONFIG_VALUE_0: `https://github.com/${REPOSITORY}.git`,
    GIT_CONFIG_KEY_1: `url.file://${server}.insteadOf`,
    GIT_CONFIG_VALUE_1: `https://github.com/${REPOSITORY}`,
  };

  const chartFile = 'charts/my-app/Chart.yaml';
  const bumpChart = (to: string) => (file: string) =>
    file === chartFile
      ? readFileSync(join(dev, file), 'utf8').replace(/^version: .*$/m, `version: ${to}`)
      : undefined;
  const page = (text: string) => (file: string) => (file === 'app/www/index.html' ? text : undefined);

  await runPush(
    await push(
      'app: a new page; chart 1.0.1',
      1767000000,
      (file) => page('<p>push 1</p>\n')(file) ?? bumpChart('1.0.1')(file),
      ['app/www/index.html', chartFile],
    ),
  );
  await runPush(await push('app: another page', 1767000600, page('<p>push 2</p>\n'), ['app/www/index.html']));
  await runPush(await push('chart 1.0.2', 1767001200, bumpChart('1.0.2'), [chartFile]));
}, 600_000);

afterAll(async () => {
  await aws?.stop();
  await registry?.stop();
  if (dir) removeDir(dir);
});

describe(`examples/my-app/${WORKFLOW}, three pushes in a row`, () => {
  it('every push passes, and every step of ours runs on Node 24', () => {
    expect(runs.map((r) => r.result.ok)).toEqual([true, true, true]);
    for (const { nodes } of runs) for (const node of nodes) expect(node).toBe(node24Version());
    expect(node24Version()).toMatch(/^v24\./);
  });

  it('push 1 (app and chart): image, chart with the image tag as appVersion, tag bump', async () => {
    const { result, sha } = runs[0]!;
    expect(ran(result)).toEqual([
      'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
      'changes',
      'image',
      'chart',
      'Record the new tag for Flux',
    ]);
    const { image, chart } = result.outputs;
    expect(image!.tag).toBe(`1767000000-${sha.slice(0, 7)}`);
    expect(await registryDigest('my-app', image!.tag!)).toBe(image!.digest);
    expect(chart).toMatchObject({ version: '1.0.1', pushed: 'true' });
    expect(await registryDigest('charts/my-app', '1.0.1')).toBe(chart!.digest);
    expect(await chartConfig('1.0.1')).toMatchObject({ version: '1.0.1', appVersion: image!.tag });
    expect(runs[0]!.deployed).toBe(image!.tag);
  });

  it('push 2 (app only): a new image and bump; the chart step is skipped', async () => {
    const { result, sha } = runs[1]!;
    expect(ran(result)).toEqual([
      'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
      'changes',
      'image',
      'Record the new tag for Flux',
    ]);
    expect(result.outputs.changes).toMatchObject({ app: 'true', chart: 'false' });
    expect(result.outputs.image!.tag).toBe(`1767000600-${sha.slice(0, 7)}`);
    expect(runs[1]!.deployed).toBe(result.outputs.image!.tag);
  });

  it('push 3 (chart only): the chart alone, with appVersion from Chart.yaml; no image, no bump', async () => {
    const { result } = runs[2]!;
    expect(ran(result)).toEqual([
      'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
      'changes',
      'chart',
    ]);
    expect(result.outputs.chart).toMatchObject({ version: '1.0.2', pushed: 'true' });
    expect(await registryDigest('charts/my-app', '1.0.2')).toBe(result.outputs.chart!.digest);
    expect(await chartConfig('1.0.2')).toMatchObject({ version: '1.0.2', appVersion: 'dev' });
    expect(runs[2]!.deployed).toBe(runs[1]!.deployed);
  });

  it('leaves main with the three pushes and one bump commit per image, each starting no build', async () => {
    const log = (await git(server, ['log', '--format=%s', 'main'])).split('\n');
    expect(log.slice(0, 5)).toEqual([
      'chart 1.0.2',
      expect.stringMatching(/^chore\(deploy\): update .*\/my-app to 1767000600-[0-9a-f]{7} \[skip ci\]$/),
      'app: another page',
      expect.stringMatching(/^chore\(deploy\): update .*\/my-app to 1767000000-[0-9a-f]{7} \[skip ci\]$/),
      'app: a new page; chart 1.0.1',
    ]);
  });
});
