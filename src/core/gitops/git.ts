/**
 * The GitOps checkout: a shallow (and, when the globs allow, blob-less sparse) clone in a scratch
 * folder, re-pointed at the fresh remote head on every attempt, plus commit and push with porcelain
 * parsing so a rejected push can be told from a real failure.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import {
  Git,
  gitMessage,
  isTransientGitFailure,
  retryTransient,
  serverMessage,
  withGitHint,
} from '../git/git.ts';
import type { Logger } from '../log.ts';

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
  | {
      ok: false;
      retryable: boolean;
      reason: string;
      stderr: string;
      /** The server's own explanation (`remote:` lines), e.g. from a pre-receive hook. */
      server: string[];
    };

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
    private readonly git: Git,
    readonly branch: string,
    readonly head: string,
    private readonly display: string,
    /** The index is sparse: files outside the cone are not listed one by one. */
    private readonly sparseIndex = false,
  ) {}

  static async clone(options: CloneOptions): Promise<GitCheckout> {
    const args = ['clone', '--quiet', '--depth=1', '--no-tags', '--no-checkout'];
    if (options.sparse) args.push('--filter=blob:none', '--sparse');
    if (options.branch) args.push('--branch', options.branch);
    args.push('--', options.url, options.dir);
    // Output is kept for the error message, not streamed: a local remote's 'filtering not recognized' is noise.
    const git = new Git(process.cwd(), options.env, options.logger);
    const result = await retryTransient(
      async () => {
        // A clone cut off half-way may leave its folder behind: each attempt starts from nothing.
        await rm(options.dir, { recursive: true, force: true });
        return git.exec(args);
      },
      { what: `clone ${options.display}`, log: options.logger },
    );
    if (result.code !== 0) {
      const why = gitMessage(result);
      if (options.branch && /Remote branch .* not found/i.test(why)) {
        throw new UserError(`Branch '${options.branch}' does not exist in ${options.display}`);
      }
      throw new UserError(`Cannot clone ${options.display}: ${why}`);
    }
    const checkout = new Git(options.dir, options.env, options.logger);
    const symbolic = await checkout.try(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    const branch = options.branch || (symbolic ?? '').trim();
    const head = await checkout.try(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    if (head === undefined || !branch)
      throw new UserError(
        `${options.display} has no commits on ${branch ? `branch '${branch}'` : 'its default branch'}`,
      );
    let sparse = false;
    if (options.sparse) {
      // A sparse index holds the folders outside the cone as single entries, so checkout, listing
      // and commit cost what the cone holds, not what the repository holds (git >= 2.35; older
      // git gets a plain sparse checkout).
      const set = ['sparse-checkout', 'set', '--cone'];
      sparse = (await checkout.exec([...set, '--sparse-index', '--', ...options.sparse])).code === 0;
      if (!sparse) await checkout.run([...set, '--', ...options.sparse]);
    }
    return new GitCheckout(checkout, branch, head.trim(), options.display, sparse);
  }

  get dir(): string {
    return this.git.cwd;
  }

  /** The remote tips of these branches (absent ones are missing from the map). */
  async remoteHeads(branches: string[]): Promise<Map<string, string>> {
    const refs = branches.map((b) => `refs/heads/${b}`);
    const result = await retryTransient(() => this.git.exec(['ls-remote', '--heads', 'origin', ...refs]), {
      what: `read branches of ${this.display}`,
      log: this.git.log,
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
    const result = await retryTransient(
      () =>
        this.git.exec([
          'fetch',
          '--quiet',
          `--depth=${depth}`,
          '--no-tags',
          'origin',
          `+refs/heads/${branch}:${ref}`,
        ]),
      { what: `fetch '${branch}' from ${this.display}`, log: this.git.log },
    );
    if (result.code !== 0)
      throw new UserError(`Cannot fetch '${branch}' from ${this.display}: ${gitMessage(result)}`);
    return (await this.git.run(['rev-parse', '--verify', `${ref}^{commit}`])).trim();
  }

  /** Points the worktree at a commit, discarding what a previous attempt left. */
  async checkout(commit: string): Promise<void> {
    await this.git.run(['checkout', '--quiet', '--force', '--detach', commit]);
  }

  /**
   * Regular files of the checked-out commit that are in the work tree (symlinks and submodules are
   * never edited). With a sparse index, the folders outside the cone stay unexpanded.
   */
  async listFiles(): Promise<string[]> {
    const out =
      (this.sparseIndex ? await this.git.try(['ls-files', '--sparse', '--stage', '-z']) : undefined) ??
      (await this.git.run(['ls-tree', '-r', '-z', '--full-tree', 'HEAD']));
    return out
      .split('\0')
      .filter((entry) => /^100(644|755) /.test(entry))
      .map((entry) => entry.slice(entry.indexOf('\t') + 1));
  }

  readFile(path: string): Promise<string> {
    return readFile(join(this.dir, path), 'utf8');
  }

  writeFile(path: string, text: string): Promise<void> {
    return writeFile(join(this.dir, path), text, 'utf8');
  }

  /** A file's content in another commit (blob fetched on demand in a partial clone). */
  show(commit: string, path: string): Promise<string | undefined> {
    return this.git.try(['cat-file', 'blob', `${commit}:${path}`]);
  }

  /** Paths a commit changed against its parent (the parent must have been fetched). */
  async changedPaths(commit: string): Promise<string[]> {
    const out = await this.git.run(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', commit]);
    return out.split('\0').filter(Boolean);
  }

  async tree(commit: string): Promise<string> {
    return (await this.git.run(['rev-parse', `${commit}^{tree}`])).trim();
  }

  /** Unified diff between two commits for these paths. */
  diff(from: string, to: string, paths: string[]): Promise<string> {
    return this.git.run(['diff', '--no-color', '--no-ext-diff', from, to, '--', ...paths]);
  }

  /**
   * Commits the given paths; author and committer from the arguments, never from local config.
   * Staged first and committed from the index: `commit -- <paths>` would build a temporary full
   * index, expanding a sparse one (the checkout is fresh, so the index holds nothing else).
   */
  async commit(paths: string[], message: string, author: { name: string; email: string }): Promise<string> {
    await this.git.run(['add', '--', ...paths]);
    await this.git.run(
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
      ],
      message,
    );
    return (await this.git.run(['rev-parse', 'HEAD'])).trim();
  }

  /**
   * Pushes a commit to a remote ref without force (or with a lease on our own branch). A push whose
   * connection dropped may still have landed: the remote ref is read back, and the push counts as
   * done when it holds our commit, so a retry never lands a second commit.
   */
  async push(commit: string, remoteRef: string, options: PushOptions = {}): Promise<PushOutcome> {
    const args = ['push', '--porcelain', '--no-verify'];
    if (options.lease !== undefined) args.push(`--force-with-lease=${remoteRef}:${options.lease}`);
    for (const option of options.pushOptions ?? []) args.push('-o', option);
    args.push('origin', `${commit}:${remoteRef}`);
    const result = await this.git.exec(args);
    const refs = parsePorcelain(result.stdout);
    const rejected = refs.find((r) => r.flag === '!');
    const server = serverMessage(result.stderr);
    if (result.code === 0 && !rejected) return { ok: true, stderr: result.stderr };
    const retryable = rejected ? isRetryableRejection(rejected.summary) : isTransientGitFailure(result);
    const reason = rejected ? withGitHint(rejected.summary) : gitMessage(result);
    // The server may have taken a push whose answer was lost: curl then replays the request on a
    // fresh connection, and the replay is refused with "cannot lock ref"/"failed to update ref". So
    // the ref is read back before any retry, except after a refusal that changed nothing for sure
    // (the branch moved: fetch first, non-fast-forward, stale info).
    const movedBefore = rejected && /\((fetch first|non-fast-forward|stale info)\)/.test(rejected.summary);
    if (retryable && !movedBefore && (await this.holds(remoteRef, commit))) {
      this.git.log?.warning(
        `push to ${remoteRef} of ${this.display} failed (${reason}), but the branch holds ${commit.slice(0, 12)}: done`,
      );
      return { ok: true, stderr: result.stderr };
    }
    return { ok: false, retryable, reason, stderr: result.stderr, server };
  }

  /** Whether the remote ref points at `commit` now (false when that cannot be read). */
  private async holds(remoteRef: string, commit: string): Promise<boolean> {
    const branch = remoteRef.replace(/^refs\/heads\//, '');
    return this.remoteHeads([branch]).then(
      (heads) => heads.get(branch) === commit,
      () => false,
    );
  }
}
