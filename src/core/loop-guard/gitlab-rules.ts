/**
 * Whether a push starts a GitLab job or pipeline: `workflow:rules`, a job's `rules:` (`if:` through
 * gitlab-if.ts, `changes:` with GitLab's fnmatch, `exists:`), or the older `only`/`except`.
 * Every decision is for one hypothetical push by a writer, described by PushFacts.
 */
import type { Document, Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import { compileGitlabGlob, gitlabFnmatch } from '../paths/fnmatch.ts';
import { child, items, text } from '../paths/yaml-source.ts';
import { evaluateIf, type Tri, UNKNOWN_DEFAULT_BRANCH, type VarValue } from './gitlab-if.ts';
import type { Job } from './gitlab-jobs.ts';
import type { At, Source } from './gitlab-sources.ts';
import type { Firing, Location, PushFacts } from './model.ts';

/** Variables as they would be for a pipeline started by the writer's push. */
function variables(facts: PushFacts): (name: string) => VarValue {
  const defaultBranch = facts.defaultBranch ?? (facts.onDefaultBranch ? UNKNOWN_DEFAULT_BRANCH : undefined);
  const branch = facts.branch ?? (facts.onDefaultBranch ? defaultBranch : undefined);
  return (name) => {
    if (name === 'CI_PIPELINE_SOURCE') return 'push';
    if (name === 'CI_COMMIT_BRANCH' || name === 'CI_COMMIT_REF_NAME') return branch;
    if (name === 'CI_DEFAULT_BRANCH') return defaultBranch;
    if (
      name === 'CI_COMMIT_TAG' ||
      name.startsWith('CI_MERGE_REQUEST_') ||
      name.startsWith('CI_EXTERNAL_PULL_REQUEST_')
    ) {
      return null;
    }
    if (name === 'CI_COMMIT_MESSAGE' || name === 'CI_COMMIT_TITLE' || name === 'CI_COMMIT_DESCRIPTION')
      return facts.message;
    return undefined;
  };
}

export interface Outcome {
  runs: boolean;
  firing?: Firing;
}

/**
 * `rules:` for one push: the first matching rule decides. An `if:` we cannot decide is assumed to
 * go the way that starts the job (the guard must not miss a loop).
 */
export function evaluateRules(
  src: Source,
  rules: Node | undefined,
  facts: PushFacts,
  files: readonly string[],
  defaultWhen: string,
): Outcome {
  const { doc, file } = src;
  const vars = variables(facts);
  for (const rule of items(doc, rules)) {
    const ruleWhere: Location = { file: file.path, line: file.lineOf(rule) };
    if (!isMap(rule))
      return { runs: true, firing: { where: ruleWhere, why: 'a rule we cannot read (assumed to match)' } };
    const when = text(child(doc, rule, 'when')) ?? defaultWhen;
    const starts = when !== 'never' && when !== 'manual';
    let matched: Tri = true;
    let assumed = false;
    const ifText = text(child(doc, rule, 'if'));
    if (ifText !== undefined) matched = and(matched, evaluateIf(ifText, vars));
    let changeHit: { glob: string; line?: number } | undefined;
    const changes = child(doc, rule, 'changes');
    if (changes !== undefined) {
      const globs = isSeq(changes) ? items(doc, changes) : items(doc, child(doc, changes, 'paths'));
      const hit = globs.find((g) => gitlabFnmatch(text(g) ?? '', facts.path));
      if (hit) changeHit = { glob: text(hit)!, line: file.lineOf(hit) };
      matched = and(matched, hit !== undefined);
    }
    const exists = child(doc, rule, 'exists');
    if (exists !== undefined) {
      const globs = (isSeq(exists) ? items(doc, exists) : items(doc, child(doc, exists, 'paths'))).map((g) =>
        compileGitlabGlob(text(g) ?? ''),
      );
      matched = and(
        matched,
        files.some((f) => globs.some((matches) => matches(f))),
      );
    }
    if (matched === undefined) {
      matched = starts;
      assumed = true;
    }
    if (!matched) continue;
    if (!starts) return { runs: false };
    const why = changeHit
      ? `rules:changes '${changeHit.glob}' matches ${facts.path}`
      : `the rule at line ${ruleWhere.line} matches a push${assumed ? ' (its if: depends on values we cannot know; assumed true)' : ''}`;
    return {
      runs: true,
      firing: { where: changeHit ? { file: file.path, line: changeHit.line } : ruleWhere, why },
    };
  }
  return { runs: false };
}

function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === undefined || b === undefined) return undefined;
  return true;
}

/** `only` / `except` (the keywords before `rules`), for a branch push. */
export function evaluateOnlyExcept(job: Job, facts: PushFacts): Outcome {
  const only = job.get('only');
  const except = job.get('except');
  const branch = facts.branch;
  const refMatches = (doc: Document, node: Node | undefined): Tri => {
    const refs = (
      isSeq(node) ? items(doc, node) : isMap(node) ? items(doc, child(doc, node, 'refs')) : []
    ).map((r) => text(r) ?? '');
    if (refs.length === 0) return undefined;
    if (refs.some((ref) => ref === 'branches' || ref === 'pushes')) return true;
    const named = refs.filter(
      (ref) =>
        !/^(tags|merge_requests|schedules|triggers|web|api|external|external_pull_requests|pipelines|chat)$/.test(
          ref,
        ),
    );
    if (named.length === 0) return false;
    if (branch === undefined) return undefined;
    return named.some((ref) =>
      ref.startsWith('/') ? new RegExp(ref.slice(1, ref.lastIndexOf('/'))).test(branch) : ref === branch,
    );
  };
  const changesOf = (at: At | undefined) => {
    if (!at || !isMap(at.node)) return undefined;
    const changes = child(at.src.doc, at.node, 'changes');
    if (changes === undefined) return undefined;
    const globs = isSeq(changes)
      ? items(at.src.doc, changes)
      : items(at.src.doc, child(at.src.doc, changes, 'paths'));
    return globs.find((g) => gitlabFnmatch(text(g) ?? '', facts.path)) ?? null;
  };
  let firing: Firing = { where: job.where, why: `job '${job.name}' has no rules: every push starts it` };
  if (only) {
    if (refMatches(only.src.doc, only.node) === false) return { runs: false };
    const hit = changesOf(only);
    if (hit === null) return { runs: false };
    if (hit) {
      firing = {
        where: { file: only.src.file.path, line: only.src.file.lineOf(hit) },
        why: `only:changes '${text(hit)}' matches ${facts.path}`,
      };
    }
  }
  if (except) {
    if (refMatches(except.src.doc, except.node) === true) return { runs: false };
    if (changesOf(except)) return { runs: false };
  }
  return { runs: true, firing };
}

export function workflowAllows(
  workflow: At | undefined,
  facts: PushFacts,
  files: readonly string[],
): Outcome {
  if (!workflow) return { runs: true };
  return evaluateRules(workflow.src, workflow.node, facts, files, 'always');
}

/** The firing that names a `changes` glob (the line to fix), else the first one given. */
export function preferChanges(a?: Firing, b?: Firing): Firing | undefined {
  if (a?.why.includes('changes')) return a;
  if (b?.why.includes('changes')) return b;
  return a ?? b;
}

export function changeGlobs(at: At | undefined): string[] {
  if (!at) return [];
  const { doc } = at.src;
  return items(doc, at.node).flatMap((rule) => {
    const changes = child(doc, rule, 'changes');
    const globs = isSeq(changes) ? items(doc, changes) : items(doc, child(doc, changes, 'paths'));
    return globs.map((g) => text(g) ?? '').filter(Boolean);
  });
}
