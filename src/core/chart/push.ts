/**
 * Pushing a chart artifact the way `helm push` does (config blob, chart layer, manifest under the
 * version tag), but never over a version that already exists:
 * - tag absent: push (or, in a dry run, report what would be pushed);
 * - tag present with the same content: nothing is written; the existing manifest digest is reported;
 * - tag present with other content: fail and name the first differing file (`if-exists: fail`), or
 *   leave it and warn (`skip`).
 * Same content is decided cheaply when possible (identical manifest or identical layer bytes),
 * otherwise by downloading the existing chart layer and comparing file lists (content.ts).
 */
import { setting, UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { ArchiveError, type ArchiveFile, readArchive } from './archive.ts';
import { type ContentDifference, contentOf, describeDifference, firstDifference } from './content.ts';
import { type ChartArtifact, type ChartReference, MEDIA_TYPE } from './oci.ts';

/** The registry operations pushing needs (RegistryClient provides them). */
export interface ChartRegistry {
  getManifest(
    repository: string,
    ref: string,
  ): Promise<{ digest: string; mediaType: string; body: Buffer } | undefined>;
  getBlob(repository: string, digest: string): Promise<Buffer>;
  uploadBlob(repository: string, data: Buffer): Promise<{ digest: string; size: number }>;
  putManifest(repository: string, ref: string, body: Buffer, mediaType: string): Promise<string>;
}

export type IfExists = 'fail' | 'skip';

export interface PushOptions {
  ifExists: IfExists;
  dryRun: boolean;
  log: Logger;
  /** How to bump the version, for the failure message (e.g. "version in charts/app/Chart.yaml"). */
  versionSource: string;
}

export type PushOutcome =
  /** This run pushed the chart. */
  | 'pushed'
  /** Dry run: the tag is free and would be pushed. */
  | 'would-push'
  /** The registry already holds this chart (same content). */
  | 'unchanged'
  /** The registry holds other content under this version, left alone (`if-exists: skip`). */
  | 'skipped-different';

export interface PushResult {
  outcome: PushOutcome;
  pushed: boolean;
  /** The manifest digest now behind the tag (or that would be, in a dry run). */
  digest: string;
  difference?: ContentDifference;
}

export class ChartVersionExistsError extends UserError {
  override name = 'ChartVersionExistsError';
  constructor(
    readonly reference: ChartReference,
    readonly difference: ContentDifference,
    versionSource: string,
  ) {
    super(
      `${reference.ref} already exists with different content (${describeDifference(difference)}). ` +
        `A pushed chart version must not change under its users: bump the chart version (${versionSource}), ` +
        `or set ${setting('if-exists', 'skip')} to keep the chart already pushed`,
    );
  }
}

export async function pushChart(
  registry: ChartRegistry,
  target: ChartReference,
  artifact: ChartArtifact,
  entries: readonly ArchiveFile[],
  options: PushOptions,
): Promise<PushResult> {
  const { log } = options;
  const existing = await registry.getManifest(target.repository, target.tag);
  if (existing) {
    const difference = await compareExisting(registry, target, existing, artifact, entries, log);
    if (!difference) {
      log.info(`${target.ref} already holds this chart (${existing.digest}): nothing to push`);
      return { outcome: 'unchanged', pushed: false, digest: existing.digest };
    }
    if (options.ifExists === 'fail')
      throw new ChartVersionExistsError(target, difference, options.versionSource);
    log.warning(
      `${target.ref} already exists with different content (${describeDifference(difference)}); if-exists: skip leaves it as it is`,
    );
    return { outcome: 'skipped-different', pushed: false, digest: existing.digest, difference };
  }

  if (options.dryRun) {
    log.info(
      `Dry run: would push ${target.ref} (manifest ${artifact.digest}, chart layer ${artifact.layer.descriptor.digest})`,
    );
    return { outcome: 'would-push', pushed: false, digest: artifact.digest };
  }
  // Blobs first, manifest last: the tag only appears once everything it points at is there.
  await registry.uploadBlob(target.repository, artifact.config.data);
  await registry.uploadBlob(target.repository, artifact.layer.data);
  const digest = await registry.putManifest(
    target.repository,
    target.tag,
    artifact.manifest,
    MEDIA_TYPE.manifest,
  );
  if (digest !== artifact.digest) {
    throw new UserError(`${target.host} stored ${target.ref} as ${digest}, expected ${artifact.digest}`);
  }
  log.info(`Pushed: ${target.host}/${target.repository}:${target.tag}`);
  log.info(`Digest: ${digest}`);
  return { outcome: 'pushed', pushed: true, digest };
}

/** undefined when the registry's chart has the same content as ours; else the first difference. */
async function compareExisting(
  registry: ChartRegistry,
  target: ChartReference,
  existing: { digest: string; body: Buffer },
  artifact: ChartArtifact,
  entries: readonly ArchiveFile[],
  log: Logger,
): Promise<ContentDifference | undefined> {
  if (existing.digest === artifact.digest) return undefined;
  let manifest: { config?: { mediaType?: string }; layers?: { mediaType?: string; digest?: string }[] };
  try {
    manifest = JSON.parse(existing.body.toString('utf8'));
  } catch {
    throw new UserError(`${target.ref} exists but its manifest is not JSON; refusing to touch it`);
  }
  const layers = manifest.layers ?? [];
  const layer =
    layers.find((l) => l.mediaType === MEDIA_TYPE.chart) ??
    layers.find((l) => l.mediaType === MEDIA_TYPE.legacyChart);
  if (manifest.config?.mediaType !== MEDIA_TYPE.config || !layer?.digest) {
    throw new UserError(
      `${target.ref} exists and is not a Helm chart (config media type ${manifest.config?.mediaType ?? 'none'}); ` +
        'choose another namespace or version',
    );
  }
  // Identical archive bytes: same content without a download.
  if (layer.digest === artifact.layer.descriptor.digest) return undefined;
  log.info(`${target.ref} exists (${existing.digest}): comparing its content with this chart`);
  const data = await registry.getBlob(target.repository, layer.digest);
  let theirs: ArchiveFile[];
  try {
    theirs = await readArchive(data);
  } catch (error) {
    if (error instanceof ArchiveError)
      throw new UserError(`${target.ref}: the chart layer in the registry is ${error.message}`);
    throw error;
  }
  return firstDifference(contentOf(entries), contentOf(theirs));
}
