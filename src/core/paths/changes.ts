/**
 * Which files changed, from local git only (no API, so no 300/3000-file caps). The rules for each
 * event are documented in docs/verify-paths-filter.md; in short:
 * - `base` input: merge base of base and head .. head (a SHA that is an ancestor gives `base..head`);
 *   the zero SHA (a new branch's `before`) applies the new-branch rule below;
 * - pull/merge request: merge base with the target branch .. head;
 * - push: `before` .. head, trees compared as GitHub does for `on.push.paths` (force pushes too);
 *   a new branch (zero before) or a vanished `before`: merge base with the default branch;
 *   the default branch's first push: every file of the commit counts as added;
 * - tag: since the previous tag reachable from the commit's parent, else every file;
 * - schedule, manual, other: every file (there is no "before"; GitLab's `changes` is true there too).
 * Renames are not detected (`--no-renames`): a renamed file is `deleted` (old) + `added` (new).
 */
import { type RunContext, ZERO_SHA } from '../context.ts';
import { InputError, setting, UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { RepoGit } from './git.ts';
import { ensureBranch, ensureCommit, isAncestor, mergeBase, short } from './history.ts';

export const CHANGE_STATUSES = [
  'added',
  'copied',
  'deleted',
  'modified',
  'renamed',
  'unmerged',
  'unknown',
] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  /** The old path of a rename or copy (only when rename detection produced one). */
  from?: string;
}

const LETTERS: Record<string, ChangeStatus> = {
  A: 'added',
  C: 'copied',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  // A type change (file <-> symlink, file <-> submodule) changed what is at the path: a modification.
  T: 'modified',
  U: 'unmerged',
};

/** Parses `git diff --name-status -z` output (rename/copy records carry two paths). */
export function parseNameStatus(output: string): ChangedFile[] {
  const parser = nameStatusParser();
  parser.push(output);
  return parser.end();
}

/**
 * The same parser fed piece by piece, as git writes its output: a 100k-file diff is parsed while
 * git is still comparing trees. A piece may end anywhere, even inside a path.
 */
export function nameStatusParser(): { push(text: string): void; end(): ChangedFile[] } {
  const files: ChangedFile[] = [];
  let pending = '';
  let status: ChangeStatus | undefined;
  let from: string | undefined;
  const token = (text: string) => {
    if (status === undefined) {
      if (text) status = LETTERS[text[0]!] ?? 'unknown';
    } else if ((status === 'renamed' || status === 'copied') && from === undefined) {
      from = text;
    } else {
      files.push(from === undefined ? { path: text, status } : { path: text, status, from });
      status = undefined;
      from = undefined;
    }
  };
  return {
    push(text) {
      const tokens = (pending + text).split('\0');
      pending = tokens.pop()!;
      for (let i = 0; i < tokens.length; i++) token(tokens[i]!);
    },
    end() {
      if (pending) token(pending);
      pending = '';
      return files;
    },
  };
}

export type Comparison =
  | { kind: 'diff'; base: string; head: string; reason: string }
  | { kind: 'all'; head: string; reason: string };

export interface CompareOptions {
  git: RepoGit;
  log: Logger;
  sha: string;
  ref: string;
  event: RunContext['event'];
  before?: string;
  baseRef?: string;
  defaultBranch?: string;
  /** The `base` input: a commit, branch or tag. */
  base?: string;
}

/** Decides what to compare the commit against, fetching what a shallow clone lacks. */
export async function resolveComparison(options: CompareOptions): Promise<Comparison> {
  const { git, log } = options;
  const branch = options.ref.startsWith('refs/heads/') ? options.ref.slice('refs/heads/'.length) : undefined;
  const usableBefore = options.before && options.before !== ZERO_SHA ? options.before : undefined;
  const baseInput =
    options.base &&
    options.base !== ZERO_SHA &&
    !(options.base === branch && options.event === 'push' && usableBefore)
      ? options.base
      : undefined;
  // The other commit's local lookup runs beside the head's: two rev-parse calls at once, not in turn.
  const other = baseInput ?? (options.event === 'push' ? usableBefore : undefined);
  const otherHere = other ? git.resolve(other) : undefined;
  const head = await ensureCommit(git, options.sha);
  if (!head)
    throw new UserError(
      `Commit ${options.sha} is not in the checkout at ${git.cwd} and could not be fetched`,
    );
  // `base: ${{ github.event.before }}` on a new branch passes the zero SHA: the new-branch rule.
  if (options.base === ZERO_SHA) return newBranch({ ...options, before: ZERO_SHA }, head, branch, false);

  if (baseInput) {
    const base = (await otherHere) ?? (await resolveBase(git, baseInput));
    const point = await mergeBase(git, base, head);
    const how =
      point === base
        ? `${options.base} (${short(base)})`
        : `merge base of ${options.base} and head (${short(point)})`;
    return { kind: 'diff', base: point, head, reason: `base input: ${how}` };
  }

  switch (options.event) {
    case 'pull_request': {
      const target = options.baseRef || options.defaultBranch;
      if (!target)
        throw new UserError(
          `Cannot tell the target branch of this pull/merge request: set ${setting('base')}`,
        );
      const tip = await ensureBranch(git, target);
      if (!tip)
        throw new UserError(`Target branch '${target}' was not found on the remote${fetchProblem(git)}`);
      const point = await mergeBase(git, tip, head);
      return {
        kind: 'diff',
        base: point,
        head,
        reason: `pull/merge request: merge base with ${target} (${short(point)})`,
      };
    }
    case 'push': {
      if (usableBefore) {
        const before = (await otherHere) ?? (await ensureCommit(git, usableBefore));
        if (before) {
          // Only for the log line below; both questions at once.
          const [shallow, ancestor] = await Promise.all([git.isShallow(), isAncestor(git, before, head)]);
          if (!shallow && !ancestor) {
            log.info(
              `${short(before)} is not an ancestor of ${short(head)} (force push): comparing the two trees`,
            );
          }
          return { kind: 'diff', base: before, head, reason: `push: ${short(before)}..${short(head)}` };
        }
        log.warning(
          `The branch's previous head ${short(usableBefore)} is not in this clone and the remote no longer has it (force push?)${fetchProblem(git)}: comparing as for a new branch instead`,
        );
      }
      return newBranch(options, head, branch, usableBefore !== undefined);
    }
    case 'tag':
      return sincePreviousTag(git, head);
    default:
      return {
        kind: 'all',
        head,
        reason: `${options.event} event: no previous commit to compare with, every file counts as added`,
      };
  }
}

async function resolveBase(git: RepoGit, base: string): Promise<string> {
  const remote = await git.remote();
  const found =
    (await git.resolve(base)) ??
    (remote ? await git.resolve(`refs/remotes/${remote}/${base}`) : undefined) ??
    (await ensureCommit(git, base, 50));
  if (!found) {
    throw new InputError(
      'base',
      `'${base}' is not a commit, branch or tag in this clone${remote ? ` or on remote '${remote}'` : ''}${fetchProblem(git)}`,
    );
  }
  return found;
}

async function newBranch(
  options: CompareOptions,
  head: string,
  branch: string | undefined,
  beforeLost: boolean,
): Promise<Comparison> {
  const { git } = options;
  const defaultBranch = options.defaultBranch || (await detectDefaultBranch(git));
  if (defaultBranch && branch === defaultBranch) {
    if (options.before === ZERO_SHA || beforeLost) {
      const why = beforeLost ? 'its previous head is gone' : 'first push of the default branch';
      return { kind: 'all', head, reason: `${why}: every file of the commit counts as added` };
    }
    throw new InputError(
      'base',
      `nothing to compare against: this is the default branch '${defaultBranch}' and the run has no push data; set ${setting('base', 'HEAD~1')} (for example)`,
    );
  }
  if (!defaultBranch) {
    throw new InputError(
      'base',
      `nothing to compare against: the default branch is unknown; pass ${setting('default-branch', '<name>')} or set ${setting('base', 'origin/main')} (for example)`,
    );
  }
  const tip = await ensureBranch(git, defaultBranch);
  if (!tip)
    throw new UserError(
      `Default branch '${defaultBranch}' was not found on the remote${fetchProblem(git)}: set ${setting('base')}`,
    );
  const point = await mergeBase(git, tip, head);
  const what = beforeLost
    ? 'previous head gone'
    : options.before === ZERO_SHA
      ? 'new branch'
      : 'no push data';
  return {
    kind: 'diff',
    base: point,
    head,
    reason: `${what}: merge base with ${defaultBranch} (${short(point)})`,
  };
}

/** The remote's default branch: `refs/remotes/<remote>/HEAD`, else asked from the remote. */
async function detectDefaultBranch(git: RepoGit): Promise<string | undefined> {
  const remote = await git.remote();
  if (!remote) return undefined;
  const local = (await git.try(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`]))?.trim();
  if (local) return local.slice(`refs/remotes/${remote}/`.length);
  const listed = await git.try(['ls-remote', '--symref', remote, 'HEAD']);
  return listed?.match(/^ref: refs\/heads\/(\S+)\s+HEAD/m)?.[1];
}

async function sincePreviousTag(git: RepoGit, head: string): Promise<Comparison> {
  // Finding "the previous tag" needs the history and the tags.
  if (await git.isShallow()) await git.fetch(['--unshallow']);
  await git.fetch(['+refs/tags/*:refs/tags/*']);
  const parent = await git.resolve(`${head}^`);
  const tag = parent ? (await git.try(['describe', '--tags', '--abbrev=0', parent]))?.trim() : undefined;
  const base = tag ? await git.resolve(tag) : undefined;
  if (!tag || !base)
    return {
      kind: 'all',
      head,
      reason: 'tag with no earlier tag in its history: every file counts as added',
    };
  return { kind: 'diff', base, head, reason: `tag: since the previous tag ${tag} (${short(base)})` };
}

/** ` (git fetch: <reason>)` when a fetch failed, so an auth problem does not look like a missing ref. */
function fetchProblem(git: RepoGit): string {
  return git.lastFetchError ? ` (git fetch: ${git.lastFetchError})` : '';
}

/** The changed files of a comparison, complete (no cap), in git's path order. */
export async function changedFiles(git: RepoGit, comparison: Comparison): Promise<ChangedFile[]> {
  if (comparison.kind === 'all') {
    const listed = await git.run(['ls-tree', '-r', '-z', '--name-only', '--full-tree', comparison.head]);
    return listed
      .split('\0')
      .filter(Boolean)
      .map((path) => ({ path, status: 'added' as const }));
  }
  const parser = nameStatusParser();
  await git.stream(
    [
      'diff',
      '--name-status',
      '-z',
      '--no-renames',
      '--no-ext-diff',
      '--ignore-submodules=none',
      comparison.base,
      comparison.head,
      '--',
    ],
    (text) => parser.push(text),
  );
  return parser.end();
}
