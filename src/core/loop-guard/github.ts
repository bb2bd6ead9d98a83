/**
 * GitHub workflows: which ones build on push (and with which `on.push` filters), and which
 * bump-gitops-tag steps write into this repository.
 * Only `push` is analysed: writers push commits; `pull_request` runs are not started by a push.
 */
import type { Document, Node } from 'yaml';
import { BUMP_DEFAULT_FILES, parseBumpFiles } from '../gitops/bump-defaults.ts';
import {
  compileGithubPatterns,
  githubFilterDecides,
  type OrderedPattern,
  sampleGlob,
} from '../paths/glob.ts';
import { child, entries, items, keyNode, text, type YamlFile } from '../paths/yaml-source.ts';
import { bumpCommandOption, isBuildCommand, isBuildUses, isBumpCommand, isBumpUses } from './build-steps.ts';
import { addBumpWriter, bumpSettings } from './bump-writer.ts';
import { readCiFile } from './ci-file.ts';
import type { BuildTrigger, CiScan, Firing, Location, PushFacts, RepoView } from './model.ts';

const WORKFLOWS = /^\.github\/workflows\/[^/]+\.ya?ml$/;

export async function scanGithub(view: RepoView): Promise<CiScan> {
  const scan: CiScan = { triggers: [], writers: [], notes: [] };
  const parsed: { file: YamlFile; doc: Document }[] = [];
  for (const path of (await view.yamlFiles()).filter((file) => WORKFLOWS.test(file)).sort()) {
    const file = await readCiFile(view, path, scan);
    if (file) parsed.push({ file, doc: file.docs[0]! });
  }
  const builds = new Set(parsed.filter(({ doc }) => hasBuildStep(doc)).map(({ file }) => file.path));
  for (const { file, doc } of parsed) {
    await collectBumps(file, doc, view, scan);
    const calls = localCalls(doc);
    const callsBuild = calls.some((called) => builds.has(called));
    if (!builds.has(file.path) && !callsBuild) continue;
    const trigger = pushTrigger(file, doc);
    if (trigger) scan.triggers.push(trigger);
  }
  return scan;
}

function jobs(doc: Document): [string, Node | undefined, Node][] {
  return entries(doc, child(doc, doc.contents, 'jobs'));
}

function hasBuildStep(doc: Document): boolean {
  return jobs(doc).some(([, job]) => {
    const uses = text(child(doc, job, 'uses'));
    if (uses && isBuildUses(uses)) return true;
    return items(doc, child(doc, job, 'steps')).some((step) => {
      const stepUses = text(child(doc, step, 'uses'));
      const run = text(child(doc, step, 'run'));
      return (stepUses !== undefined && isBuildUses(stepUses)) || (run !== undefined && isBuildCommand(run));
    });
  });
}

/** Reusable workflows of this repository that the jobs call (`uses: ./.github/workflows/x.yml`). */
function localCalls(doc: Document): string[] {
  return jobs(doc)
    .map(([, job]) => text(child(doc, job, 'uses')))
    .filter((uses): uses is string => uses?.startsWith('./') ?? false)
    .map((uses) => uses.slice(2).replace(/@.*$/, ''));
}

async function collectBumps(file: YamlFile, doc: Document, view: RepoView, scan: CiScan): Promise<void> {
  for (const [, job] of jobs(doc)) {
    for (const step of items(doc, child(doc, job, 'steps'))) {
      const uses = text(child(doc, step, 'uses'));
      const run = text(child(doc, step, 'run'));
      const where: Location = { file: file.path, line: file.lineOf(step) };
      if (uses && isBumpUses(uses)) {
        const withNode = child(doc, step, 'with');
        const input = (name: string) => text(child(doc, withNode, name));
        const files = input('files');
        if (files?.includes('${{')) {
          scan.notes.push({
            level: 'warning',
            message: `bump-gitops-tag files at ${file.path}:${where.line} is an expression; assuming the default ${BUMP_DEFAULT_FILES.join(', ')}`,
            where,
          });
        }
        await addBumpWriter(scan, view, {
          platform: 'github',
          where,
          files: files && !files.includes('${{') ? parseBumpFiles(files) : undefined,
          ...bumpSettings(input),
        });
      } else if (run && isBumpCommand(run)) {
        const files = bumpCommandOption(run, 'files');
        await addBumpWriter(scan, view, {
          platform: 'github',
          where,
          files: files ? parseBumpFiles(files) : undefined,
          ...bumpSettings((name) => bumpCommandOption(run, name)),
        });
      }
    }
  }
}

interface PatternList {
  patterns: OrderedPattern[];
  lines: (number | undefined)[];
  keyLine?: number;
}

function patternList(
  file: YamlFile,
  doc: Document,
  push: Node | undefined,
  key: string,
): PatternList | undefined {
  const node = child(doc, push, key);
  if (node === undefined) return undefined;
  const nodes = items(doc, node);
  const values = nodes.length > 0 ? nodes.map((item) => text(item) ?? '') : [text(node) ?? ''];
  return {
    patterns: compileGithubPatterns(values),
    lines: nodes.length > 0 ? nodes.map((item) => file.lineOf(item)) : [file.lineOf(node)],
    keyLine: file.lineOf(keyNode(push, key)),
  };
}

/** The workflow's push trigger, or undefined when a branch push never starts it. */
function pushTrigger(file: YamlFile, doc: Document): BuildTrigger | undefined {
  const on = child(doc, doc.contents, 'on');
  const onLine = file.lineOf(keyNode(doc.contents, 'on'));
  let push: Node | undefined;
  let pushLine = onLine;
  if (text(on) !== undefined) {
    if (text(on) !== 'push') return undefined;
  } else if (items(doc, on).length > 0) {
    const entry = items(doc, on).find((item) => text(item) === 'push');
    if (!entry) return undefined;
    pushLine = file.lineOf(entry);
  } else {
    const key = keyNode(on, 'push');
    if (!key) return undefined;
    push = child(doc, on, 'push');
    pushLine = file.lineOf(key);
  }
  const branches = patternList(file, doc, push, 'branches');
  const branchesIgnore = patternList(file, doc, push, 'branches-ignore');
  const tagsOnly =
    !branches && !branchesIgnore && (child(doc, push, 'tags') || child(doc, push, 'tags-ignore'));
  if (tagsOnly) return undefined; // only tags named: branch pushes never start it
  const paths = patternList(file, doc, push, 'paths');
  const pathsIgnore = patternList(file, doc, push, 'paths-ignore');
  const label = `${file.path} (on.push${paths ? '.paths' : pathsIgnore ? '.paths-ignore' : ', no paths filter'})`;
  const where: Location = { file: file.path, line: pushLine };
  return {
    platform: 'github',
    label,
    where,
    samples: paths ? paths.patterns.filter((p) => !p.negated).flatMap((p) => sampleGlob(p.pattern)) : [],
    firesOn(facts: PushFacts): Firing | undefined {
      if (!branchMatches(facts, branches, branchesIgnore)) return undefined;
      if (paths) {
        const index = githubFilterDecides(paths.patterns, facts.path);
        if (index < 0) return undefined;
        const line = paths.lines[index] ?? paths.keyLine;
        return {
          where: { file: file.path, line },
          why: `on.push.paths '${paths.patterns[index]!.pattern}' matches ${facts.path}`,
        };
      }
      if (pathsIgnore) {
        if (githubFilterDecides(pathsIgnore.patterns, facts.path) >= 0) return undefined;
        return {
          where: { file: file.path, line: pathsIgnore.keyLine },
          why: `on.push.paths-ignore does not ignore ${facts.path}`,
        };
      }
      return { where, why: 'on.push has no paths filter: every push starts it' };
    },
  };
}

/** `branches` / `branches-ignore` for the writer's branch; an unknown branch is assumed to match. */
function branchMatches(facts: PushFacts, branches?: PatternList, ignore?: PatternList): boolean {
  const branch = facts.branch ?? (facts.onDefaultBranch ? facts.defaultBranch : undefined);
  if (branch === undefined) return true;
  if (branches) return githubFilterDecides(branches.patterns, branch) >= 0;
  if (ignore) return githubFilterDecides(ignore.patterns, branch) < 0;
  return true;
}
