/**
 * The commit-loop check: for every build trigger and every writer, is there a path the writer
 * writes on which the trigger fires? If so and the writer's commits start pipelines (no skip token,
 * a token whose pushes count), every write starts another build: a loop. If the writer's commits do
 * not start pipelines, the overlap is reported as latent (safe today, a loop if that changes).
 */

import { posix } from 'node:path';
import { globListMatcher } from '../glob/match.ts';
import { globSamples } from '../paths/glob.ts';
import { automationWrites, type FluxAutomation, scanFlux } from './flux.ts';
import { scanGithub } from './github.ts';
import { scanGitlab } from './gitlab.ts';
import type { BuildTrigger, CiEffect, CiPlatform, Firing, Note, RepoView, Writer } from './model.ts';
import { skipToken } from './skip.ts';

export interface Finding {
  /** `loop`: the writer's commits start the build. `latent`: they do not, today. */
  kind: 'loop' | 'latent';
  trigger: BuildTrigger;
  writer: Writer;
  path: string;
  firing: Firing;
  effect: CiEffect;
  message: string;
}

export interface GuardResult {
  triggers: BuildTrigger[];
  writers: Writer[];
  automations: FluxAutomation[];
  findings: Finding[];
  notes: Note[];
}

export interface GuardOptions {
  /** The `gitops-paths` input: more globs that automation writes. */
  extraPaths?: readonly string[];
}

const PLATFORMS: CiPlatform[] = ['github', 'gitlab'];

export async function checkLoops(view: RepoView, options: GuardOptions = {}): Promise<GuardResult> {
  const [github, gitlab, flux] = await Promise.all([scanGithub(view), scanGitlab(view), scanFlux(view)]);
  const writers: Writer[] = [
    ...flux.automations.map((a) => fluxWriter(a, flux.markerFiles)),
    ...github.writers,
    ...gitlab.writers,
  ];
  const notes = [...github.notes, ...gitlab.notes, ...flux.notes];
  const unattributed = flux.markerFiles.filter((file) => !writers.some((writer) => writer.writes(file)));
  if (unattributed.length > 0) writers.push(markerWriter(unattributed));
  if (options.extraPaths && options.extraPaths.length > 0)
    writers.push(inputWriter(options.extraPaths, await view.files()));
  const triggers = [...github.triggers, ...gitlab.triggers];
  return {
    triggers,
    writers,
    automations: flux.automations,
    findings: findLoops(triggers, writers, view.defaultBranch),
    notes,
  };
}

export function findLoops(
  triggers: readonly BuildTrigger[],
  writers: readonly Writer[],
  defaultBranch?: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const trigger of triggers) {
    for (const writer of writers) {
      const effect = writer.ci[trigger.platform];
      if (!effect) continue;
      const candidates = [
        ...new Set([...writer.samples, ...trigger.samples.filter((path) => writer.writes(path))]),
      ];
      for (const path of candidates) {
        const firing = trigger.firesOn({
          path,
          branch: writer.branch,
          onDefaultBranch: writer.onDefaultBranch,
          defaultBranch,
          message: writer.message,
        });
        if (!firing) continue;
        const kind = effect.starts ? 'loop' : 'latent';
        findings.push({
          kind,
          trigger,
          writer,
          path,
          firing,
          effect,
          message: describe(kind, trigger, writer, path, firing, effect),
        });
        break;
      }
    }
  }
  return findings;
}

function describe(
  kind: Finding['kind'],
  trigger: BuildTrigger,
  writer: Writer,
  path: string,
  firing: Firing,
  effect: CiEffect,
): string {
  const base = `Build trigger ${trigger.label} fires on ${path}, which ${writer.label} writes (${firing.why}).`;
  if (kind === 'loop') {
    return `${base} ${effect.why[0]!.toUpperCase()}${effect.why.slice(1)}: every write starts another build, a commit loop. Exclude the path from the trigger, or make the writer's commits skip CI.`;
  }
  return `${base} Safe today only because ${effect.why}.`;
}

function fluxWriter(automation: FluxAutomation, markerFiles: readonly string[]): Writer {
  const markers = markerFiles.filter((file) => automationWrites(automation, file));
  const markerSet = new Set(markers);
  const dir = automation.dir;
  const ci: Writer['ci'] = {};
  for (const platform of PLATFORMS) {
    const skip = automation.messageTemplate ? skipToken(automation.messageTemplate, platform) : undefined;
    ci[platform] = skip
      ? { starts: false, why: `its messageTemplate carries ${skip}` }
      : {
          starts: true,
          why: `it commits with its own credentials (deploy key or token) and ${automation.messageTemplate ? 'its messageTemplate has no' : 'no'} skip token, so its pushes start pipelines`,
        };
  }
  return {
    kind: 'flux',
    label: `Flux ImageUpdateAutomation ${automation.namespace}/${automation.name} at ${automation.where.file}:${automation.where.line ?? 1} (update.path ${automation.rawPath} → ${dir || '.'}/, via ${automation.resolvedVia}${automation.branch ? `, branch ${automation.branch}` : ''})`,
    where: automation.where,
    branch: automation.branch,
    // A template without actions is the message itself (GitLab `if:` rules may test it).
    message:
      automation.messageTemplate && !automation.messageTemplate.includes('{{')
        ? automation.messageTemplate
        : undefined,
    writes: markers.length > 0 ? (path) => markerSet.has(path) : (path) => automationWrites(automation, path),
    // Flux only rewrites files with markers; with none yet, any YAML file under the path may get one.
    samples:
      markers.length > 0 ? markers : [posix.join(dir, 'kustomization.yaml'), posix.join(dir, 'x', 'x.yaml')],
    ci,
  };
}

function markerWriter(files: string[]): Writer {
  const set = new Set(files);
  const effect: CiEffect = {
    starts: true,
    why: 'no ImageUpdateAutomation or bump step of this repository writes these $imagepolicy markers: a Flux elsewhere probably does, and its commits start pipelines',
  };
  return {
    kind: 'marker',
    label: `the automation behind the $imagepolicy markers (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`,
    writes: (path) => set.has(path),
    samples: files,
    ci: { github: effect, gitlab: effect },
  };
}

function inputWriter(globs: readonly string[], files: readonly string[]): Writer {
  const writes = globListMatcher(globs);
  const effect: CiEffect = {
    starts: true,
    why: 'it is declared in gitops-paths and its token and message are unknown, so its commits are assumed to start pipelines',
  };
  return {
    kind: 'input',
    label: `the automation declared in gitops-paths (${globs.join(', ')})`,
    writes,
    samples: [...new Set([...files.filter(writes).slice(0, 200), ...globSamples(globs)])],
    ci: { github: effect, gitlab: effect },
  };
}
