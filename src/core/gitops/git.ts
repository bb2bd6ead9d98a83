/**
 * The GitOps checkout: a shallow (and, when the globs allow, blob-less sparse) clone in a scratch
 * folder, re-pointed at the fresh remote head on every attempt, plus commit and push with porcelain
 * parsing so a rejected push can be told from a real failure.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type ExecResult, exec } from '../util/exec.ts';

export interface GitAuth {
  token: string;
  /** Basic-auth user: `x-access-token` (GitHub), `gitlab-ci-token` (CI_JOB_TOKEN), `oauth2` (GitLab tokens). */
  username: string;
}

/**
 * Environment for git: no prompts, and for an http(s) remote with a token an `http.<origin>/.extraHeader`
 * passed through GIT_CONFIG_COUNT/KEY/VALUE, so the token is in neither argv, the URL nor a file, and is
 * only sent to that origin.
 */
export function gitEnv(base: NodeJS.ProcessEnv, url: string, auth?: GitAuth): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', GIT_PROTOCOL: 'version=2' };
  if (!auth?.token || !/^https?:\/\//i.test(url)) return env;
  const origin = new URL(url).origin;
  const basic = Buffer.from(`${auth.username}:${auth.token}`).toString('base64');
  const entries: [string, string][] = [
    // An empty helper list: a stored credential must not override the token we were given.
    ['credential.helper', ''],
    [`http.${origin}/.extraHeader`, `Authorization: Basic ${basic}`],
  ];
  let count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  for (const [key, value] of entries) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  }
  env.GIT_CONFIG_COUNT = String(count);
  return env;
}

export interface PushRef {
  flag: string;
  from: string;
  to: string;
  summary: string;
}

/** Lines `<flag>\t<from>:<to>\t<summary>` of `git push --porcelain`. */
export function parsePorcelain(stdout: string): PushRef[] {
  const refs: PushRef[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^([ +\-*!=])\t([^\t]*):([^\t]*)\t(.*)$/.exec(line.replace(/\r$/, ''));
    if (match) refs.push({ flag: match[1]!, from: match[2]!, to: match[3]!, summary: match[4]! });
  }
  return refs;
}

/** A rejection that a fresh fetch can fix (the branch moved, or a lease went stale). */
export function isRetryableRejection(summary: string): boolean {
  return /\((fetch first|non-fast-forward|stale info)\)|cannot lock ref|failed to update ref|incorrect old value|reference already exists/i.test(
    summary,
  );
}

export type PushOutcome =
  | { ok: true; stderr: string }
  | { ok: false; retryable: boolean; reason: string; stderr: string };

export interface PushOptions {
  /** `--force-with-lease=<ref>:<expected>`; '' = the ref must not exist yet. Only for our own bot branch. */
  lease?: string;
  /** `-o` push options (GitLab merge request creation). */
  pushOptions?: string[];
}

export interface CloneOptions {
  url: string;
  dir: string;
  /** Branch to check out; default: the remote's HEAD. */
  branch?: string;
  /** Folders to materialise (cone mode) with a blob-less clone; undefined = everything. */
  sparse?: string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Shown in messages instead of the URL. */
  display: string;
}

export class GitCheckout {
  private constructor(
    readonly dir: string,
    readonly branch: string,
    readonly head: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: Logger,
    private readonly display: string,
  ) {}

  static async clone(options: CloneOptions): Promise<GitCheckout> {
    const args = ['clone', '--quiet', '--depth=1', '--no-tags', '--no-checkout'];
    if (options.sparse) args.push('--filter=blob:none', '--sparse');
    if (options.branch) args.push('--branch', options.branch);
    args.push('--', options.url, options.dir);
    // Output is kept for the error message, not streamed: a local remote's 'filtering not recognized' is noise.
    options.logger.debug(`$ git ${args.join(' ')}`);
    const result = await exec('git', args, { env: options.env, allowFailure: true });
    if (result.code !== 0) {
      const why = gitMessage(result);
      if (options.branch && /Remote branch .* not found/i.test(why)) {
        throw new UserError(`Branch '${options.branch}' does not exist in ${options.display}`);
      }
      throw new UserError(`Cannot clone ${options.display}: ${why}`);
    }
    const git = (a: string[]) => run(options.dir, a, options.env, options.logger);
    const symbolic = await exec('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], {
      cwd: options.dir,
      env: options.env,
      allowFailure: true,
    });
    const branch = options.branch || symbolic.stdout.trim();
    const head = await exec('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
      cwd: options.dir,
      env: options.env,
      allowFailure: true,
    });
    if (head.code !== 0 || !branch)
      throw new UserError(
        `${options.display} has no commits on ${branch ? `branch '${branch}'` : 'its default branch'}`,
      );
    if (options.sparse) await git(['sparse-checkout', 'set', '--cone', '--', ...options.sparse]);
    return new GitCheckout(
      options.dir,
      branch,
      head.stdout.trim(),
      options.env,
      options.logger,
      options.display,
    );
  }

  private git(args: string[], input?: string): Promise<string> {
    return run(this.dir, args, this.env, this.logger, input);
  }

  /** The remote tips of these branches (absent ones are missing from the map). */
  async remoteHeads(branches: string[]): Promise<Map<string, string>> {
    const refs = branches.map((b) => `refs/heads/${b}`);
    const result = await exec('git', ['ls-remote', '--heads', 'origin', ...refs], {
      cwd: this.dir,
      env: this.env,
      allowFailure: true,
    });
    if (result.code !== 0)
      throw new UserError(`Cannot read branches of ${this.display}: ${gitMessage(result)}`);
    const heads = new Map<string, string>();
    for (const line of result.stdout.split('\n')) {
      const [sha, ref] = line.trim().split('\t');
      if (sha && ref?.startsWith('refs/heads/')) heads.set(ref.slice('refs/heads/'.length), sha);
    }
    return heads;
  }

  /** Fetches a branch tip (shallow) into refs/remotes/origin/<branch>; returns its commit. */
  async fetch(branch: string, depth = 1): Promise<string> {
    const ref = `refs/remotes/origin/${branch}`;
    const result = await exec(
      'git',
      ['fetch', '--quiet', `--depth=${depth}`, '--no-tags', 'origin', `+refs/heads/${branch}:${ref}`],
      {
        cwd: this.dir,
        env: this.env,
        allowFailure: true,
      },
    );
    if (result.code !== 0)
      throw new UserError(`Cannot fetch '${branch}' from ${this.display}: ${gitMessage(result)}`);
    return (await this.git(['rev-parse', '--verify', `${ref}^{commit}`])).trim();
  }

  /** Points the worktree at a commit, discarding what a previous attempt left. */
  async checkout(commit: string): Promise<void> {
    await this.git(['checkout', '--quiet', '--force', '--detach', commit]);
  }

  /** Regular files of a commit (symlinks and submodules are never edited). */
  async listFiles(commit = 'HEAD'): Promise<string[]> {
    const out = await this.git(['ls-tree', '-r', '-z', '--full-tree', commit]);
    return out
      .split('\0')
      .filter((entry) => /^100(644|755) blob /.test(entry))
      .map((entry) => entry.slice(entry.indexOf('\t') + 1));
  }

  readFile(path: string): Promise<string> {
    return readFile(join(this.dir, path), 'utf8');
  }

  writeFile(path: string, text: string): Promise<void> {
    return writeFile(join(this.dir, path), text, 'utf8');
  }

  /** A file's content in another commit (blob fetched on demand in a partial clone). */
  async show(commit: string, path: string): Promise<string | undefined> {
    const result = await exec('git', ['cat-file', 'blob', `${commit}:${path}`], {
      cwd: this.dir,
      env: this.env,
      allowFailure: true,
    });
    return result.code === 0 ? result.stdout : undefined;
  }

  /** Paths a commit changed against its parent (the parent must have been fetched). */
  async changedPaths(commit: string): Promise<string[]> {
    const out = await this.git(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', commit]);
    return out.split('\0').filter(Boolean);
  }

  async tree(commit: string): Promise<string> {
    return (await this.git(['rev-parse', `${commit}^{tree}`])).trim();
  }

  /** Unified diff between two commits for these paths. */
  diff(from: string, to: string, paths: string[]): Promise<string> {
    return this.git([
      '-c',
      'core.quotePath=false',
      'diff',
      '--no-color',
      '--no-ext-diff',
      from,
      to,
      '--',
      ...paths,
    ]);
  }

  /** Commits the given paths; author and committer from the arguments, never from local config. */
  async commit(paths: string[], message: string, author: { name: string; email: string }): Promise<string> {
    await this.git(
      [
        '-c',
        `user.name=${author.name}`,
        '-c',
        `user.email=${author.email}`,
        '-c',
        'commit.gpgSign=false',
        'commit',
        '--quiet',
        '--no-verify',
        '--file=-',
        '--',
        ...paths,
      ],
      message,
    );
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  /** Pushes a commit to a remote ref without force (or with a lease on our own branch). */
  async push(commit: string, remoteRef: string, options: PushOptions = {}): Promise<PushOutcome> {
    const args = ['push', '--porcelain', '--no-verify'];
    if (options.lease !== undefined) args.push(`--force-with-lease=${remoteRef}:${options.lease}`);
    for (const option of options.pushOptions ?? []) args.push('-o', option);
    args.push('origin', `${commit}:${remoteRef}`);
    const result = await exec('git', args, { cwd: this.dir, env: this.env, allowFailure: true });
    const refs = parsePorcelain(result.stdout);
    const rejected = refs.find((r) => r.flag === '!');
    if (result.code === 0 && !rejected) return { ok: true, stderr: result.stderr };
    if (rejected)
      return {
        ok: false,
        retryable: isRetryableRejection(rejected.summary),
        reason: rejected.summary,
        stderr: result.stderr,
      };
    return { ok: false, retryable: false, reason: gitMessage(result), stderr: result.stderr };
  }
}

async function run(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logger: Logger,
  input?: string,
): Promise<string> {
  const result = await exec('git', args, { cwd, env, input, allowFailure: true });
  if (result.code !== 0) {
    logger.debug(`git ${args.join(' ')} failed: ${result.stderr}`);
    throw new UserError(`git ${subcommand(args)} failed: ${gitMessage(result)}`);
  }
  return result.stdout;
}

/** The git subcommand in an argument list that may start with `-c key=value` pairs. */
function subcommand(args: string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  return args[i] ?? 'git';
}

/** The most telling lines of git's stderr (fatal/error lines), without hints. */
export function gitMessage(result: ExecResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'));
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  return (fatal.length ? fatal : lines).slice(-3).join(' / ') || `exit code ${result.code}`;
}
