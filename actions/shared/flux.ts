/**
 * The Flux check as every action runs it: the `flux-check` input, reading the Flux objects of the
 * workspace, and reporting (annotations, the "What Flux will deploy" summary, failing in `fail`).
 */
import { appliedBy } from '../../src/core/flux/applied.ts';
import { type KnownArtifacts, whatFluxWillDeploy } from '../../src/core/flux/deploy.ts';
import type { Finding, FluxCheckMode } from '../../src/core/flux/finding.ts';
import { type FluxObjects, readFluxObjects, type SourceFile } from '../../src/core/flux/objects.ts';
import { fluxSummary, reportFlux } from '../../src/core/flux/report.ts';
import { checkWiring } from '../../src/core/flux/wiring-check.ts';
import { readYamlFiles } from '../../src/core/flux/workspace.ts';
import type { RunArgs } from '../../src/definition.ts';

export interface FluxFiles {
  files: SourceFile[];
  objects: FluxObjects;
  notes: string[];
}

export async function workspaceFlux(workspace: string, listed?: readonly string[]): Promise<FluxFiles> {
  const { files, notes } = await readYamlFiles(workspace, listed);
  return withObjects(files, notes);
}

export function withObjects(files: SourceFile[], notes: string[] = []): FluxFiles {
  const objects = readFluxObjects(files);
  const unreadable = objects.unreadable.map((u) => `${u.file} is not valid YAML (${u.error}); not checked`);
  return { files, objects, notes: [...notes, ...unreadable] };
}

/** Reports the check: annotations, a summary section, and in `fail` mode the error that stops the step. */
export function finishFluxCheck(
  args: Pick<RunArgs<unknown>, 'log' | 'summary'>,
  flux: FluxFiles,
  result: { findings: Finding[]; notes: string[]; known?: KnownArtifacts },
  options: { mode: FluxCheckMode; scope: string; stops: string },
): void {
  const deployment = whatFluxWillDeploy(flux.objects, {
    ...result.known,
    appliedBy: appliedBy(flux.objects, flux.files),
  });
  const report = {
    scope: options.scope,
    findings: result.findings,
    notes: [...flux.notes, ...result.notes],
    deployment,
  };
  args.summary(fluxSummary(report));
  reportFlux(report, options.mode, args.log, options.stops);
}

/** The whole-wiring check of a folder: what verify-paths-filter and `golden-actions flux-check` run. */
export async function wiringCheck(
  root: string,
  listed?: readonly string[],
): Promise<{ flux: FluxFiles; findings: Finding[] }> {
  const flux = await workspaceFlux(root, listed);
  return { flux, findings: checkWiring(flux.objects) };
}
