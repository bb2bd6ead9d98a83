#!/usr/bin/env node
/**
 * The golden path in one command (`npm run demo`), on this machine only, nothing from the internet:
 *
 *   local OCI registry (docker-registry, htpasswd auth) on a free loopback port
 *   -> base image made from busybox-static, pushed there
 *   -> a copy of examples/my-app (git, one commit) and a bare GitOps repo seeded from its deploy/
 *   -> build-push-image -> package-push-chart -> bump-gitops-tag -> verify-paths-filter, through the CLI
 *   -> the image is run once (GET /health), and a summary of what Flux would deploy.
 *
 * Everything lives in one temporary folder and every process the demo starts is stopped again, also on
 * failure and Ctrl-C. Steps whose implementation has not landed yet are reported as such; the demo goes on
 * where it can (the image tag is then computed the way build-push-image computes it).
 *
 * Plain Node ESM on purpose: it runs on a fresh clone after `scripts/setup.sh`, with no TypeScript loader.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import {
  access,
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'golden-actions.js');
const example = join(root, 'examples', 'my-app');
const user = 'demo';
const password = randomBytes(18).toString('base64url');
const started = performance.now();

// The demo runs its own registry and buildah: variables meant for the user's own container setup
// must not steer them (docker-registry reads every REGISTRY_* variable as its configuration).
for (const key of Object.keys(process.env)) {
  if (/^(REGISTRY_|DOCKER_|BUILDAH_)/.test(key)) delete process.env[key];
}

// ---------------------------------------------------------------------------------------------------------
// Output

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text));
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const yellow = paint('33');
const red = paint('31');
const cyan = paint('36');
const say = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
/** Never print the registry password, whatever a program echoes. */
const redact = (text) => text.split(password).join('***');

const STEP_COUNT = 9;
let stepNumber = 0;
/** Titles of the steps that reported "not implemented yet". */
const pending = [];

/** Runs one numbered step; `fn` returns a one-line result, or `{ pending: reason }` / `{ skipped: reason }`. */
async function step(title, fn) {
  stepNumber += 1;
  say(`${bold(cyan(`[${stepNumber}/${STEP_COUNT}]`))} ${bold(title)}`);
  const t0 = performance.now();
  const result = await fn();
  const took = dim(seconds(performance.now() - t0));
  if (result && typeof result === 'object' && 'pending' in result) {
    say(`      ${yellow(`⏳ ${result.pending}`)} ${took}`);
    pending.push(title);
  } else if (result && typeof result === 'object' && 'skipped' in result) {
    say(`      ${dim(`– skipped: ${result.skipped}`)}`);
  } else {
    say(`      ${green('✓')} ${result ?? ''} ${took}`);
  }
  return result;
}

class DemoError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Processes and clean-up

/** Clean-up actions, run in reverse order exactly once (normal end, failure, Ctrl-C). */
const cleanups = [];
/**
 * Every process the demo started and that still runs. Each gets a process group of its own, so stopping
 * it also stops what it started (buildah under the CLI); Ctrl-C reaches them through the demo.
 */
const running = new Set();
let cleaning;
let interrupted = false;

function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...running].map((child) => stop(child)));
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        say(dim(`      clean-up: ${error.message}`));
      }
    }
  })();
  return cleaning;
}

/** Stops a process the demo started, by its id (its process group): SIGTERM, SIGKILL after 3 s. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => {
    interrupted = true;
    say(`\n${yellow(`${signal}: stopping everything the demo started…`)}`);
    cleanup().finally(() => process.exit(code));
  });
}

/**
 * Runs a program (argument array, no shell) and resolves with its output. `echo` streams stderr lines
 * indented under the current step; `input` goes to stdin; a non-zero exit rejects unless `allowFailure`.
 */
function run(command, args, options = {}) {
  const { cwd, env, input, echo = false, allowFailure = false } = options;
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(command, args, {
        cwd,
        env: env ?? process.env,
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
      }),
    );
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!echo) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) say(dim(`      │ ${redact(line)}`));
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('error', (error) => reject(new DemoError(`cannot run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (echo && partial) say(dim(`      │ ${redact(partial)}`));
      const result = { code: code ?? 128, signal, stdout, stderr };
      if (code === 0 || allowFailure) resolve(result);
      else {
        const tail = redact(stderr.trim()).split('\n').slice(-15).join('\n');
        reject(
          new DemoError(
            `${command} ${args[0] ?? ''} failed (exit ${code ?? signal})${tail ? `:\n${tail}` : ''}`,
          ),
        );
      }
    });
  });
}

/** Starts a long-running program; the demo stops it at the end. */
const startDaemon = (command, args, options) => track(spawn(command, args, { ...options, detached: true }));

function track(child) {
  running.add(child);
  child.on('exit', () => running.delete(child));
  child.on('error', () => running.delete(child));
  return child;
}

async function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      await access(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not here
    }
  }
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = await check().catch((error) => error.message);
    if (reason === true) return;
    if (Date.now() > deadline) throw new DemoError(`${what} did not come up: ${reason}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Registry client (just enough for the summary)

function registryClient(host) {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json',
  ].join(', ');
  const get = async (path, headers = {}) => {
    const response = await fetch(`http://${host}/v2/${path}`, { headers: { authorization, ...headers } });
    if (!response.ok) throw new DemoError(`registry GET /v2/${path}: HTTP ${response.status}`);
    return response;
  };
  return {
    async tags(repository) {
      const response = await fetch(`http://${host}/v2/${repository}/tags/list`, {
        headers: { authorization },
      });
      if (response.status === 404) return [];
      if (!response.ok) throw new DemoError(`registry tags of ${repository}: HTTP ${response.status}`);
      return (await response.json()).tags ?? [];
    },
    async manifest(repository, reference) {
      const response = await get(`${repository}/manifests/${reference}`, { accept });
      return { digest: response.headers.get('docker-content-digest'), body: await response.json() };
    },
    async blobJson(repository, digest) {
      return (await get(`${repository}/blobs/${digest}`)).json();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The golden-actions CLI

/** Environment every action step gets: buildah without a daemon, temp files under our folder. */
let actionEnv;

/**
 * Runs `golden-actions <action> ... --json` in the app repository. Resolves with the outputs, or with
 * `{ pending }` when the action reports that it is not implemented yet. Any other failure stops the demo.
 */
async function action(name, flags, cwd) {
  say(dim(`      $ golden-actions ${name} ${flags.map(quoteArg).join(' ')}`));
  const result = await run(process.execPath, [cli, name, ...flags, '--json'], {
    cwd,
    env: actionEnv,
    echo: true,
    allowFailure: true,
  });
  if (result.code === 0) {
    try {
      return { outputs: JSON.parse(result.stdout || '{}') };
    } catch {
      throw new DemoError(`${name} printed no JSON outputs:\n${redact(result.stdout)}`);
    }
  }
  const message = redact(result.stderr.trim()).split('\n').filter(Boolean).pop() ?? `exit ${result.code}`;
  const reason = message.replace(/^error:\s*/, '');
  if (/not implemented yet/i.test(reason)) return { pending: reason };
  throw new DemoError(`${name} failed (exit ${result.code}): ${reason}`);
}

/** Shell-style quoting for the command line shown (the demo itself never uses a shell). */
function quoteArg(arg) {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (arg.includes('\n')) return `$'${arg.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n')}'`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------------------
// What Flux would do with the GitOps repository

function deepMerge(base, patch) {
  if (!isObject(base) || !isObject(patch)) return patch;
  const merged = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = deepMerge(base[key], value);
  return merged;
}
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The tag a numerical Flux ImagePolicy (the example's) would pick from `tags`; undefined for other kinds. */
function imagePolicyChoice({ filterTags = {}, policy = {} }, tags) {
  if (!policy.numerical) return undefined;
  // Go RE2 named groups `(?P<n>` are `(?<n>` in JS; Go's `$name` expansion maps onto the groups.
  const pattern = new RegExp((filterTags.pattern ?? '').replace(/\(\?P</g, '(?<'));
  const extract = filterTags.extract ?? '$0';
  const sign = policy.numerical.order === 'desc' ? -1 : 1;
  let best;
  for (const tag of tags) {
    const match = pattern.exec(tag);
    if (!match) continue;
    const value = Number.parseFloat(
      extract.replace(/\$\{?(\w+)\}?/g, (_m, name) => match.groups?.[name] ?? match[Number(name)] ?? ''),
    );
    if (!best || sign * (value - best.value) >= 0) best = { tag, value };
  }
  return best?.tag;
}

// ---------------------------------------------------------------------------------------------------------
// The demo

async function main() {
  say(bold('golden-actions demo: the golden path on a copy of examples/my-app'));
  say(dim('build the image, push image and chart, record the tag in Git for Flux, check the triggers'));
  say();

  const work = await mkdtemp(join(tmpdir(), 'golden-actions-demo-'));
  cleanups.push(() => rm(work, { recursive: true, force: true, maxRetries: 3 }));
  const paths = {
    registryData: join(work, 'registry'),
    storage: join(work, 'containers'),
    authfile: join(work, 'auth.json'),
    app: join(work, 'my-app'),
    gitops: join(work, 'gitops.git'),
    gitopsSeed: join(work, 'gitops-seed'),
    temp: join(work, 'tmp'),
  };
  await mkdir(paths.temp, { recursive: true });

  const buildahEnv = {
    ...process.env,
    BUILDAH_ISOLATION: 'chroot',
    STORAGE_DRIVER: 'vfs',
    CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'),
    REGISTRY_AUTH_FILE: paths.authfile,
    TMPDIR: paths.temp,
  };
  await writeFile(
    buildahEnv.CONTAINERS_STORAGE_CONF,
    `[storage]\ndriver = "vfs"\nrunroot = "${join(paths.storage, 'run')}"\ngraphroot = "${join(paths.storage, 'graph')}"\n`,
  );

  // 1. Preflight ------------------------------------------------------------------------------------------
  await step('Preflight', async () => {
    const needed = {
      'docker-registry': 'docker-registry',
      htpasswd: 'apache2-utils',
      buildah: 'buildah',
      git: 'git',
      busybox: 'busybox-static',
    };
    const missing = [];
    for (const [command, pkg] of Object.entries(needed)) if (!(await onPath(command))) missing.push(pkg);
    if (missing.length)
      throw new DemoError(
        `missing programs; install: apt-get install -y ${missing.join(' ')} (or run: bash scripts/setup.sh)`,
      );
    if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) {
      say(dim('      dist/ is missing: npm run build'));
      await run('npm', ['run', 'build'], { cwd: root, echo: true });
    }
    const version = (await run(process.execPath, [cli, '--version'])).stdout.trim();
    return `golden-actions ${version}, Node ${process.versions.node}, work folder ${dim(work)}`;
  });

  // 2. Registry -------------------------------------------------------------------------------------------
  const port = await freePort();
  const registry = `127.0.0.1:${port}`;
  const client = registryClient(registry);
  await step('Local OCI registry', async () => {
    const htpasswd = await run('htpasswd', ['-niB', user], { input: password });
    await writeFile(join(work, 'htpasswd'), htpasswd.stdout);
    await writeFile(
      join(work, 'registry.yml'),
      [
        'version: 0.1',
        'log: { level: warn, accesslog: { disabled: true } }',
        `storage: { filesystem: { rootdirectory: "${paths.registryData}" }, delete: { enabled: true } }`,
        `http: { addr: "${registry}", secret: "${randomBytes(16).toString('hex')}" }`,
        `auth: { htpasswd: { realm: golden-actions-demo, path: "${join(work, 'htpasswd')}" } }`,
        '',
      ].join('\n'),
    );
    const daemon = startDaemon('docker-registry', ['serve', join(work, 'registry.yml')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    daemon.stderr.on('data', (chunk) => {
      log += chunk;
    });
    await waitFor('the registry', async () => {
      if (daemon.exitCode !== null)
        throw new Error(`exited with ${daemon.exitCode}: ${log.trim().split('\n').pop()}`);
      const response = await fetch(`http://${registry}/v2/`);
      return response.status === 401 || `HTTP ${response.status}`;
    });
    await run(
      'buildah',
      [
        'login',
        '--authfile',
        paths.authfile,
        '--tls-verify=false',
        '--username',
        user,
        '--password-stdin',
        registry,
      ],
      {
        env: buildahEnv,
        input: password,
      },
    );
    return `${registry} (docker-registry, htpasswd auth, user ${user}, password only in env/stdin)`;
  });

  // 3. Base image -----------------------------------------------------------------------------------------
  const busyboxVersion =
    /v(\d+\.\d+\.\d+)/.exec((await run('busybox', [], { allowFailure: true })).stdout)?.[1] ?? 'local';
  const baseImage = `${registry}/base/busybox:${busyboxVersion}`;
  await step('Base image', async () => {
    const rootfs = join(work, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await mkdir(join(rootfs, 'tmp'), { recursive: true });
    await chmod(join(rootfs, 'tmp'), 0o1777);
    await cp(await onPath('busybox'), join(rootfs, 'bin', 'busybox'));
    const applets = (await run('busybox', ['--list'])).stdout.split('\n').filter((a) => a && a !== 'busybox');
    await Promise.all(applets.map((applet) => symlink('busybox', join(rootfs, 'bin', applet))));
    await writeFile(
      join(rootfs, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    );
    await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
    const container = (await run('buildah', ['from', 'scratch'], { env: buildahEnv })).stdout.trim();
    cleanups.push(() => run('buildah', ['rm', container], { env: buildahEnv, allowFailure: true }));
    await run('buildah', ['copy', container, rootfs, '/'], { env: buildahEnv });
    await run('buildah', ['config', '--cmd', '/bin/sh', '--env', 'PATH=/bin', container], {
      env: buildahEnv,
    });
    await run(
      'buildah',
      [
        'commit',
        '--quiet',
        '--authfile',
        paths.authfile,
        '--tls-verify=false',
        '--timestamp',
        '0',
        container,
        `docker://${baseImage}`,
      ],
      { env: buildahEnv },
    );
    return `${baseImage} (busybox ${busyboxVersion} from busybox-static, ${applets.length} applets)`;
  });

  // 4. Repositories ---------------------------------------------------------------------------------------
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Demo Developer',
    GIT_AUTHOR_EMAIL: 'developer@example.com',
    GIT_COMMITTER_NAME: 'Demo Developer',
    GIT_COMMITTER_EMAIL: 'developer@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const git = (args, cwd) => run('git', args, { cwd, env: gitEnv });
  const exampleRegistry = parse(
    await readFile(join(example, 'deploy', 'common', 'imagerepository.yaml'), 'utf8'),
  ).spec.image.split('/')[0];
  let sha;
  await step('Repositories', async () => {
    await cp(example, paths.app, { recursive: true });
    await git(['init', '--quiet', '--initial-branch=main'], paths.app);
    await git(['add', '--all'], paths.app);
    await git(['commit', '--quiet', '--message', 'my-app: first version'], paths.app);
    sha = (await git(['rev-parse', 'HEAD'], paths.app)).stdout.trim();

    // The GitOps remote: deploy/ of the example, pointing at the demo registry instead of ECR.
    await git(['init', '--quiet', '--bare', '--initial-branch=main', paths.gitops], work);
    await git(['init', '--quiet', '--initial-branch=main', paths.gitopsSeed], work);
    for (const file of await listFiles(join(example, 'deploy'))) {
      const text = (await readFile(file, 'utf8'))
        .split(exampleRegistry)
        .join(registry)
        .replace(/^(\s*provider:\s*)aws\b/gm, '$1generic');
      const target = join(paths.gitopsSeed, 'deploy', file.slice(join(example, 'deploy').length + 1));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    await git(['add', '--all'], paths.gitopsSeed);
    await git(['commit', '--quiet', '--message', 'Flux config for my-app'], paths.gitopsSeed);
    await git(['push', '--quiet', paths.gitops, 'HEAD:refs/heads/main'], paths.gitopsSeed);
    say(dim(`      GitOps remote: deploy/ of the example, ${exampleRegistry} replaced by ${registry}`));
    return `my-app at ${sha.slice(0, 7)} (one commit), GitOps remote gitops.git (main)`;
  });

  actionEnv = {
    ...buildahEnv,
    // Not the developer's identity: the CLI's bump-gitops-tag commits as git's configured user, here a bot.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'user.name',
    GIT_CONFIG_VALUE_0: 'golden-actions demo',
    GIT_CONFIG_KEY_1: 'user.email',
    GIT_CONFIG_VALUE_1: 'demo-bot@example.com',
    GA_INPUT_REGISTRY_PASSWORD: password,
    RUNNER_TEMP: paths.temp,
    NO_COLOR: '1',
  };
  const registryFlags = ['--registry', registry, '--registry-username', user];

  // 5. build-push-image -----------------------------------------------------------------------------------
  let image = `${registry}/my-app`;
  let tag;
  let digest;
  await step('build-push-image', async () => {
    const result = await action(
      'build-push-image',
      [
        '--repository',
        'my-app',
        '--context',
        'app',
        '--builder',
        'buildah',
        '--build-args',
        `BASE_IMAGE=${baseImage}`,
        ...registryFlags,
      ],
      paths.app,
    );
    if (result.pending) {
      // The same tag build-push-image would give this commit: type=timestamp-sha.
      const time = (await git(['show', '--no-patch', '--format=%ct', sha], paths.app)).stdout.trim();
      tag = `${time}-${sha.slice(0, 7)}`;
      say(dim(`      continuing with the tag it would give this commit: ${tag} (type=timestamp-sha)`));
      return result;
    }
    ({ image, tag, digest } = result.outputs);
    if (!tag || !digest)
      throw new DemoError(`build-push-image gave no tag/digest: ${JSON.stringify(result.outputs)}`);
    return `${image}:${tag} ${dim(digest)}${result.outputs.built === false ? ' (reused)' : ''}`;
  });

  // 6. package-push-chart ---------------------------------------------------------------------------------
  let chart;
  await step('package-push-chart', async () => {
    const result = await action(
      'package-push-chart',
      ['--chart', 'charts/my-app', '--app-version', tag, ...registryFlags],
      paths.app,
    );
    if (result.pending) return result;
    chart = result.outputs;
    return `${chart.ref} ${dim(chart.digest ?? '')} (appVersion ${tag})`;
  });

  // 7. bump-gitops-tag ------------------------------------------------------------------------------------
  let bump;
  await step('bump-gitops-tag', async () => {
    const result = await action(
      'bump-gitops-tag',
      [
        '--repository',
        `file://${paths.gitops}`,
        '--branch',
        'main',
        '--files',
        'deploy/**/*.yaml',
        '--image',
        image,
        '--tag',
        tag,
      ],
      paths.app,
    );
    if (result.pending) return result;
    bump = result.outputs;
    if (bump.changed !== true)
      throw new DemoError(`bump-gitops-tag changed nothing: ${JSON.stringify(bump)}`);
    return `commit ${bump.commit?.slice(0, 7)} on main: ${bump['previous-tag'] || '?'} → ${tag}`;
  });

  // 8. verify-paths-filter --------------------------------------------------------------------------------
  // In the one-repository shape the bump commit lands in the application repository itself: make that
  // commit here (the same one-line change), and check with the example workflow's own filters that it
  // starts no build and that no build trigger fires on what automation writes.
  await step('verify-paths-filter', async () => {
    const patchFile = join(paths.app, 'deploy', 'production', 'helmrelease-patch.yaml');
    const before = await readFile(patchFile, 'utf8');
    const after = before.replace(/^(\s*tag:\s*)\S+(\s+#\s*\{"\$imagepolicy")/m, `$1${tag}$2`);
    if (after === before) throw new DemoError(`no $imagepolicy tag marker in ${patchFile}`);
    await writeFile(patchFile, after);
    await git(
      ['commit', '--quiet', '--all', '--message', `chore(deploy): update my-app to ${tag}`],
      paths.app,
    );
    say(dim(`      bump commit in the app repository: deploy/production/helmrelease-patch.yaml → ${tag}`));
    const workflow = parse(
      await readFile(join(paths.app, '.github', 'workflows', 'build-and-push.yaml'), 'utf8'),
    );
    const filters = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .find((s) => s.uses?.includes('/verify-paths-filter@'))?.with?.filters;
    if (!filters) throw new DemoError('the example workflow has no verify-paths-filter step');
    const result = await action('verify-paths-filter', ['--filters', filters, '--base', 'HEAD~1'], paths.app);
    if (result.pending) return result;
    const filter = result.outputs;
    if (filter['loop-risk'] !== false)
      throw new DemoError(
        `verify-paths-filter reports a build-loop risk in the example: ${JSON.stringify(filter)}`,
      );
    // --json gives typed values: booleans, and `changes` as a list.
    if (filter.changes.length > 0)
      throw new DemoError(`the bump commit would start a build: changes ${JSON.stringify(filter.changes)}`);
    return `the bump commit builds nothing (changes: ${JSON.stringify(filter.changes)}, app=${filter.app}, chart=${filter.chart}); loop risk: false`;
  });

  // 9. Run the image --------------------------------------------------------------------------------------
  await step('Run the image', async () => {
    if (!digest) return { skipped: 'no image was built' };
    const container = (
      await run(
        'buildah',
        ['from', '--quiet', '--authfile', paths.authfile, '--tls-verify=false', `${image}@${digest}`],
        { env: buildahEnv },
      )
    ).stdout.trim();
    cleanups.push(() => run('buildah', ['rm', container], { env: buildahEnv, allowFailure: true }));
    const httpPort = await freePort();
    const httpd = startDaemon(
      'buildah',
      [
        'run',
        '--env',
        `APP_VERSION=${tag}`,
        container,
        '--',
        '/bin/httpd',
        '-f',
        '-p',
        `127.0.0.1:${httpPort}`,
        '-h',
        '/srv/www',
        '-c',
        '/srv/httpd.conf',
      ],
      { env: buildahEnv, stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${httpPort}`;
    await waitFor('the app', async () => {
      if (httpd.exitCode !== null) throw new Error(`httpd exited with ${httpd.exitCode}`);
      const response = await fetch(`${url}/health`);
      return response.ok || `HTTP ${response.status}`;
    });
    const health = (await (await fetch(`${url}/health`)).text()).trim();
    const version = await (await fetch(`${url}/cgi-bin/version`)).json();
    await stop(httpd);
    return `GET /health → 200 "${health}"; GET /cgi-bin/version → ${JSON.stringify(version)} (as uid 65534)`;
  });

  await summary({ registry, client, image, tag, digest, chart, bump, paths, git });
}

async function listFiles(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files.sort();
}

async function summary({ registry, client, image, tag, digest, chart, bump, paths, git }) {
  say();
  say(bold('Summary'));
  say(
    `  image   ${digest ? `${image}:${tag}\n          ${image}@${digest}` : yellow('not built (build-push-image not implemented yet)')}`,
  );
  say(
    `  chart   ${chart ? `${chart.ref} ${dim(chart.digest ?? '')}` : yellow('not pushed (package-push-chart not implemented yet)')}`,
  );

  if (bump) {
    say(`  GitOps  commit ${bump.commit} in ${dim(paths.gitops)}`);
    const show = await git(
      ['--git-dir', paths.gitops, 'show', '--format=%h %s%n%an <%ae>', '--color=never', bump.commit],
      paths.app,
    );
    for (const line of show.stdout.trimEnd().split('\n')) {
      const colored =
        line.startsWith('+') && !line.startsWith('+++')
          ? green(line)
          : line.startsWith('-') && !line.startsWith('---')
            ? red(line)
            : line;
      say(`          ${colored}`);
    }
  } else {
    say(`  GitOps  ${yellow('no commit (bump-gitops-tag not implemented yet)')}`);
  }

  // What Flux would deploy from the GitOps repository's main branch, with the registry as it is now.
  const show = async (path) =>
    parse((await git(['--git-dir', paths.gitops, 'show', `main:${path}`], paths.app)).stdout);
  const base = await show('deploy/base/helmrelease.yaml');
  const patch = await show('deploy/production/helmrelease-patch.yaml');
  const repository = await show('deploy/base/helmrepository.yaml');
  const policy = await show('deploy/common/imagepolicy.yaml');
  const release = deepMerge(base, patch);
  const values = release.spec.values ?? {};
  const chartSpec = release.spec.chart.spec;
  const chartRepository =
    `${repository.spec.url.replace(/^oci:\/\/[^/]+\/?/, '')}/${chartSpec.chart}`.replace(/^\//, '');
  const chartVersions = (await client.tags(chartRepository))
    .map((t) => t.replace(/_/g, '+'))
    .filter((v) => semver.valid(v));
  const chosen = semver.maxSatisfying(chartVersions, chartSpec.version);
  let appVersion = '';
  if (chosen) {
    const manifest = await client.manifest(chartRepository, chosen.replace(/\+/g, '_'));
    appVersion = (await client.blobJson(chartRepository, manifest.body.config.digest)).appVersion ?? '';
  }
  const imageRepository = values.image?.repository ?? image;
  const imageTag = values.image?.tag;
  const imageTags = await client.tags(imageRepository.slice(registry.length + 1));
  const latest = imagePolicyChoice(policy.spec, imageTags);

  say();
  say(bold(`What Flux would deploy (deploy/production on main of the GitOps repo)`));
  say(
    `  HelmRelease ${release.metadata.namespace}/${release.metadata.name}, ${values.replicaCount ?? 1} replica(s)`,
  );
  say(
    `    chart  ${repository.spec.url}/${chartSpec.chart} "${chartSpec.version}" → ${
      chosen
        ? `${chosen}${appVersion ? ` (appVersion ${appVersion})` : ''}`
        : yellow('no matching chart in the registry yet')
    }`,
  );
  const imageState = imageTags.includes(imageTag) ? green('in the registry') : yellow('not in the registry');
  say(`    image  ${imageRepository}:${imageTag} (${imageState})`);
  if (latest) {
    const agrees = latest === imageTag ? green('same tag as in Git') : yellow(`Git has ${imageTag}`);
    say(
      `  ImagePolicy ${policy.metadata.namespace}/${policy.metadata.name} over the registry's tags → ${latest} (${agrees})`,
    );
  }

  say();
  const total = seconds(performance.now() - started);
  if (pending.length) {
    say(yellow(`Incomplete: ${pending.join(', ')} not implemented yet. Everything else passed in ${total}.`));
    process.exitCode = 2;
  } else {
    say(green(`The golden path passed in ${total}.`));
  }
}

try {
  await main();
} catch (error) {
  if (interrupted) await new Promise(() => {}); // the signal handler cleans up and exits
  say();
  say(red(`✗ ${error instanceof DemoError ? error.message : (error?.stack ?? String(error))}`));
  process.exitCode = 1;
} finally {
  await cleanup();
  if (process.exitCode === 1) say(dim('Stopped everything the demo started.'));
}
