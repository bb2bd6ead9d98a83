/**
 * GitLab pipelines: `.gitlab-ci.yml` and its local includes. Finds build jobs (scripts that build,
 * or our build components) with their `workflow:rules`, `rules` (or `only`/`except`) and include
 * rules, and the bump-gitops-tag components/jobs that write into this repository.
 * `rules:changes` is matched with GitLab's own fnmatch semantics.
 */
import type { Document, Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import { gitlabFnmatch } from '../fnmatch.ts';
import { sampleGlob } from '../glob.ts';
import { child, entries, items, keyNode, text, type YamlFile } from '../yaml-source.ts';
import { bumpCommandOption, componentName, isBuildCommand, isBumpCommand, splitList } from './build-steps.ts';
import { bumpSettings, bumpWriter } from './bump-writer.ts';
import { readCiFile } from './ci-file.ts';
import { evaluateIf, type Tri, UNKNOWN_DEFAULT_BRANCH, type VarValue } from './gitlab-if.ts';
import type { BuildTrigger, CiScan, Firing, Location, PushFacts, RepoView } from './model.ts';

const ROOT = '.gitlab-ci.yml';
const KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);
const MAX_FILES = 50;

interface Source {
  file: YamlFile;
  doc: Document;
}

interface At {
  src: Source;
  node: Node | undefined;
}

interface Job {
  name: string;
  where: Location;
  get(key: string): At | undefined;
}

export async function scanGitlab(view: RepoView): Promise<CiScan> {
  const scan: CiScan = { triggers: [], writers: [], notes: [] };
  const sources = await loadSources(view, scan);
  const root = sources[0];
  if (!root) return scan;
  const workflowRules = child(root.doc, child(root.doc, root.doc.contents, 'workflow'), 'rules');
  const workflow: At | undefined = workflowRules ? { src: root, node: workflowRules } : undefined;
  const jobs = collectJobs(sources);

  for (const job of jobs.values()) {
    if (job.name.startsWith('.')) continue;
    const script = scriptText(job);
    if (isBuildCommand(script)) scan.triggers.push(jobTrigger(job, workflow, view));
    if (isBumpCommand(script)) {
      const option = (name: string) => bumpCommandOption(script, name);
      const files = option('files');
      addWriter(scan, view, {
        platform: 'gitlab',
        where: job.where,
        files: files ? splitList(files) : undefined,
        token: option('token'),
        message: option('commit-message'),
        branch: option('branch'),
        mode: option('mode'),
        repository: option('repository'),
        dryRun: option('dry-run'),
      });
    }
  }

  for (const src of sources) {
    for (const entry of includeEntries(src)) {
      const component = text(child(src.doc, entry, 'component'));
      const name = component ? componentName(component) : undefined;
      if (!name) continue;
      const inputs = child(src.doc, entry, 'inputs');
      const where: Location = { file: src.file.path, line: src.file.lineOf(entry) };
      if (name === 'build-push-image' || name === 'package-push-chart') {
        scan.triggers.push(componentTrigger(src, entry, inputs, name, where, workflow, view));
      } else if (name === 'bump-gitops-tag') {
        const input = (key: string) => inputText(src.doc, child(src.doc, inputs, key));
        const files = child(src.doc, inputs, 'files');
        addWriter(scan, view, {
          platform: 'gitlab',
          where,
          files:
            files === undefined
              ? undefined
              : isSeq(files)
                ? items(src.doc, files).map((i) => text(i) ?? '')
                : splitList(text(files) ?? ''),
          ...bumpSettings(input),
        });
      }
    }
  }
  return scan;
}

function inputText(doc: Document, node: Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  return text(node) ?? JSON.stringify(node.toJS(doc));
}

function addWriter(scan: CiScan, view: RepoView, config: Parameters<typeof bumpWriter>[0]): void {
  const result = bumpWriter(config, view);
  if ('writes' in result) scan.writers.push(result);
  else scan.notes.push(result);
}

/** `.gitlab-ci.yml` first, then local includes (recursively, globs allowed). */
async function loadSources(view: RepoView, scan: CiScan): Promise<Source[]> {
  const sources: Source[] = [];
  const queue = view.files.includes(ROOT) ? [ROOT] : [];
  const seen = new Set<string>();
  while (queue.length > 0 && sources.length < MAX_FILES) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const file = await readCiFile(view, path, scan);
    if (!file) continue;
    // A file with a `spec:` header has its content in the second document.
    const doc =
      file.docs.length > 1 && child(file.docs[0]!, file.docs[0]!.contents, 'spec')
        ? file.docs[1]!
        : file.docs[0]!;
    const src = { file, doc };
    sources.push(src);
    for (const entry of includeEntries(src)) {
      const local = text(entry) ?? text(child(doc, entry, 'local'));
      if (
        !local ||
        /^[a-z]+:\/\//i.test(local) ||
        child(doc, entry, 'component') ||
        child(doc, entry, 'project')
      )
        continue;
      const pattern = local.replace(/^\.?\//, '');
      queue.push(
        ...(/[*?[{]/.test(pattern) ? view.files.filter((f) => gitlabFnmatch(pattern, f)) : [pattern]),
      );
    }
  }
  return sources;
}

function includeEntries(src: Source): Node[] {
  const include = child(src.doc, src.doc.contents, 'include');
  if (include === undefined) return [];
  return isSeq(include) ? items(src.doc, include) : [include];
}

/** Jobs by name; a job defined again in a later file adds/overrides keys, `extends` is followed. */
function collectJobs(sources: Source[]): Map<string, Job> {
  const defs = new Map<string, { src: Source; node: Node; key: Node }[]>();
  // Included files first, the root last: the root's keys win, as in GitLab's merge.
  for (const src of [...sources.slice(1), sources[0]!]) {
    for (const [name, node, key] of entries(src.doc, src.doc.contents)) {
      if (KEYWORDS.has(name) || !isMap(node)) continue;
      defs.set(name, [...(defs.get(name) ?? []), { src, node, key }]);
    }
  }
  const jobs = new Map<string, Job>();
  const lookup = (name: string, key: string, depth: number): At | undefined => {
    const layers = defs.get(name) ?? [];
    for (let i = layers.length - 1; i >= 0; i--) {
      const { src, node } = layers[i]!;
      const found = child(src.doc, node, key);
      if (found !== undefined || keyNode(node, key)) return { src, node: found };
    }
    if (depth > 10) return undefined;
    for (let i = layers.length - 1; i >= 0; i--) {
      const { src, node } = layers[i]!;
      const parents = child(src.doc, node, 'extends');
      const names = isSeq(parents)
        ? items(src.doc, parents).map((p) => text(p) ?? '')
        : [text(parents) ?? ''];
      for (const parent of names.filter(Boolean).reverse()) {
        const found = lookup(parent, key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  for (const [name, layers] of defs) {
    const last = layers[layers.length - 1]!;
    jobs.set(name, {
      name,
      where: { file: last.src.file.path, line: last.src.file.lineOf(last.key) },
      get: (key) => lookup(name, key, 0),
    });
  }
  return jobs;
}

function scriptText(job: Job): string {
  const parts: string[] = [];
  const add = (doc: Document, node: Node | undefined) => {
    if (node === undefined) return;
    if (isSeq(node)) for (const item of items(doc, node)) add(doc, item);
    else parts.push(text(node) ?? '');
  };
  for (const key of ['before_script', 'script', 'after_script']) {
    const at = job.get(key);
    if (at) add(at.src.doc, at.node);
  }
  return parts.join('\n');
}

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

interface Outcome {
  runs: boolean;
  firing?: Firing;
}

/**
 * `rules:` for one push: the first matching rule decides. An `if:` we cannot decide is assumed to
 * go the way that starts the job (the guard must not miss a loop).
 */
function evaluateRules(
  src: Source,
  rules: Node | undefined,
  facts: PushFacts,
  view: RepoView,
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
      const globs = (isSeq(exists) ? items(doc, exists) : items(doc, child(doc, exists, 'paths'))).map(
        (g) => text(g) ?? '',
      );
      matched = and(
        matched,
        view.files.some((f) => globs.some((g) => gitlabFnmatch(g, f))),
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
function evaluateOnlyExcept(job: Job, facts: PushFacts): Outcome {
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

function workflowAllows(workflow: At | undefined, facts: PushFacts, view: RepoView): Outcome {
  if (!workflow) return { runs: true };
  return evaluateRules(workflow.src, workflow.node, facts, view, 'always');
}

function jobTrigger(job: Job, workflow: At | undefined, view: RepoView): BuildTrigger {
  const rules = job.get('rules');
  const jobWhen = text(job.get('when')?.node) ?? 'on_success';
  return {
    platform: 'gitlab',
    label: `${job.where.file} job '${job.name}'`,
    where: job.where,
    samples: [...changeGlobs(rules), ...changeGlobs(workflow)].flatMap(sampleGlob),
    firesOn(facts) {
      const pipeline = workflowAllows(workflow, facts, view);
      if (!pipeline.runs) return undefined;
      const outcome = rules
        ? evaluateRules(rules.src, rules.node, facts, view, jobWhen)
        : jobWhen === 'manual'
          ? { runs: false }
          : evaluateOnlyExcept(job, facts);
      if (!outcome.runs) return undefined;
      return (
        preferChanges(outcome.firing, pipeline.firing) ?? {
          where: job.where,
          why: `job '${job.name}' runs on every push`,
        }
      );
    },
  };
}

function componentTrigger(
  src: Source,
  entry: Node,
  inputs: Node | undefined,
  name: string,
  where: Location,
  workflow: At | undefined,
  view: RepoView,
): BuildTrigger {
  const includeRules = child(src.doc, entry, 'rules');
  const jobRules = child(src.doc, inputs, 'rules');
  const include: At | undefined = includeRules ? { src, node: includeRules } : undefined;
  const job: At | undefined = jobRules ? { src, node: jobRules } : undefined;
  return {
    platform: 'gitlab',
    label: `${src.file.path} component ${name}`,
    where,
    samples: [...changeGlobs(include), ...changeGlobs(job), ...changeGlobs(workflow)].flatMap(sampleGlob),
    firesOn(facts) {
      const pipeline = workflowAllows(workflow, facts, view);
      if (!pipeline.runs) return undefined;
      const included = include ? evaluateRules(src, includeRules, facts, view, 'always') : { runs: true };
      if (!included.runs) return undefined;
      // Our component's `rules` input defaults to `[{when: on_success}]`: every push.
      const runs = job ? evaluateRules(src, jobRules, facts, view, 'on_success') : { runs: true };
      if (!runs.runs) return undefined;
      return (
        preferChanges(runs.firing, preferChanges(included.firing, pipeline.firing)) ?? {
          where,
          why: `component ${name} has no rules:changes: every push starts it`,
        }
      );
    },
  };
}

/** The firing that names a `changes` glob (the line to fix), else the first one given. */
function preferChanges(a?: Firing, b?: Firing): Firing | undefined {
  if (a?.why.includes('changes')) return a;
  if (b?.why.includes('changes')) return b;
  return a ?? b;
}

function changeGlobs(at: At | undefined): string[] {
  if (!at) return [];
  const { doc } = at.src;
  return items(doc, at.node).flatMap((rule) => {
    const changes = child(doc, rule, 'changes');
    const globs = isSeq(changes) ? items(doc, changes) : items(doc, child(doc, changes, 'paths'));
    return globs.map((g) => text(g) ?? '').filter(Boolean);
  });
}
