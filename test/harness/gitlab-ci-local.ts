/**
 * gitlab-ci-local (npm, 4.75.x) for the GitLab component tests: a throw-away component project in
 * which the components resolve locally, a `golden-actions` shim on PATH, and runs of the real
 * gitlab-ci-local with the shell executor.
 *
 * gitlab-ci-local resolves `include: component: <host>/<path>/<name>@<ref>` from the working tree
 * only when <path> is the git remote's project path and <ref> is HEAD's SHA - the documented
 * self-test form `$CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`. So the project is a git
 * repository with the generated templates as `templates/`, a remote URL naming the project path,
 * and the consumer pipeline committed on top.
 */

import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { exec } from '../../src/core/util/exec.ts';
import { buildahEnv } from './buildah.ts';
import { renderProjectTemplates } from './component-context.ts';
import { makeTempDir, removeDir } from './process.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const POLYFILL = join(REPO_ROOT, 'test/harness/set-methods-polyfill.mjs');
export const GITLAB_HOST = 'gitlab.example.com';
export const DEFAULT_PROJECT_PATH = 'platform/golden-actions';

/** The gitlab-ci-local entry point, through node's resolution (no reliance on node_modules/.bin). */
export function gitlabCiLocalEntry(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('gitlab-ci-local/package.json');
  const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { bin?: string | Record<string, string> };
  const bin =
    typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin?.['gitlab-ci-local'] ?? 'dist/index.js');
  return join(dirname(pkg), bin);
}

/**
 * argv to start gitlab-ci-local with this node. Below Node 22 its bundle needs the ES2025 Set
 * methods, loaded with `--import` before it.
 */
export function gitlabCiLocalArgv(): string[] {
  const major = Number(process.versions.node.split('.')[0]);
  const hasSetMethods = typeof (Set.prototype as { union?: unknown }).union === 'function';
  const preload = major < 22 && !hasSetMethods ? [`--import=${POLYFILL}`] : [];
  return [process.execPath, ...preload, gitlabCiLocalEntry()];
}

export interface GitlabCiLocalRun {
  code: number;
  /** stdout and stderr, interleaved as written. */
  output: string;
  durationMs: number;
}

export interface RunOptions {
  /** `--variable K=V` for every job (how CI/CD variables such as an id_tokens value are faked). */
  variables?: Record<string, string>;
  /** Extra environment of gitlab-ci-local and so of shell-executor jobs (they inherit it). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** gitlab-ci-local's state folder, relative to cwd (default `.gitlab-ci-local`); one per concurrent run. */
  stateDir?: string;
}

/**
 * Runs gitlab-ci-local in `cwd` with `args`. Always isolated from the user's ~/.gitlab-ci-local
 * (own --home), colourless, and without warnings about the predefined variables tests override.
 */
export function runGitlabCiLocal(
  cwd: string,
  args: string[],
  options: RunOptions = {},
): Promise<GitlabCiLocalRun> {
  const home = join(cwd, '.gitlab-ci-local-home');
  mkdirSync(home, { recursive: true });
  const variables = Object.entries(options.variables ?? {}).flatMap(([k, v]) => ['--variable', `${k}=${v}`]);
  const [node, ...rest] = gitlabCiLocalArgv();
  const state = options.stateDir ? ['--state-dir', options.stateDir] : [];
  const argv = [...rest, '--no-color', '--home', home, ...state, ...variables, ...args];
  const overridden = Object.keys(options.variables ?? {}).join(',');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(node!, argv, {
      cwd,
      env: {
        ...process.env,
        ...options.env,
        ...(overridden ? { GCL_IGNORE_PREDEFINED_VARS: overridden } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      output += `\n[harness] gitlab-ci-local timed out after ${options.timeoutMs} ms\n`;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs ?? 240_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output, durationMs: Date.now() - started });
    });
  });
}

/**
 * A directory with an executable `golden-actions` that runs this repository's CLI bundle
 * (`dist/cli/index.js`, or `GA_E2E_CLI` when set) with this node: put it first on PATH.
 */
export function cliShim(
  dir: string,
  entry = process.env.GA_E2E_CLI || join(REPO_ROOT, 'dist/cli/index.js'),
): string {
  if (!existsSync(entry)) throw new Error(`No CLI bundle at ${entry}: run 'npm run build'`);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const shim = join(bin, 'golden-actions');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${entry}' "$@"\n`);
  chmodSync(shim, 0o755);
  return bin;
}

export interface ComponentProject {
  dir: string;
  projectPath: string;
  /** HEAD: the SHA the components are included at. */
  sha: string;
  git(...args: string[]): Promise<string>;
  /** Writes files (path -> content) and commits them; returns the new HEAD. */
  commit(message: string, files?: Record<string, string>): Promise<string>;
  remove(): void;
}

export interface ComponentProjectOptions {
  projectPath?: string;
  /** Folder whose contents become the project root (default: the generated gitlab-components/). */
  source?: string;
  /** Extra folders to copy in: destination path in the project -> source folder. */
  copy?: Record<string, string>;
  /** Extra files: path -> content. */
  files?: Record<string, string>;
  /** Parent of the project folder. */
  baseDir?: string;
  /**
   * The release GitLab would resolve the include to (`$[[ component.version ]]`). Unset: an
   * unreleased ref, where GitLab renders no version (the self-test form `@$CI_COMMIT_SHA`).
   */
  componentVersion?: string;
}

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

/**
 * The component project as GitLab would hold it: `templates/` (+ README etc.) at the root, a remote
 * `https://gitlab.example.com/<projectPath>.git` with `origin/HEAD` -> main, one commit. The templates
 * in the working tree (what gitlab-ci-local includes) have their `$[[ component.* ]]` rendered for
 * HEAD the way GitLab would (see component-context.ts); commits hold them as written.
 */
export async function createComponentProject(
  options: ComponentProjectOptions = {},
): Promise<ComponentProject> {
  const projectPath = options.projectPath ?? DEFAULT_PROJECT_PATH;
  const dir = makeTempDir('ga-gitlab-project', options.baseDir);
  const source = options.source ?? join(REPO_ROOT, 'gitlab-components');
  cpSync(source, dir, { recursive: true });
  for (const [dest, from] of Object.entries(options.copy ?? {})) {
    cpSync(from, join(dir, dest), { recursive: true });
  }
  writeFiles(dir, { '.gitignore': '.gitlab-ci-local*/\n*.env\n', ...options.files });
  const env = { ...process.env, ...GIT_IDENTITY };
  const git = async (...args: string[]) => (await exec('git', args, { cwd: dir, env })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  await git('remote', 'add', 'origin', `https://${GITLAB_HOST}/${projectPath}.git`);
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'component project');
  const render = async () =>
    renderProjectTemplates(dir, { sha: await git('rev-parse', 'HEAD'), version: options.componentVersion });
  await render();
  // gitlab-ci-local asks for the remote's default branch; without origin/HEAD it warns and guesses.
  await git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  const project: ComponentProject = {
    dir,
    projectPath,
    sha: await git('rev-parse', 'HEAD'),
    git,
    async commit(message, files = {}) {
      // Back to the templates as written, so that the rendering of the previous HEAD is not committed.
      if (await git('ls-files', 'templates')) await git('checkout', '--', 'templates');
      writeFiles(dir, files);
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '--message', message);
      project.sha = await git('rev-parse', 'HEAD');
      await render();
      return project.sha;
    },
    remove: () => removeDir(dir),
  };
  return project;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** The dotenv report a job exported (`<state dir>/artifacts/<job>/.gitlab-ci-reports/dotenv/`). */
export function readJobDotenv(
  projectDir: string,
  job: string,
  file: string,
  stateDir = '.gitlab-ci-local',
): Record<string, string> | undefined {
  const path = join(projectDir, stateDir, 'artifacts', job, '.gitlab-ci-reports/dotenv', file);
  if (!existsSync(path)) return undefined;
  const result: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

/** The merged configuration `--preview` printed (the YAML after the timing lines). */
export function parsePreview(output: string): Record<string, unknown> {
  const start = output.indexOf('\n---\n');
  if (start === -1) throw new Error(`no YAML in gitlab-ci-local --preview output:\n${output}`);
  return parse(output.slice(start + 1)) as Record<string, unknown>;
}

/** The lines a job printed (`<job> > ...`), without the prefix. */
export function jobLog(output: string, job: string): string {
  const prefix = new RegExp(`^${job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+[>$] ?`);
  return output
    .split('\n')
    .filter((line) => prefix.test(line))
    .map((line) => line.replace(prefix, ''))
    .join('\n');
}

/**
 * What a job needs here that GitLab or its runner would give it: buildah with storage under `dir`,
 * the CLI shim on PATH, no AWS config of the machine (only the local STS/ECR endpoints), and the
 * variables GitLab sets but gitlab-ci-local does not (GITLAB_CI=true, the id token, CI_PROJECT_DIR:
 * with an image: gitlab-ci-local sets the container path /builds/<group>/<project> even under
 * --force-shell-executor).
 */
export function localJob(
  dir: string,
  project: string,
  aws: { stsUrl: string; ecrUrl: string },
  oidcToken: string,
): { env: NodeJS.ProcessEnv; variables: Record<string, string> } {
  return {
    env: {
      ...buildahEnv(join(dir, 'buildah')),
      PATH: `${cliShim(dir)}:${process.env.PATH}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    },
    variables: {
      GITLAB_CI: 'true',
      GITLAB_OIDC_TOKEN: oidcToken,
      CI_PROJECT_DIR: project,
      AWS_ENDPOINT_URL_STS: aws.stsUrl,
      AWS_ENDPOINT_URL_ECR: aws.ecrUrl,
    },
  };
}
