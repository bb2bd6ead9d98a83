/**
 * Real work, timed: each action on a realistic path with real parts (git, docker-registry, the local
 * STS/ECR/OIDC server), as paired runs against a baseline measured in the same run, on Node 20 and
 * Node 24 (the GitHub runner's `node24`). Every figure is the median over the pairs.
 *
 *   npm run bench              # full run (7 pairs per case, about 4 minutes on 2 cores)
 *   npm run bench -- --quick   # 3 pairs per case, 20k files instead of 100k in the big cases
 *   BENCH_RUNS=11 npm run bench
 *
 * a. verify-paths-filter on commits changing 1k / 20k / 100k files x 20 filters with excludes, vs
 *    `git diff --name-only` over the same range and vs a bare picomatch loop over the same paths;
 * b. build-push-image re-run (OIDC -> STS -> ECR -> registry: the commit's image is already there);
 * c. bump-gitops-tag in a 100-file vs a 50k-file GitOps repository (a fresh tag each run: it
 *    commits and pushes to a local bare remote);
 * d. package-push-chart re-run (the same chart is already in the registry);
 * e. the bytes of dist/ each of those paths loads.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAwsServer } from '../test/harness/aws-server.ts';
import { node24 } from '../test/harness/node-runtime.ts';
import { makeTempDir } from '../test/harness/process.ts';
import { startRegistry } from '../test/harness/registry.ts';
import {
  appCheckout,
  filtersYaml,
  GIT_ENV,
  GITOPS_IMAGE,
  git,
  gitopsRemote,
  monorepo,
  monorepoFilters,
} from './fixtures.ts';
import { githubStep, type Step, timeProcess } from './step.ts';

const quick = process.argv.includes('--quick');
const pairs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 7));
const BIG = quick ? 20_000 : 100_000;
const SIZES = quick ? [1_000, 20_000] : [1_000, 20_000, 100_000];
const GITOPS_BIG = quick ? 20_000 : 50_000;
const MB = 1_000_000;

if (!existsSync(node24)) throw new Error(`Node.js 24 is missing at ${node24}: run 'bash scripts/setup.sh'`);
const runtimes = [
  { name: 'node20', path: process.execPath },
  { name: 'node24', path: node24 },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Row {
  case: string;
  node: string;
  baseline: string;
  baseMs: number;
  oursMs: number;
  ratio: number;
  target?: number;
}
const rows: Row[] = [];
const loaded: { action: string; path: string; bytes: number }[] = [];

/**
 * Paired runs: baseline and subject alternate (order flipped every pair), one warm-up pair first.
 * Ratio = median of the per-pair ratios.
 */
async function paired(
  ours: () => Promise<number>,
  baseline: () => Promise<number> | number,
): Promise<{ baseMs: number; oursMs: number; ratio: number }> {
  await ours();
  await baseline();
  const b: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2) {
      o.push(await ours());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      o.push(await ours());
    }
  }
  return { baseMs: median(b), oursMs: median(o), ratio: median(o.map((ms, i) => ms / b[i]!)) };
}

function record(
  row: Omit<Row, 'baseMs' | 'oursMs' | 'ratio'>,
  result: Awaited<ReturnType<typeof paired>>,
): void {
  rows.push({ ...row, ...result });
  const r = rows.at(-1)!;
  console.error(
    `  ${r.case} [${r.node}]: ${r.oursMs.toFixed(0)} ms vs ${r.baseline} ${r.baseMs.toFixed(0)} ms = ${r.ratio.toFixed(2)}x`,
  );
}

/** Bytes of dist/ loaded by one run of a step (module URLs recorded by a loader hook). */
async function loadedBytes(step: Step, node: string): Promise<number> {
  const list = join(scratch, `loaded-${randomBytes(4).toString('hex')}`);
  writeFileSync(list, '');
  await step.run(node, ['--import', resolve('bench/loaded-files.mjs')], { GA_BENCH_LOADED: list });
  const dist = resolve('dist');
  const urls = new Set(
    readFileSync(list, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith('file:')),
  );
  let bytes = 0;
  for (const url of urls) {
    const file = fileURLToPath(url);
    if (file.startsWith(`${dist}/`)) bytes += statSync(file).size;
  }
  return bytes;
}

function expectOutputs(what: string, outputs: Record<string, string>, expected: Record<string, string>) {
  for (const [key, value] of Object.entries(expected)) {
    if (outputs[key] !== value) {
      throw new Error(
        `${what}: output ${key} is '${outputs[key]}', expected '${value}' (${JSON.stringify(outputs)})`,
      );
    }
  }
}

const scratch = makeTempDir('ga-bench');
const started = Date.now();
const nodeOnly = (node: string) => timeProcess(node, ['-e', '0']);
const cleanups: (() => Promise<void> | void)[] = [() => rmSync(scratch, { recursive: true, force: true })];

try {
  // a. verify-paths-filter
  console.error(`fixtures: monorepo of ${BIG} files...`);
  const repo = monorepo(join(scratch, 'monorepo'), BIG, SIZES);
  const filters = monorepoFilters();
  for (const size of SIZES) {
    const head = repo.heads.get(size)!;
    const pathsFile = join(scratch, `paths-${size}`);
    writeFileSync(pathsFile, git(repo.dir, ['diff', '--name-only', '-z', repo.base, head]));
    const step = githubStep('verify-paths-filter', {
      scratch,
      workspace: repo.dir,
      inputs: { filters: filtersYaml(filters), base: repo.base },
      env: { GITHUB_SHA: head },
      event: { ref: 'refs/heads/main', repository: { default_branch: 'main' } },
    });
    const counts = JSON.parse(runPicomatch(process.execPath, pathsFile, filters).stdout) as Record<
      string,
      number
    >;
    const label = `verify-paths-filter ${size / 1000}k files`;
    for (const runtime of runtimes) {
      const check = await step.run(runtime.path);
      for (const [name, count] of Object.entries(counts)) {
        expectOutputs(label, check.outputs, { [`${name}-count`]: String(count) });
      }
      const ours = async () => (await step.run(runtime.path)).ms;
      record(
        {
          case: label,
          node: runtime.name,
          baseline: 'git diff --name-only',
          target: size === BIG ? 4 : undefined,
        },
        await paired(ours, () =>
          timeProcess('git', ['diff', '--name-only', '-z', repo.base, head], repo.dir),
        ),
      );
      record(
        { case: label, node: runtime.name, baseline: 'picomatch loop' },
        await paired(ours, () => {
          const start = process.hrtime.bigint();
          runPicomatch(runtime.path, pathsFile, filters);
          return Number(process.hrtime.bigint() - start) / 1e6;
        }),
      );
      if (size === BIG)
        loaded.push({
          action: 'verify-paths-filter',
          path: label,
          bytes: await loadedBytes(step, runtime.path),
        });
    }
  }
  rmSync(repo.dir, { recursive: true, force: true });

  // b. build-push-image re-run and d. package-push-chart re-run, on one registry.
  const registry = await startRegistry({ auth: true });
  cleanups.push(() => registry.stop());
  const roleArn = 'arn:aws:iam::123456789012:role/ci-push';
  const aws = await startAwsServer({
    roleArn,
    registry: { host: registry.host, ecrPassword: registry.ecrPassword },
  });
  cleanups.push(() => aws.stop());

  const app = appCheckout(resolve('test/fixtures/image-app'), join(scratch, 'image-app'));
  const commitTime = git(app.dir, ['show', '-s', '--format=%ct', 'HEAD']).trim();
  const tag = `${commitTime}-${app.sha.slice(0, 7)}`;
  await seedImage(registry, 'my-app', tag, app.sha);
  const image = githubStep('build-push-image', {
    scratch,
    workspace: app.dir,
    inputs: {
      repository: 'my-app',
      'role-to-assume': roleArn,
      'aws-region': 'eu-west-1',
      builder: 'buildah',
    },
    env: { ...aws.env(), GITHUB_SHA: app.sha },
  });
  for (const runtime of runtimes) {
    expectOutputs('build-push-image', (await image.run(runtime.path)).outputs, { built: 'false', tag });
    record(
      { case: 'build-push-image re-run', node: runtime.name, baseline: 'node -e 0', target: 2.5 },
      await paired(
        async () => (await image.run(runtime.path)).ms,
        () => nodeOnly(runtime.path),
      ),
    );
    loaded.push({
      action: 'build-push-image',
      path: 're-run via AWS',
      bytes: await loadedBytes(image, runtime.path),
    });
  }

  const chartApp = appCheckout(
    resolve('test/fixtures/charts/hello'),
    join(scratch, 'chart-app'),
    'charts/hello',
  );
  const chart = githubStep('package-push-chart', {
    scratch,
    workspace: chartApp.dir,
    inputs: {
      registry: registry.host,
      'registry-username': registry.username,
      'registry-password': registry.password,
    },
    env: { GITHUB_SHA: chartApp.sha },
  });
  expectOutputs('package-push-chart first push', (await chart.run(process.execPath)).outputs, {
    pushed: 'true',
  });
  for (const runtime of runtimes) {
    expectOutputs('package-push-chart', (await chart.run(runtime.path)).outputs, { pushed: 'false' });
    record(
      { case: 'package-push-chart re-run', node: runtime.name, baseline: 'node -e 0', target: 2 },
      await paired(
        async () => (await chart.run(runtime.path)).ms,
        () => nodeOnly(runtime.path),
      ),
    );
    loaded.push({
      action: 'package-push-chart',
      path: 're-run',
      bytes: await loadedBytes(chart, runtime.path),
    });
  }

  // c. bump-gitops-tag: 100 files vs the big GitOps repository, a fresh tag (so a commit and a push) each run.
  console.error(`fixtures: GitOps repositories of 100 and ${GITOPS_BIG} files...`);
  const small = gitopsRemote(join(scratch, 'gitops-small'), 100);
  const big = gitopsRemote(join(scratch, 'gitops-big'), GITOPS_BIG);
  const bumpApp = appCheckout(resolve('test/fixtures/image-app'), join(scratch, 'bump-app'));
  let next = 1764000000;
  /** A step whose every run sets a tag newer than the last, so each run commits and pushes. */
  const bump = (remote: string): Step => {
    const step = githubStep('bump-gitops-tag', {
      scratch,
      workspace: bumpApp.dir,
      inputs: { repository: remote, image: GITOPS_IMAGE, tag: 'set-per-run' },
      env: { ...GIT_ENV, GITHUB_SHA: bumpApp.sha },
    });
    return {
      async run(node, args = [], env = {}) {
        const fresh = `${++next}-${randomBytes(4).toString('hex').slice(0, 7)}`;
        const result = await step.run(node, args, { ...env, INPUT_TAG: fresh });
        expectOutputs(`bump-gitops-tag ${remote}`, result.outputs, { changed: 'true' });
        return result;
      },
    };
  };
  const bumpSmall = bump(small);
  const bumpBig = bump(big);
  for (const runtime of runtimes) {
    record(
      { case: 'bump-gitops-tag 100 files', node: runtime.name, baseline: 'node -e 0' },
      await paired(
        async () => (await bumpSmall.run(runtime.path)).ms,
        () => nodeOnly(runtime.path),
      ),
    );
    record(
      {
        case: `bump-gitops-tag ${GITOPS_BIG / 1000}k files`,
        node: runtime.name,
        baseline: 'same, 100 files',
        target: 1.5,
      },
      await paired(
        async () => (await bumpBig.run(runtime.path)).ms,
        async () => (await bumpSmall.run(runtime.path)).ms,
      ),
    );
    loaded.push({
      action: 'bump-gitops-tag',
      path: 'commit and push',
      bytes: await loadedBytes(bumpBig, runtime.path),
    });
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}

// Linearity of verify-paths-filter: cost per extra 1k files, 20k -> 100k against 1k -> 20k.
const linear: string[] = [];
if (SIZES.length === 3) {
  for (const runtime of runtimes) {
    const ms = (size: number) =>
      rows.find((r) => r.node === runtime.name && r.case === `verify-paths-filter ${size / 1000}k files`)!
        .oursMs;
    const low = (ms(20_000) - ms(1_000)) / 19;
    const high = (ms(100_000) - ms(20_000)) / 80;
    linear.push(
      `${runtime.name}: ${low.toFixed(1)} ms per 1k files from 1k to 20k, ${high.toFixed(1)} ms per 1k files from 20k to 100k (${(high / low).toFixed(2)}x; linear = about 1)`,
    );
  }
}

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const out: string[] = [
  `golden-actions bench, ${date} UTC, ${pairs} pairs per case${quick ? ' (--quick)' : ''}; Node ${process.versions.node} and ${spawnVersion(node24)}`,
  '',
  '| case | node | baseline | baseline ms | ours ms | ours / baseline | target | met |',
  '|---|---|---|---:|---:|---:|---:|---|',
];
for (const r of rows) {
  const met = r.target === undefined ? '' : r.ratio <= r.target ? 'yes' : 'NO';
  out.push(
    `| ${r.case} | ${r.node} | ${r.baseline} | ${r.baseMs.toFixed(0)} | ${r.oursMs.toFixed(0)} | ${r.ratio.toFixed(2)}x | ${r.target ? `<= ${r.target}x` : ''} | ${met} |`,
  );
}
out.push('', '| action | path | node | dist bytes loaded | target | met |', '|---|---|---|---:|---:|---|');
loaded.forEach((l, i) => {
  out.push(
    `| ${l.action} | ${l.path} | ${runtimes[i % 2]!.name} | ${l.bytes} | <= ${MB} | ${l.bytes <= MB ? 'yes' : 'NO'} |`,
  );
});
if (linear.length) out.push('', ...linear.map((l) => `- ${l}`));
out.push('', `(whole run: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.log(out.join('\n'));

function runPicomatch(node: string, pathsFile: string, filters: Record<string, string[]>) {
  const result = spawnSyncChecked(node, [
    resolve('bench/picomatch-loop.mjs'),
    pathsFile,
    JSON.stringify(filters),
  ]);
  return result;
}

function spawnSyncChecked(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result;
}

function spawnVersion(node: string): string {
  return `${spawnSyncChecked(node, ['--version']).stdout.trim().replace(/^v/, '')}`;
}

/** Puts an image for `sha` at `tag`: a config carrying the revision label and one small layer. */
async function seedImage(
  registry: { url: string; username: string; password: string },
  repository: string,
  tag: string,
  sha: string,
): Promise<void> {
  const auth = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  const upload = async (data: Buffer) => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: auth },
    });
    const location = new URL(start.headers.get('location')!, registry.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/octet-stream' },
      body: data,
    });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return { digest, size: data.length };
  };
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.revision': sha } },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const c = await upload(config);
  const layer = await upload(randomBytes(512));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  });
  const put = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest: ${put.status} ${await put.text()}`);
}
