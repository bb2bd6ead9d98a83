/**
 * Repositories for the benchmark, written with `git fast-import` (seconds, not minutes, for 100k
 * files): a monorepo whose commits change 1k, 20k or 100k files, and GitOps repositories of 100 and
 * 50k files behind a local bare remote.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const IDENTITY = 'bench <bench@example.com> 1764000000 +0000';
export const GIT_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export function git(cwd: string, args: string[], input?: string): string {
  const result = spawnSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV, GIT_COMMITTER_DATE: '@1764000000 +0000' },
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function blob(mark: number, text: string): string {
  return `blob\nmark :${mark}\ndata ${Buffer.byteLength(text)}\n${text}`;
}

function commit(branch: string, mark: number, message: string, from: string | undefined, body: string[]) {
  return [
    `commit refs/heads/${branch}`,
    `mark :${mark}`,
    `committer ${IDENTITY}`,
    `data ${Buffer.byteLength(message)}`,
    message,
    ...(from ? [`from ${from}`] : []),
    ...body,
    '',
  ].join('\n');
}

/** Path i of the monorepo: 40 services x 25 modules, a mix of sources, tests and docs. */
export function monorepoPath(i: number): string {
  const ext = ['md', 'test.ts', 'ts', 'ts', 'json'][i % 5];
  return `services/svc${i % 40}/src/module${Math.floor(i / 40) % 25}/file${i}.${ext}`;
}

/** 20 filters with excludes, the shape a monorepo's paths filter has. */
export function monorepoFilters(): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (let s = 0; s < 16; s++) filters[`svc${s}`] = [`services/svc${s}/**`, '!**/*.md', '!**/*.test.ts'];
  filters.docs = ['**/*.md', 'docs/**'];
  filters.tests = ['**/*.test.ts', '!services/svc3*/**'];
  filters.config = ['**/*.json', '!**/module1?/**'];
  filters.ci = ['.github/**', 'services/*/src/module0/**'];
  return filters;
}

export const filtersYaml = (filters: Record<string, string[]>) =>
  Object.entries(filters)
    .map(([name, globs]) => `${name}:\n${globs.map((g) => `  - '${g}'`).join('\n')}`)
    .join('\n');

export interface Monorepo {
  dir: string;
  base: string;
  /** Head commit per number of changed files. */
  heads: Map<number, string>;
}

/**
 * `total` files at the base commit; one branch per size in `sizes` changing that many of them,
 * spread evenly over the tree. The work tree is checked out (the loop guard reads it, as in CI).
 */
export function monorepo(dir: string, total: number, sizes: number[]): Monorepo {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const workflow =
    'on:\n  push:\n    paths: [services/**]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
  const parts = [blob(1, 'v1\n'), blob(2, 'v2\n'), blob(3, workflow)];
  const files = ['M 100644 :3 .github/workflows/ci.yml'];
  for (let i = 0; i < total; i++) files.push(`M 100644 :1 ${monorepoPath(i)}`);
  parts.push(commit('main', 10, 'base', undefined, files));
  sizes.forEach((size, k) => {
    const step = total / size;
    const changed: string[] = [];
    for (let j = 0; j < size; j++) changed.push(`M 100644 :2 ${monorepoPath(Math.floor(j * step))}`);
    parts.push(commit(`changed-${size}`, 20 + k, `change ${size} files`, ':10', changed));
  });
  git(dir, ['fast-import', '--quiet'], parts.join(''));
  git(dir, ['checkout', '-q', '-f', `changed-${Math.max(...sizes)}`]);
  return {
    dir,
    base: git(dir, ['rev-parse', 'main']).trim(),
    heads: new Map(sizes.map((size) => [size, git(dir, ['rev-parse', `changed-${size}`]).trim()])),
  };
}

export const GITOPS_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';

/**
 * A bare GitOps repository: the example app's deploy/ folder (Flux setters, kustomize, ImagePolicy;
 * what bump-gitops-tag edits by default) and other teams' manifests under tenants/, `total` files in all.
 */
export function gitopsRemote(dir: string, total: number): string {
  const bare = join(dir, 'gitops.git');
  mkdirSync(bare, { recursive: true });
  git(bare, ['init', '-q', '--bare', '-b', 'main']);
  git(bare, ['config', 'uploadpack.allowFilter', 'true']);
  const deploy = 'examples/my-app/deploy';
  const own = readdirSync(deploy, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const parts: string[] = [];
  const files: string[] = [];
  own.forEach((entry, i) => {
    const path = relative(deploy, join(entry.parentPath, entry.name));
    parts.push(blob(i + 1, readFileSync(join(deploy, path), 'utf8')));
    files.push(`M 100644 :${i + 1} deploy/${path}`);
  });
  for (let i = 0; i < total - own.length; i++) {
    const mark = 1000 + i;
    parts.push(
      blob(
        mark,
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app${i}\ndata:\n  replicas: "${i % 7}"\n`,
      ),
    );
    files.push(`M 100644 :${mark} tenants/team${i % 100}/app${i}/config.yaml`);
  }
  parts.push(commit('main', 10, 'seed', undefined, files));
  git(bare, ['fast-import', '--quiet'], parts.join(''));
  return bare;
}

/** An application checkout: `source` copied into `dir`, one commit at a fixed time. */
export function appCheckout(source: string, dir: string, into = ''): { dir: string; sha: string } {
  mkdirSync(join(dir, into), { recursive: true });
  cpSync(source, join(dir, into), { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, [
    '-c',
    'user.name=dev',
    '-c',
    'user.email=dev@example.com',
    'commit',
    '-q',
    '--date=@1764000000',
    '-m',
    'app',
  ]);
  return { dir, sha: git(dir, ['rev-parse', 'HEAD']).trim() };
}
