/**
 * The GitOps clone: shallow (and, when the globs allow, tree-less: see tree.ts) in a scratch folder,
 * read at the fresh remote head on every attempt, a commit written from the object store, and a
 * push with porcelain parsing so a rejected push can be told from a real failure.
 */
import { rm } from 'node:fs/promises';
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
import {
  type CommitRef,
  coneSnapshot,
  readBlobs,
  readCommit,
  type Snapshot,
  wholeSnapshot,
  writeCommit,
} from './tree.ts';

/** The partial clone filter that leaves out every tree and file (the one GitHub serves besides blob:none). */
const TREELESS = 'tree:0';

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
  /** Folders to read (what a cone-mode sparse checkout would hold) with a tree-less clone; undefined = everything. */
  sparse?: string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Shown in messages instead of the URL. */
  display: string;
}

export class GitOpsClone {
  private constructor(
    private readonly git: Git,
    readonly branch: string,
    readonly head: string,
    private readonly display: string,
    /** The folders read; undefined = the whole tree (a full clone). */
    private readonly cone?: string[],
  ) {}

  /** Commits read so far, with their root trees (one `cat-file` fewer per attempt). */
  private readonly commits = new Map<string, CommitRef>();

  static async clone(options: CloneOptions): Promise<GitOpsClone> {
    const args = ['clone', '--quiet', '--depth=1', '--no-tags', '--no-checkout'];
    // Commits only: the trees and files of the cone are fetched by snapshot().
    if (options.sparse) args.push(`--filter=${TREELESS}`);
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
    const clone = new Git(options.dir, options.env, options.logger);
    const symbolic = await clone.try(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    const branch = options.branch || (symbolic ?? '').trim();
    const head = await readCommit(clone, 'HEAD');
    if (head === undefined || !branch)
      throw new UserError(
        `${options.display} has no commits on ${branch ? `branch '${branch}'` : 'its default branch'}`,
      );
    const repo = new GitOpsClone(clone, branch, head.commit, options.display, options.sparse);
    repo.commits.set(head.commit, head);
    return repo;
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

  /**
   * Fetches a branch tip (shallow) into refs/remotes/origin/<branch>; returns its commit. `trees`:
   * with every tree (to compare whole commits), where a tree-less clone would fetch commits only.
   * The filter is always named: a filter given once becomes the clone's default.
   */
  async fetch(branch: string, depth = 1, trees = false): Promise<string> {
    const ref = `refs/remotes/origin/${branch}`;
    const filter = this.cone ? [`--filter=${trees ? 'blob:none' : TREELESS}`] : [];
    const result = await retryTransient(
      () =>
        this.git.exec([
          'fetch',
          '--quiet',
          `--depth=${depth}`,
          '--no-tags',
          ...filter,
          'origin',
          `+refs/heads/${branch}:${ref}`,
        ]),
      { what: `fetch '${branch}' from ${this.display}`, log: this.git.log },
    );
    if (result.code !== 0)
      throw new UserError(`Cannot fetch '${branch}' from ${this.display}: ${gitMessage(result)}`);
    const fetched = await readCommit(this.git, ref);
    if (!fetched) throw new UserError(`Cannot fetch '${branch}' from ${this.display}: no commit arrived`);
    this.commits.set(fetched.commit, fetched);
    return fetched.commit;
  }

  /** The files of a commit this bump may read (the cone's, or all), their objects fetched first. */
  async snapshot(commit: string): Promise<Snapshot> {
    const ref = this.commits.get(commit) ?? (await readCommit(this.git, commit));
    if (!ref) throw new Error(`${commit} is not a commit of ${this.display}`);
    if (!this.cone) return wholeSnapshot(this.git, ref);
    return coneSnapshot(this.git, ref, this.cone, (oids, withContent) =>
      this.fetchObjects(oids, withContent),
    );
  }

  /** File contents by object id. */
  readBlobs(oids: string[]): Promise<Map<string, string>> {
    return readBlobs(this.git, oids);
  }

  /**
   * Fetches these objects in one request: each alone (trees without what they hold), or with all
   * they hold. Not fatal: what is still missing is fetched by git when read (slower, same result).
   */
  private async fetchObjects(oids: string[], withContent: boolean): Promise<void> {
    if (oids.length === 0) return;
    const result = await retryTransient(
      () =>
        this.git.exec(
          [
            // No negotiation: the server would leave out what our commit reaches, which is all of it.
            '-c',
            'fetch.negotiationAlgorithm=noop',
            '-c',
            'maintenance.auto=false',
            'fetch',
            '--quiet',
            '--no-tags',
            '--no-write-fetch-head',
            '--recurse-submodules=no',
            withContent ? '--no-filter' : `--filter=${TREELESS}`,
            '--stdin',
            'origin',
          ],
          `${oids.join('\n')}\n`,
        ),
      { what: `fetch objects from ${this.display}`, log: this.git.log },
    );
    if (result.code !== 0)
      this.git.log?.debug(`fetching ${oids.length} object(s) failed: ${gitMessage(result)}`);
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
   * A commit on the snapshot's commit with these files changed; author and committer from the
   * arguments, never from local config. Written from the object store (tree.ts): there is no work
   * tree or index to keep in step.
   */
  commit(
    base: Snapshot,
    changes: Map<string, string>,
    message: string,
    author: { name: string; email: string },
  ): Promise<string> {
    const config = [
      '-c',
      `user.name=${author.name}`,
      '-c',
      `user.email=${author.email}`,
      '-c',
      'commit.gpgSign=false',
    ];
    return writeCommit(this.git, base, changes, { config, message });
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
