/**
 * The golden path in one command (`npm run demo`), on this machine only, nothing from the internet:
 *
 *   local OCI registry (docker-registry, htpasswd auth) on a free loopback port
 *   -> base image made from busybox-static, pushed there
 *   -> a copy of examples/my-app (git, one commit) and a bare GitOps repo seeded from its deploy/
 *   -> build-push-image -> package-push-chart -> bump-gitops-tag -> verify-paths-filter, through the CLI
 *   -> the image is run once (GET /health), and a summary of what Flux would deploy.
 *
 * The summary uses the product's own parts: the registry client lists the registry, the Flux module
 * reads the GitOps repository and picks what Flux would. Everything lives in one temporary folder and
 * every process the demo starts is stopped again, also on failure and Ctrl-C. A step that fails stops
 * the demo with its reason.
 *
 * Run as `node --import tsx scripts/demo.ts` (tsx is a devDependency that `scripts/setup.sh` installs):
 * one Node process, so Ctrl-C reaches the demo itself.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PROGRAM_CONFIG_ENV } from '../src/core/env-vars.ts';
import { RegistryClient } from '../src/core/registry/client.ts';
import { fluxView, printFluxView } from './demo/flux-summary.ts';
import {
  bold,
  DemoError,
  dim,
  green,
  hideSecret,
  red,
  redact,
  Steps,
  say,
  seconds,
  yellow,
} from './demo/output.ts';
import { cleanup, freePort, onCleanup, onPath, run, startDaemon, stop, waitFor } from './demo/processes.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'golden-actions.js');
const example = join(root, 'examples', 'my-app');
const user = 'demo';
const password = randomBytes(18).toString('base64url');
hideSecret(password);
const started = performance.now();
const steps = new Steps(9);

// The demo runs its own registry and buildah: variables meant for the user's own container setup
// must not steer them (docker-registry reads every REGISTRY_* variable as its configuration). The
// registry's set of such variables, all of them: the demo's builder honours none of the user's.
for (const key of Object.keys(process.env)) {
  if (PROGRAM_CONFIG_ENV.test(key)) delete process.env[key];
}

let interrupted = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    interrupted = true;
    say(`\n${yellow(`${signal}: stopping everything the demo started…`)}`);
    cleanup().finally(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------------------------------------
// The golden-actions CLI

type Outputs = Record<string, unknown>;

/** Runs `golden-actions <action> ... --json` in the app repository: its outputs, or the demo stops. */
async function action(name: string, flags: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Outputs> {
  say(dim(`      $ golden-actions ${name} ${flags.map(quoteArg).join(' ')}`));
  const result = await run(process.execPath, [cli, name, ...flags, '--json'], {
    cwd,
    env,
    echo: true,
    allowFailure: true,
  });
  if (result.code === 0) {
    try {
      return JSON.parse(result.stdout || '{}') as Outputs;
    } catch {
      throw new DemoError(`${name} printed no JSON outputs:\n${redact(result.stdout)}`);
    }
  }
  const message = redact(result.stderr.trim()).split('\n').filter(Boolean).pop() ?? `exit ${result.code}`;
  const reason = message.replace(/^error:\s*/, '');
  throw new DemoError(`${name} failed (exit ${result.code}): ${reason}`);
}

/** Shell-style quoting for the command line shown (the demo itself never uses a shell). */
function quoteArg(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (arg.includes('\n')) return `$'${arg.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n')}'`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files.sort();
}

// ---------------------------------------------------------------------------------------------------------
// The demo

async function main(): Promise<void> {
  say(bold('golden-actions demo: the golden path on a copy of examples/my-app'));
  say(dim('build the image, push image and chart, record the tag in Git for Flux, check the triggers'));
  say();

  const work = await mkdtemp(join(tmpdir(), 'golden-actions-demo-'));
  onCleanup(() => rm(work, { recursive: true, force: true, maxRetries: 3 }));
  const paths = {
    registryData: join(work, 'registry'),
    storage: join(work, 'containers'),
    storageConf: join(work, 'storage.conf'),
    authfile: join(work, 'auth.json'),
    app: join(work, 'my-app'),
    gitops: join(work, 'gitops.git'),
    gitopsSeed: join(work, 'gitops-seed'),
    gitopsMain: join(work, 'gitops-main'),
    temp: join(work, 'tmp'),
  };
  await mkdir(paths.temp, { recursive: true });

  const buildahEnv: NodeJS.ProcessEnv = {
    ...process.env,
    BUILDAH_ISOLATION: 'chroot',
    STORAGE_DRIVER: 'vfs',
    CONTAINERS_STORAGE_CONF: paths.storageConf,
    REGISTRY_AUTH_FILE: paths.authfile,
    TMPDIR: paths.temp,
  };
  await writeFile(
    paths.storageConf,
    `[storage]\ndriver = "vfs"\nrunroot = "${join(paths.storage, 'run')}"\ngraphroot = "${join(paths.storage, 'graph')}"\n`,
  );
  const buildah = (args: string[]) => run('buildah', args, { env: buildahEnv });

  // 1. Preflight ------------------------------------------------------------------------------------------
  await steps.run('Preflight', async () => {
    const needed = {
      'docker-registry': 'docker-registry',
      htpasswd: 'apache2-utils',
      buildah: 'buildah',
      git: 'git',
      busybox: 'busybox-static',
    };
    const missing: string[] = [];
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
  const client = new RegistryClient(registry, { username: user, password });
  await steps.run('Local OCI registry', async () => {
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
    daemon.stderr!.on('data', (chunk) => {
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
      { env: buildahEnv, input: password },
    );
    return `${registry} (docker-registry, htpasswd auth, user ${user}, password only in env/stdin)`;
  });

  // 3. Base image -----------------------------------------------------------------------------------------
  const busyboxVersion =
    /v(\d+\.\d+\.\d+)/.exec((await run('busybox', [], { allowFailure: true })).stdout)?.[1] ?? 'local';
  const baseImage = `${registry}/base/busybox:${busyboxVersion}`;
  await steps.run('Base image', async () => {
    const rootfs = join(work, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await mkdir(join(rootfs, 'tmp'), { recursive: true });
    await chmod(join(rootfs, 'tmp'), 0o1777);
    await cp((await onPath('busybox'))!, join(rootfs, 'bin', 'busybox'));
    const applets = (await run('busybox', ['--list'])).stdout.split('\n').filter((a) => a && a !== 'busybox');
    await Promise.all(applets.map((applet) => symlink('busybox', join(rootfs, 'bin', applet))));
    await writeFile(
      join(rootfs, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    );
    await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
    const container = (await buildah(['from', 'scratch'])).stdout.trim();
    onCleanup(() => run('buildah', ['rm', container], { env: buildahEnv, allowFailure: true }));
    await buildah(['copy', container, rootfs, '/']);
    await buildah(['config', '--cmd', '/bin/sh', '--env', 'PATH=/bin', container]);
    await buildah([
      'commit',
      '--quiet',
      '--authfile',
      paths.authfile,
      '--tls-verify=false',
      '--timestamp',
      '0',
      container,
      `docker://${baseImage}`,
    ]);
    return `${baseImage} (busybox ${busyboxVersion} from busybox-static, ${applets.length} applets)`;
  });

  // 4. Repositories ---------------------------------------------------------------------------------------
  const gitEnv: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Demo Developer',
    GIT_AUTHOR_EMAIL: 'developer@example.com',
    GIT_COMMITTER_NAME: 'Demo Developer',
    GIT_COMMITTER_EMAIL: 'developer@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const git = (args: string[], cwd: string) => run('git', args, { cwd, env: gitEnv });
  const imageRepository = parse(
    await readFile(join(example, 'deploy', 'common', 'imagerepository.yaml'), 'utf8'),
  );
  const exampleRegistry = String(imageRepository.spec.image).split('/')[0]!;
  let sha = '';
  await steps.run('Repositories', async () => {
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

  const actionEnv: NodeJS.ProcessEnv = {
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
  const runAction = (name: string, flags: string[]) => action(name, flags, paths.app, actionEnv);
  const registryFlags = ['--registry', registry, '--registry-username', user];

  // 5. build-push-image -----------------------------------------------------------------------------------
  let image = `${registry}/my-app`;
  let tag = '';
  let digest = '';
  await steps.run('build-push-image', async () => {
    const outputs = await runAction('build-push-image', [
      '--repository',
      'my-app',
      '--context',
      'app',
      '--builder',
      'buildah',
      '--build-args',
      `BASE_IMAGE=${baseImage}`,
      ...registryFlags,
    ]);
    if (typeof outputs.tag !== 'string' || typeof outputs.digest !== 'string')
      throw new DemoError(`build-push-image gave no tag/digest: ${JSON.stringify(outputs)}`);
    image = String(outputs.image ?? image);
    tag = outputs.tag;
    digest = outputs.digest;
    return `${image}:${tag} ${dim(digest)}${outputs.built === false ? ' (reused)' : ''}`;
  });

  // 6. package-push-chart ---------------------------------------------------------------------------------
  let chart: { ref?: string; digest?: string } = {};
  await steps.run('package-push-chart', async () => {
    chart = (await runAction('package-push-chart', [
      '--chart',
      'charts/my-app',
      '--app-version',
      tag,
      ...registryFlags,
    ])) as typeof chart;
    return `${chart.ref} ${dim(chart.digest ?? '')} (appVersion ${tag})`;
  });

  // 7. bump-gitops-tag ------------------------------------------------------------------------------------
  let bump: { changed?: boolean; commit?: string; 'previous-tag'?: string } | undefined;
  await steps.run('bump-gitops-tag', async () => {
    bump = (await runAction('bump-gitops-tag', [
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
    ])) as typeof bump & object;
    if (bump.changed !== true)
      throw new DemoError(`bump-gitops-tag changed nothing: ${JSON.stringify(bump)}`);
    return `commit ${bump.commit?.slice(0, 7)} on main: ${bump['previous-tag'] || '?'} → ${tag}`;
  });

  // 8. verify-paths-filter --------------------------------------------------------------------------------
  // In the one-repository shape the bump commit lands in the application repository itself: make that
  // commit here (the same one-line change), and check with the example workflow's own filters that it
  // starts no build and that no build trigger fires on what automation writes.
  await steps.run('verify-paths-filter', async () => {
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
    ) as { jobs: Record<string, { steps: { uses?: string; with?: { filters?: string } }[] }> };
    const filters = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .find((s) => s.uses?.includes('/verify-paths-filter@'))?.with?.filters;
    if (!filters) throw new DemoError('the example workflow has no verify-paths-filter step');
    const filter = (await runAction('verify-paths-filter', ['--filters', filters, '--base', 'HEAD~1'])) as {
      'loop-risk'?: boolean;
      changes: string[];
      app?: boolean;
      chart?: boolean;
    };
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
  await steps.run('Run the image', async () => {
    const container = (
      await buildah([
        'from',
        '--quiet',
        '--authfile',
        paths.authfile,
        '--tls-verify=false',
        `${image}@${digest}`,
      ])
    ).stdout.trim();
    onCleanup(() => run('buildah', ['rm', container], { env: buildahEnv, allowFailure: true }));
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

  // Summary -----------------------------------------------------------------------------------------------
  say();
  say(bold('Summary'));
  say(`  image   ${image}:${tag}\n          ${image}@${digest}`);
  say(`  chart   ${chart.ref} ${dim(chart.digest ?? '')}`);
  if (bump?.commit) {
    say(`  GitOps  commit ${bump.commit} in ${dim(paths.gitops)}`);
    const show = await git(
      ['--git-dir', paths.gitops, 'show', '--format=%h %s%n%an <%ae>', '--color=never', bump.commit],
      paths.app,
    );
    for (const line of show.stdout.trimEnd().split('\n')) {
      const added = line.startsWith('+') && !line.startsWith('+++');
      const removed = line.startsWith('-') && !line.startsWith('---');
      say(`          ${added ? green(line) : removed ? red(line) : line}`);
    }
  }

  // What Flux would deploy from the GitOps repository's main branch, with the registry as it is now.
  await git(['clone', '--quiet', '--branch', 'main', paths.gitops, paths.gitopsMain], work);
  printFluxView(
    await fluxView(paths.gitopsMain, registry, client),
    'deploy/production on main of the GitOps repo',
  );

  say();
  const total = seconds(performance.now() - started);
  say(green(`The golden path passed in ${total}.`));
}

try {
  await main();
} catch (error) {
  if (interrupted) await new Promise(() => {}); // the signal handler cleans up and exits
  say();
  say(red(`✗ ${error instanceof DemoError ? error.message : ((error as Error)?.stack ?? String(error))}`));
  process.exitCode = 1;
} finally {
  await cleanup();
  if (process.exitCode === 1) say(dim('Stopped everything the demo started.'));
}
