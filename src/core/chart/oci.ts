/**
 * The OCI artifact `helm push` makes of a chart archive: Helm's media types, the config blob (the
 * chart's metadata as Go JSON), a manifest without `mediaType`/`artifactType` fields, annotations
 * from Chart.yaml, and the reference `<registry>/<namespace>/<name>:<version with + as _>`.
 */
import { createHash } from 'node:crypto';
import { componentProblem } from '../registry/reference.ts';
import { chartConfigJson, goJsonStringify, goMap, sortedEntries } from './gojson.ts';
import type { ChartMetadata } from './metadata.ts';
import { ociTag } from './version.ts';

export const MEDIA_TYPE = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.cncf.helm.config.v1+json',
  chart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  provenance: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
  legacyChart: 'application/tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ChartArtifact {
  config: { descriptor: Descriptor; data: Buffer };
  layer: { descriptor: Descriptor; data: Buffer };
  manifest: Buffer;
  /** sha256 of the manifest bytes: what the registry will report for the tag. */
  digest: string;
  /** Sorted as in the manifest. */
  annotations: Map<string, string>;
}

export const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const descriptor = (mediaType: string, data: Buffer): Descriptor => ({
  mediaType,
  digest: sha256(data),
  size: data.length,
});

/** Annotations Helm cannot be told to change; a Chart.yaml annotation with these keys is dropped. */
const IMMUTABLE = ['org.opencontainers.image.title', 'org.opencontainers.image.version'];

/**
 * Helm's manifest annotations: description, title, version, url, created, source (first),
 * authors (`Name (email), …`) when not blank, then every Chart.yaml annotation except title/version.
 * `created` is RFC 3339 in UTC, seconds precision.
 */
export function chartAnnotations(md: ChartMetadata, created: Date): Map<string, string> {
  const out: Record<string, string> = {};
  const add = (key: string, value: string | undefined) => {
    if (value && value.trim() !== '') out[key] = value;
  };
  add('org.opencontainers.image.description', md.description);
  add('org.opencontainers.image.title', md.name);
  add('org.opencontainers.image.version', md.version);
  add('org.opencontainers.image.url', md.home);
  add('org.opencontainers.image.created', rfc3339(created));
  add('org.opencontainers.image.source', md.sources?.[0]);
  if (md.maintainers && md.maintainers.length > 0) {
    const authors = md.maintainers.map((m) => `${m.name ?? ''}${m.email ? ` (${m.email})` : ''}`).join(', ');
    add('org.opencontainers.image.authors', authors);
  }
  for (const [key, value] of Object.entries(md.annotations ?? {})) {
    if (!IMMUTABLE.includes(key)) out[key] = value;
  }
  return new Map(sortedEntries(goMap(out)));
}

/** Go's time.RFC3339 of a UTC time: no fraction, `Z`. */
export function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Builds what `helm push` uploads for a chart archive. `metadata` must be the chart's metadata as
 * loaded back from the archive (what `packageChart` returns), which Helm serialises as the config.
 */
export function buildChartArtifact(archive: Buffer, metadata: ChartMetadata, created: Date): ChartArtifact {
  const configData = chartConfigJson(metadata);
  const config = { descriptor: descriptor(MEDIA_TYPE.config, configData), data: configData };
  const layer = { descriptor: descriptor(MEDIA_TYPE.chart, archive), data: archive };
  const annotations = chartAnnotations(metadata, created);
  const manifest = Buffer.from(
    goJsonStringify({
      schemaVersion: 2,
      config: { ...config.descriptor },
      layers: [{ ...layer.descriptor }],
      annotations,
    }),
    'utf8',
  );
  return { config, layer, manifest, digest: sha256(manifest), annotations };
}

/** Where a chart lands: repository `<namespace>/<name>` and tag `<version>` with `+` as `_`. */
export interface ChartReference {
  host: string;
  repository: string;
  tag: string;
  /** `oci://<host>/<repository>:<tag>`. */
  ref: string;
}

export function chartReference(
  host: string,
  namespace: string,
  name: string,
  version: string,
): ChartReference {
  const repository = [...namespace.split('/').filter(Boolean), name].join('/');
  const tag = ociTag(version);
  return { host, repository, tag, ref: `oci://${host}/${repository}:${tag}` };
}

/** Why a namespace cannot be used (each `/` component must be a valid OCI path component). */
export function namespaceProblem(namespace: string): string | undefined {
  const trimmed = namespace.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('oci://') || trimmed.includes(':')) {
    return `'${namespace}' must be a path inside the registry (e.g. charts or team/charts), without scheme or host; set the registry input for the host`;
  }
  for (const part of trimmed.split('/')) {
    if (part === '') return `'${namespace}' has an empty path component (//)`;
    const problem = componentProblem(part);
    if (problem) return `'${namespace}' is not a valid OCI path: ${problem}`;
  }
  return undefined;
}
