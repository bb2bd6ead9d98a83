/**
 * The pure heart of a bump: given file contents, find where the image's tag lives (strategies in
 * `auto` order), decide per value with only-if-newer, and produce the new contents. No I/O, so the
 * push loop can run it again on every fresh head.
 */
import { InputError, UserError } from '../errors.ts';
import { inferOrdering, policyOrdering, type TagOrdering } from '../flux/tag-order.ts';
import { formatImageRef, sameImage, tagProblem } from '../registry/reference.ts';
import { PolicyIndex } from './manifests.ts';
import { locateHelmRelease } from './strategy-helmrelease.ts';
import { locateKustomize } from './strategy-kustomize.ts';
import { locateSetters } from './strategy-setters.ts';
import { locateYamlPath } from './strategy-yaml-path.ts';
import type { Location, StrategyName, Target } from './targets.ts';
import { type Edit, YamlFile } from './yaml-file.ts';

export type StrategyInput = 'auto' | StrategyName;

export interface SourceFile {
  path: string;
  text: string;
}

export interface PlanOptions {
  image: string;
  tag: string;
  strategy: StrategyInput;
  yamlPath?: string;
  onlyIfNewer: boolean;
}

export type Action = 'update' | 'insert' | 'same' | 'keep-newer';

export interface PlannedChange {
  file: string;
  line: number;
  via: string;
  action: Action;
  from?: string;
  to: string;
  /** Why only-if-newer decided as it did. */
  reason?: string;
}

export interface Plan {
  strategy: StrategyName;
  changes: PlannedChange[];
  /** New contents of the files that change, by path. */
  outputs: Map<string, string>;
  /** The tag found before the bump (first value in file order). */
  previousTag?: string;
  notes: string[];
}

export const AUTO_ORDER: StrategyName[] = ['setters', 'helmrelease', 'kustomize', 'yaml-path'];

/**
 * `files`: the files selected by the `files` globs (each must parse). `context`: other YAML of the
 * checkout, used only to resolve ImagePolicies and HelmRelease bases (unparsable ones are ignored).
 */
export function planBump(files: SourceFile[], options: PlanOptions, context: SourceFile[] = []): Plan {
  const tagIssue = tagProblem(options.tag);
  if (tagIssue) throw new InputError('tag', `'${options.tag}' ${tagIssue}`);
  if (options.strategy === 'yaml-path' && !options.yamlPath)
    throw new InputError('yaml-path', "is required with strategy 'yaml-path'");
  const parsed = files.map((file) => YamlFile.parse(file.path, file.text));
  const extra = context.flatMap((file) => {
    try {
      return [YamlFile.parse(file.path, file.text)];
    } catch {
      return [];
    }
  });
  const policies = new PolicyIndex([...parsed, ...extra]);
  const input = { files: parsed, image: options.image, policies, context: extra };
  const order =
    options.strategy === 'auto'
      ? AUTO_ORDER.filter((s) => s !== 'yaml-path' || options.yamlPath)
      : [options.strategy];
  const notes: string[] = [];
  let location: Location | undefined;
  for (const strategy of order) {
    const found = locate(strategy, input, options);
    notes.push(...found.notes);
    if (found.targets.length || found.insertions.length) {
      location = found;
      break;
    }
  }
  if (!location) throw noMatch(options, order, files, notes);
  return decide(location, options, policies, notes);
}

function locate(
  strategy: StrategyName,
  input: Parameters<typeof locateSetters>[0],
  options: PlanOptions,
): Location {
  switch (strategy) {
    case 'setters':
      return locateSetters(input);
    case 'helmrelease':
      return locateHelmRelease(input);
    case 'kustomize':
      return locateKustomize({ ...input, tag: options.tag, allowAppend: options.strategy === 'kustomize' });
    case 'yaml-path':
      return locateYamlPath({ ...input, yamlPath: options.yamlPath ?? '' });
  }
}

function noMatch(
  options: PlanOptions,
  order: StrategyName[],
  files: SourceFile[],
  notes: string[],
): UserError {
  const shown = files.slice(0, 20).map((f) => f.path);
  const list =
    files.length === 0
      ? 'no files matched the globs'
      : `${shown.join(', ')}${files.length > 20 ? ` and ${files.length - 20} more` : ''}`;
  const hints = notes.length ? ` Notes: ${notes.join('; ')}.` : '';
  return new UserError(
    `No tag for image '${options.image}' found (strategy ${options.strategy === 'auto' ? `auto: ${order.join(', ')}` : options.strategy}) in ${files.length} file(s) searched: ${list}.${hints}`,
  );
}

function decide(location: Location, options: PlanOptions, policies: PolicyIndex, notes: string[]): Plan {
  const changes: PlannedChange[] = [];
  const edits = new Map<YamlFile, Edit[]>();
  const push = (file: YamlFile, edit: Edit) => edits.set(file, [...(edits.get(file) ?? []), edit]);
  const orderings = new Map<string, TagOrdering>();

  for (const target of location.targets) {
    const to = newValue(target, options);
    const base = {
      file: target.file.path,
      line: target.site.line,
      via: target.via,
      from: target.currentTag,
      to,
    };
    if (target.currentTag === options.tag) {
      changes.push({ ...base, action: 'same' });
      continue;
    }
    if (options.onlyIfNewer) {
      const ordering = orderingFor(target, options, policies, orderings, notes);
      ordering.check(options.tag);
      const verdict = ordering.compare(options.tag, target.currentTag);
      const reason = `${ordering.describe}: ${verdict.reason}`;
      if (verdict.result !== 'newer') {
        changes.push({ ...base, action: verdict.result === 'same' ? 'same' : 'keep-newer', reason });
        continue;
      }
      changes.push({ ...base, action: 'update', reason });
    } else {
      changes.push({ ...base, action: 'update' });
    }
    push(target.file, target.file.scalarEdit(target.site, to));
  }
  for (const insertion of location.insertions) {
    changes.push({
      file: insertion.file.path,
      line: insertion.line,
      via: insertion.via,
      action: 'insert',
      to: options.tag,
    });
    push(insertion.file, insertion.edit);
  }

  const outputs = new Map<string, string>();
  for (const [file, list] of edits) {
    const text = file.apply(list);
    if (text !== file.text) outputs.set(file.path, text);
  }
  const previousTag = location.targets.find((t) => t.currentTag !== undefined)?.currentTag;
  return { strategy: location.strategy, changes, outputs, previousTag, notes };
}

function newValue(target: Target, options: PlanOptions): string {
  if (target.form === 'tag') return options.tag;
  const name = target.refName && sameImage(target.refName, options.image) ? target.refName : options.image;
  return formatImageRef({ name, tag: options.tag });
}

/** The marker's ImagePolicy when its manifest is here, else the one policy tied to the image, else inferred. */
function orderingFor(
  target: Target,
  options: PlanOptions,
  policies: PolicyIndex,
  cache: Map<string, TagOrdering>,
  notes: string[],
): TagOrdering {
  const policy = target.policy ? policies.get(target.policy) : undefined;
  const candidates = policy ? [policy] : policies.forImage((image) => sameImage(image, options.image));
  const distinct = new Map(
    candidates.map((p) => [JSON.stringify({ f: p.spec.filterTags, p: p.spec.policy }), p]),
  );
  const chosen = distinct.size === 1 ? [...distinct.values()][0] : undefined;
  if (!chosen && distinct.size > 1)
    notes.push(`several ImagePolicies for ${options.image} disagree; ordering inferred from the tag`);
  const key = chosen ? chosen.key : '(inferred)';
  let ordering = cache.get(key);
  if (!ordering) {
    ordering = chosen ? policyOrdering(chosen.key, chosen.spec) : inferOrdering(options.tag);
    cache.set(key, ordering);
  }
  return ordering;
}
