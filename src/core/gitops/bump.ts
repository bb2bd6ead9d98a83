/**
 * The bump loop (docs/design/gitops-bump.md#the-bump-loop): every attempt starts from the fresh remote head, plans the edit
 * on that content (only-if-newer decided again), commits, and pushes without force. A push rejected
 * because the branch moved is retried after a full-jitter backoff; anything else fails at once.
 *
 * Pull-request mode commits the same edit on the fresh target head and puts it on the bot branch
 * `golden-actions/bump-<image-name>`. That branch is ours: it is replaced with `--force-with-lease`
 * on the tip we just read (a concurrent bump makes the lease fail and we retry), so the request always
 * holds one clean commit on the current target. The target branch itself is never force-pushed.
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, sleep as realSleep } from '../util/retry.ts';
import type { ApiCommitter } from './api-commit.ts';
import { fileMatcher, isYamlName, sparseFolders } from './files.ts';
import { GitOpsClone, type PushOutcome } from './git.ts';
import type { Plan, PlannedChange, PlanOptions, SourceFile } from './plan.ts';
import type { PullRequestContent, PullRequestProvider } from './pull-request.ts';
import type { StrategyName } from './targets.ts';
import type { Snapshot } from './tree.ts';

export interface BumpOptions extends PlanOptions {
  /** Clone URL (local paths as file:// so that --depth applies). */
  url: string;
  /** How to name the repository in messages (never holds credentials). */
  display: string;
  /** Environment for git, auth included (see gitEnv). */
  env: NodeJS.ProcessEnv;
  /** Target branch; empty: the remote's default branch. */
  branch?: string;
  files: string[];
  mode: 'push' | 'pull-request';
  message: string;
  author: { name: string; email: string };
  maxAttempts: number;
  dryRun: boolean;
  /** Empty scratch folder for the clone. */
  workDir: string;
  logger: Logger;
  /**
   * Runs on the files first read, before the edit is planned or anything committed (the Flux check);
   * throwing stops the bump. `complete` is false when a sparse clone left folders out.
   */
  inspect?: (sources: {
    files: SourceFile[];
    context: SourceFile[];
    complete: boolean;
  }) => void | Promise<void>;
  pullRequest?: {
    provider: PullRequestProvider;
    branch: string;
    /** Title and body (defaults: the commit subject, a table of the changes), labels, reviewers, … */
    metadata?: Partial<Omit<PullRequestContent, 'head' | 'base'>>;
  };
  /** `commit-via: api` (push mode): the platform's API writes (and signs) the commit instead of git push. */
  apiCommitter?: ApiCommitter;
  /** Read only the globs' folders from a tree-less clone when the globs allow it (default true). */
  sparse?: boolean;
  backoff?: { baseMs?: number; capMs?: number; sleep?: (ms: number) => Promise<void> };
}

export interface BumpResult {
  /** A file changed and was committed (dry run: would be). */
  changed: boolean;
  files: string[];
  commit?: string;
  pullRequest?: string;
  previousTag?: string;
  strategy?: StrategyName;
  changes: PlannedChange[];
  diff: string;
  /** The branch the edit went to (the bot branch in pull-request mode) and the target branch. */
  branch: string;
  target: string;
  /** Commit of the target branch the edit was computed on. */
  base: string;
  attempts: number;
  notes: string[];
}

/** A push the remote refused; `retryable` when a fresh fetch can fix it. */
export class PushRejected extends UserError {
  constructor(
    readonly outcome: Extract<PushOutcome, { ok: false }>,
    readonly ref: string,
  ) {
    super(`push to ${ref} rejected: ${outcome.reason}`);
  }
}

export async function bumpGitopsTag(options: BumpOptions): Promise<BumpResult> {
  const { logger } = options;
  // The YAML, semver and glob libraries load while git clones: nothing needs them before the files are here.
  const planning = import('./plan.ts');
  const matching = fileMatcher(options.files);
  const prefixes = options.sparse === false ? undefined : sparseFolders(options.files);
  const repo = await logger.group(`Clone ${options.display}`, () =>
    GitOpsClone.clone({
      url: options.url,
      dir: options.workDir,
      branch: options.branch || undefined,
      sparse: prefixes,
      env: options.env,
      logger,
      display: options.display,
    }),
  );
  const target = repo.branch;
  logger.info(
    `${options.display}: branch '${target}' at ${repo.head.slice(0, 12)}${prefixes ? ` (sparse: ${prefixes.join(', ')})` : ''}`,
  );
  const selected = await matching;
  const { planBump } = await planning;

  const attempt = async (n: number): Promise<BumpResult> => {
    const base = n === 1 ? repo.head : await repo.fetch(target);
    if (n > 1) logger.info(`attempt ${n}/${options.maxAttempts}: '${target}' is now at ${base.slice(0, 12)}`);
    const snapshot = await repo.snapshot(base);
    const { files, context } = await readSources(repo, snapshot, selected);
    if (n === 1) await options.inspect?.({ files, context, complete: prefixes === undefined });
    const plan = planBump(files, options, context);
    report(plan, logger);
    const result: BumpResult = {
      changed: false,
      files: [...plan.outputs.keys()],
      previousTag: plan.previousTag,
      strategy: plan.strategy,
      changes: plan.changes,
      diff: '',
      branch: options.mode === 'push' ? target : (options.pullRequest?.branch ?? target),
      target,
      base,
      attempts: n,
      notes: plan.notes,
    };
    if (plan.outputs.size === 0) return result;
    const commit = await repo.commit(snapshot, plan.outputs, options.message, options.author);
    // The diff is taken after the push: fetch-to-push is the window in which contenders collide.
    const withDiff = async (r: BumpResult) => ({
      ...r,
      diff: r.files.length ? await repo.diff(base, commit, r.files) : '',
    });
    if (options.mode === 'push') {
      if (options.dryRun) return withDiff({ ...result, changed: true });
      if (options.apiCommitter) {
        // The same edit, sent as bytes; the API refuses it when the branch is no longer at `base`.
        const outcome = await options.apiCommitter.commit({
          branch: target,
          expectedHead: base,
          message: options.message,
          files: result.files.map((path) => ({ path, text: plan.outputs.get(path)! })),
          author: options.author,
        });
        if (!outcome.ok) throw new PushRejected({ ...outcome, stderr: '', server: [] }, target);
        return withDiff({ ...result, changed: true, commit: outcome.oid });
      }
      const outcome = await repo.push(commit, `refs/heads/${target}`);
      if (!outcome.ok) throw new PushRejected(outcome, target);
      return withDiff({ ...result, changed: true, commit });
    }
    const proposal = { ...result, changed: true };
    return withDiff(await proposeChange(repo, options, plan, files, context, selected, proposal, commit));
  };

  // Full-jitter backoff (docs/design/gitops-bump.md#the-bump-loop: base 1 s, cap 20 s). A smaller base measured worse here:
  // with 20 contenders the first windows must already hold several fetch-to-push cycles.
  const sleep = options.backoff?.sleep ?? realSleep;
  const base = options.backoff?.baseMs ?? 1000;
  const cap = options.backoff?.capMs ?? 20_000;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof PushRejected)) throw error;
      if (!error.outcome.retryable || n >= options.maxAttempts) {
        const tries = error.outcome.retryable ? ` after ${n} attempt(s)` : '';
        const server = error.outcome.server.length ? `\n${error.outcome.server.join('\n')}` : '';
        throw new UserError(
          `Gave up pushing to '${error.ref}' of ${options.display}${tries}: ${error.outcome.reason}${server}`,
        );
      }
      const delay = backoffDelay(n, base, cap);
      logger.info(`${error.message}; fetching the new head and retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}

/** Pull-request mode, after the commit on the fresh target head: update the bot branch and the request. */
async function proposeChange(
  repo: GitOpsClone,
  options: BumpOptions,
  plan: Plan,
  files: SourceFile[],
  context: SourceFile[],
  selected: (path: string) => boolean,
  result: BumpResult,
  commit: string,
): Promise<BumpResult> {
  const { logger } = options;
  const pr = options.pullRequest;
  if (!pr) throw new Error('pull-request mode needs a provider');
  const content: PullRequestContent = {
    ...pr.metadata,
    head: pr.branch,
    base: result.target,
    title: pr.metadata?.title || options.message.split('\n')[0]!,
    body: pr.metadata?.body || pullRequestBody(options, plan, result.target),
  };
  const current = (await repo.remoteHeads([pr.branch])).get(pr.branch);
  if (current) {
    await repo.fetch(pr.branch, 2, true);
    // One bot branch per image: never replace a proposal for files this bump does not own.
    const foreign = (await repo.changedPaths(current)).filter((path) => !selected(path));
    if (foreign.length) {
      throw new UserError(
        `'${pr.branch}' holds a bump of other files (${foreign.join(', ')}); one image has one open bump pull request per repository. Merge or close it first.`,
      );
    }
    if ((await repo.tree(current)) === (await repo.tree(commit))) {
      logger.info(`'${pr.branch}' already holds this change`);
      const request = options.dryRun ? undefined : await pr.provider.upsert(content, '');
      return { ...result, changed: false, files: [], commit: undefined, pullRequest: request?.url };
    }
    if (options.onlyIfNewer && (await proposesNewer(repo, current, plan, files, context, options))) {
      logger.info(`'${pr.branch}' already proposes a newer tag than ${options.tag}; leaving it`);
      const url = options.dryRun ? undefined : await pr.provider.find?.(pr.branch);
      return { ...result, changed: false, files: [], commit: undefined, pullRequest: url };
    }
  }
  if (options.dryRun) return result;
  const outcome = await repo.push(commit, `refs/heads/${pr.branch}`, {
    lease: current ?? '',
    pushOptions: pr.provider.pushOptions(content),
  });
  if (!outcome.ok) throw new PushRejected(outcome, pr.branch);
  const request = await pr.provider.upsert(content, outcome.stderr);
  return { ...result, commit, pullRequest: request?.url };
}

/** Whether the bot branch already sets a newer tag in the files this bump touches. */
async function proposesNewer(
  repo: GitOpsClone,
  commit: string,
  plan: Plan,
  files: SourceFile[],
  context: SourceFile[],
  options: PlanOptions,
): Promise<boolean> {
  const touched = new Set(plan.changes.map((c) => c.file));
  const theirs: SourceFile[] = [];
  for (const file of files.filter((f) => touched.has(f.path))) {
    const text = await repo.show(commit, file.path);
    if (text !== undefined) theirs.push({ path: file.path, text });
  }
  try {
    const { planBump } = await import('./plan.ts');
    return planBump(theirs, { ...options, strategy: plan.strategy }, context).changes.some(
      (c) => c.action === 'keep-newer',
    );
  } catch {
    return false; // the bot branch no longer looks like ours: replace it
  }
}

/** The selected files (YAML only, all must parse) and the other YAML that may hold ImagePolicies or bases. */
async function readSources(repo: GitOpsClone, snapshot: Snapshot, selected: (path: string) => boolean) {
  const yaml = snapshot.files.filter((f) => isYamlName(f.path));
  const files: SourceFile[] = [];
  const context: SourceFile[] = [];
  // In slices: a whole repository's YAML need not be in memory at once, only what is kept.
  for (let at = 0; at < yaml.length; at += 5000) {
    const slice = yaml.slice(at, at + 5000);
    const texts = await repo.readBlobs([...new Set(slice.map((f) => f.oid))]);
    for (const { path, oid } of slice) {
      const text = texts.get(oid)!;
      if (selected(path)) files.push({ path, text });
      else if (text.length < 1_000_000 && /image\.toolkit\.fluxcd\.io|HelmRelease/.test(text)) {
        context.push({ path, text });
      }
    }
  }
  return { files, context };
}

function report(plan: Plan, logger: Logger): void {
  logger.info(`strategy: ${plan.strategy}`);
  for (const note of plan.notes) logger.info(`note: ${note}`);
  for (const c of plan.changes) {
    const what =
      c.action === 'update' || c.action === 'insert'
        ? `${c.from ?? '(none)'} -> ${c.to}`
        : c.action === 'same'
          ? `already ${c.from}`
          : `keeps newer ${c.from} (not ${c.to})`;
    logger.info(`${c.file}:${c.line} [${c.via}] ${what}${c.reason ? ` (${c.reason})` : ''}`);
  }
}

function pullRequestBody(options: BumpOptions, plan: Plan, target: string): string {
  const rows = plan.changes
    .filter((c) => c.action === 'update' || c.action === 'insert')
    .map((c) => `| \`${c.file}:${c.line}\` | ${c.via} | \`${c.from ?? ''}\` | \`${c.to}\` |`);
  return [
    `Sets \`${options.image}\` to \`${options.tag}\`.`,
    '',
    '| file | found by | from | to |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Opened by golden-actions bump-gitops-tag. Later bumps of this image replace the branch \`${options.pullRequest?.branch}\` with one commit on the current \`${target}\`.`,
  ].join('\n');
}
