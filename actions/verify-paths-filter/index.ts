import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunContext } from '../../src/core/context.ts';
import { InputError, setting, UserError } from '../../src/core/errors.ts';
import type { Quantifier } from '../../src/core/glob/rule.ts';
import type { Logger } from '../../src/core/log.ts';
import { checkLoops } from '../../src/core/loop-guard/loop-guard.ts';
import type { RepoView } from '../../src/core/loop-guard/model.ts';
import { repoView } from '../../src/core/loop-guard/repo-view.ts';
import { type ChangedFile, changedFiles, resolveComparison } from '../../src/core/paths/changes.ts';
import {
  applyFilters,
  type Filter,
  type FilterResult,
  NEVER_SEEN_STATUSES,
  parseFilters,
} from '../../src/core/paths/filters.ts';
import { RepoGit } from '../../src/core/paths/git.ts';
import type { Dialect } from '../../src/core/paths/glob.ts';
import { ensureBranch, ensureCommit } from '../../src/core/paths/history.ts';
import { formatFiles } from '../../src/core/paths/list-files.ts';
import { type DialectDifference, filtersSummary, guardSummary } from '../../src/core/paths/report.ts';
import { childEnv } from '../../src/core/util/env.ts';
import type { Inputs, RunArgs } from '../../src/definition.ts';
import { finishFluxCheck, wiringCheck } from '../shared/flux.ts';
import { gitEnvFor } from '../shared/git-auth.ts';
import { definition } from './definition.ts';

export { definition };

type Args = RunArgs<Inputs<typeof definition>>;

export async function run(args: Args): Promise<Record<string, string>> {
  const { inputs, context, log } = args;
  const dialect = inputs.dialect;
  const quantifier = inputs['predicate-quantifier'];
  const repo = await repository(context.workspace, inputs['working-directory']);
  // Inputs are checked before any git work, so a typo fails fast.
  const filters = parseFilters(await filtersText(inputs.filters, repo));
  if (!(inputs['initial-fetch-depth'] >= 1))
    throw new InputError('initial-fetch-depth', 'must be a number of commits, 1 or more');
  const local = new RepoGit(repo, childEnv(process.env), log);
  // The listing of the checkout (git's index), for the loop guard and the Flux check, starts first
  // and runs beside the diff and the matching: reading a big index is the slowest git call here.
  const view = repoView(local, context.defaultBranch);
  view.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const git = await checkoutGit(args, local);
  git.initialFetchDepth = Math.floor(inputs['initial-fetch-depth']);
  for (const filter of filters) {
    if (filter.rules.some((rule) => [...(rule.statuses ?? [])].some((s) => NEVER_SEEN_STATUSES.has(s)))) {
      log.warning(
        `Filter '${filter.name}': renamed/copied never match here; a rename is reported as deleted + added`,
      );
    }
  }

  const outputs: Record<string, string> = { changes: '[]' };
  if (filters.length > 0) {
    const head = await headOf(git, inputs.ref, context, log);
    const comparison = await resolveComparison({
      git,
      log,
      ...head,
      baseRef: context.baseRef,
      defaultBranch: context.defaultBranch,
      base: inputs.base || undefined,
    });
    const files = await changedFiles(git, comparison);
    log.info(`${comparison.reason}: ${files.length} changed file${files.length === 1 ? '' : 's'}`);
    const results = applyFilters(filters, files, dialect, quantifier);
    const format = inputs['list-files'];
    for (const { name, files: matched } of results) {
      outputs[name] = String(matched.length > 0);
      outputs[`${name}_count`] = String(matched.length);
      const listed = formatFiles(matched, format);
      if (listed !== undefined) outputs[`${name}_files`] = listed;
      // The names before dorny/paths-filter's, kept so existing workflows read the same values.
      outputs[`${name}-count`] = String(matched.length);
      outputs[`${name}-files`] = JSON.stringify(matched);
      log.info(`Filter ${name}: ${matched.length} file${matched.length === 1 ? '' : 's'}`);
    }
    outputs.changes = JSON.stringify(results.filter((r) => r.files.length > 0).map((r) => r.name));
    outputs['base-sha'] = comparison.kind === 'diff' ? comparison.base : '';
    args.summary(
      filtersSummary(
        comparison,
        files.length,
        dialect,
        results,
        dialectDifferences(filters, files, results, dialect, quantifier),
      ),
    );
  }

  const loops = await loopGuard(args, await view, log);
  outputs['loop-risk'] = String(loops > 0);
  const fluxMode = inputs['flux-check'];
  if (fluxMode !== 'off') {
    // Outputs first: a failing check still leaves the filters' results to later steps.
    if (fluxMode === 'fail') for (const [name, value] of Object.entries(outputs)) args.setOutput(name, value);
    // The loop guard's listing of the checkout's YAML files, not a second walk of it.
    const { flux, findings } = await wiringCheck(repo, await (await view).yamlFiles());
    finishFluxCheck(
      args,
      flux,
      { findings, notes: [] },
      {
        mode: fluxMode,
        scope: 'the repository',
        stops: 'the wiring is inconsistent',
      },
    );
  }
  if (loops > 0 && inputs['loop-guard']) {
    // Outputs first: a failing step still tells later steps (and the user) what it found.
    for (const [name, value] of Object.entries(outputs)) args.setOutput(name, value);
    throw new UserError(
      `Commit-loop risk: ${loops} build trigger${loops === 1 ? '' : 's'} would fire on paths that automation writes (see the annotations). Fix the trigger or the writer, or set ${setting('loop-guard', 'false')} to only report.`,
    );
  }
  return outputs;
}

/**
 * Git in the checkout. Fetches authenticate with the token as bump-gitops-tag's git does: never on
 * argv, only to the remote's own origin, a platform token only to the platform's host.
 */
async function checkoutGit(args: Args, local: RepoGit): Promise<RepoGit> {
  const { log, inputs } = args;
  const url = (await local.remoteUrl()) ?? '';
  return local.withEnv(gitEnvFor(url, inputs.token, args), log);
}

/** The repository folder: the workspace, or `working-directory` inside it. */
async function repository(workspace: string, folder: string): Promise<string> {
  if (!folder) return workspace;
  const path = resolve(workspace, folder);
  if (!(await stat(path).catch(() => undefined))?.isDirectory())
    throw new InputError('working-directory', `'${folder}' is not a folder in the workspace`);
  return path;
}

/**
 * The commit whose changes are detected: the run's, or the `ref` input's (not for pull requests,
 * whose head is the event's). Another ref has no push data: it compares as a pushed branch without
 * `before`, i.e. with its merge base with the default branch.
 */
async function headOf(
  git: RepoGit,
  ref: string,
  context: RunContext,
  log: Logger,
): Promise<{ sha: string; ref: string; event: RunContext['event']; before?: string }> {
  const run = { sha: context.sha, ref: context.ref, event: context.event, before: context.before };
  if (!ref) return run;
  if (context.event === 'pull_request') {
    log.warning(`${setting('ref')} is ignored for pull/merge requests: their head is the event's`);
    return run;
  }
  const name = ref.replace(/^refs\/heads\//, '');
  const isBranch = !ref.startsWith('refs/') || ref.startsWith('refs/heads/');
  const tip = isBranch && !/^[0-9a-f]{7,40}$/.test(name) ? await ensureBranch(git, name) : undefined;
  const sha = tip ?? (await ensureCommit(git, ref));
  if (!sha) throw new InputError('ref', `'${ref}' is not a branch, tag or commit here or on the remote`);
  if (sha === context.sha) return run;
  // Whatever the event, another branch compares with where it left the default branch (as dorny does).
  return { sha, ref: tip ? `refs/heads/${name}` : ref.startsWith('refs/') ? ref : '', event: 'push' };
}

/** The `filters` input is YAML, or (one line without `:`) a file in the repository holding it. */
async function filtersText(value: string, workspace: string): Promise<string> {
  const text = value.trim();
  if (text === '' || text.includes('\n') || text.includes(':')) return value;
  try {
    return await readFile(join(workspace, text), 'utf8');
  } catch {
    throw new InputError(
      'filters',
      `'${text}' is neither a YAML map of filters nor a file in the repository`,
    );
  }
}

/**
 * Where the other dialect would decide differently, as a hint for filters moved between GitHub and
 * GitLab. Only a hint, so a big change is compared on an even sample of DIALECT_SAMPLE files (every
 * n-th in git's sorted order, so every folder is represented): the full comparison doubled the
 * matching time of a 100k-file change.
 */
const DIALECT_SAMPLE = 10_000;

function dialectDifferences(
  filters: Filter[],
  files: ChangedFile[],
  results: FilterResult[],
  dialect: Dialect,
  quantifier: Quantifier,
): DialectDifference[] {
  const other: Dialect = dialect === 'gitlab' ? 'picomatch' : 'gitlab';
  const stride = Math.ceil(files.length / DIALECT_SAMPLE);
  const sample = stride > 1 ? files.filter((_, index) => index % stride === 0) : files;
  const compared = sample.length < files.length ? sample.length : undefined;
  // This dialect's verdicts are known already: the results, cut down to the sample.
  const sampled = compared ? new Set(sample.map((file) => file.path)) : undefined;
  const here = sampled
    ? results.map((result) => ({ ...result, files: result.files.filter((path) => sampled.has(path)) }))
    : results;
  const there = applyFilters(filters, sample, other, quantifier);
  return here.flatMap((result, index) => {
    const mine = new Set(result.files);
    const theirs = new Set(there[index]!.files);
    const onlyHere = result.files.filter((f) => !theirs.has(f));
    const onlyThere = there[index]!.files.filter((f) => !mine.has(f));
    return onlyHere.length + onlyThere.length > 0
      ? [{ name: result.name, other, onlyHere, onlyThere, compared }]
      : [];
  });
}

/** Runs the loop guard, annotates what it found, and returns the number of loops. */
async function loopGuard(args: Args, view: RepoView, log: Logger): Promise<number> {
  const enforced = args.inputs['loop-guard'];
  const result = await checkLoops(view, {
    extraPaths: args.inputs['gitops-paths'],
  });
  for (const note of result.notes) {
    if (note.level === 'warning') log.warning(note.message, note.where);
    else log.info(note.message);
  }
  let loops = 0;
  for (const finding of result.findings) {
    if (finding.kind === 'latent') {
      // Not failing, but visible at the line: one token or message change away from a loop.
      log.warning(finding.message, { ...finding.firing.where, title: 'Latent commit loop' });
    } else {
      const where = { ...finding.firing.where, title: 'Commit loop' };
      loops++;
      if (enforced) log.error(finding.message, where);
      else log.warning(finding.message, where);
    }
  }
  log.info(
    `Loop guard: ${result.writers.length} writer${result.writers.length === 1 ? '' : 's'}, ${result.triggers.length} build trigger${result.triggers.length === 1 ? '' : 's'}, ${loops} loop${loops === 1 ? '' : 's'}`,
  );
  args.summary(guardSummary(result, enforced));
  return loops;
}
