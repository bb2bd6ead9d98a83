/**
 * Where each HelmRelease takes its chart from, resolved through its source: `chart.spec` with a
 * HelmRepository (`oci://host/path` + chart name, or an HTTP index), or `chartRef` to an
 * OCIRepository (`oci://host/path/name` + `ref`). A kustomize patch of a HelmRelease (same name, only
 * some fields) inherits what it leaves out from the document that has it.
 */
import {
  type FluxObjects,
  type HelmRelease,
  type HelmRepository,
  type ObjectRef,
  type OCIRepository,
  resolveRef,
  type Where,
} from './objects.ts';

export interface ReleaseChart {
  release: HelmRelease;
  /** The chart name (chart.spec.chart, or the last path segment of the OCIRepository URL). */
  chart?: string;
  /** The version rule Flux applies, as written; `*` when chart.spec.version is left out. */
  rule: { semver?: string; tag?: string; digest?: string };
  ruleWhere: Where;
  /** The object holding the source URL, and the chart's OCI location when it is in a registry. */
  source?: HelmRepository | OCIRepository;
  sourceRef?: ObjectRef;
  /** `oci://host/path/name` (lower-case host, no trailing slash), undefined for an HTTP index. */
  ociUrl?: string;
}

export function releaseCharts(objects: FluxObjects): ReleaseChart[] {
  const out: ReleaseChart[] = [];
  for (const release of objects.helmReleases) {
    if (release.chartRef) {
      const source =
        release.chartRef.kind === 'OCIRepository'
          ? resolveRef(objects.ociRepositories, release.chartRef, release.namespace)
          : undefined;
      const url = source?.url ? normalizeOciUrl(source.url) : undefined;
      out.push({
        release,
        chart: url?.split('/').pop(),
        rule: source?.ref ?? {},
        ruleWhere: source
          ? { file: source.where.file, line: source.ref?.line ?? source.where.line }
          : release.where,
        source,
        sourceRef: release.chartRef,
        ociUrl: url,
      });
      continue;
    }
    if (!release.chart) continue; // a patch of values only
    const base = baseOf(objects, release);
    const name = release.chart.name ?? base?.chart?.name;
    const sourceRef = release.chart.sourceRef ?? base?.chart?.sourceRef;
    const version = release.chart.version ?? base?.chart?.version;
    const versionFrom = release.chart.version !== undefined || !base ? release : base;
    const source =
      sourceRef?.kind === 'HelmRepository'
        ? resolveRef(objects.helmRepositories, sourceRef, release.namespace)
        : undefined;
    const oci = source?.url && (source.type === 'oci' || source.url.startsWith('oci://'));
    out.push({
      release,
      chart: name,
      rule: { semver: version ?? '*' },
      ruleWhere: {
        file: versionFrom.where.file,
        line: versionFrom.chart?.versionLine ?? versionFrom.where.line,
      },
      source,
      sourceRef,
      ociUrl: oci && name ? `${normalizeOciUrl(source.url!)}/${name}` : undefined,
    });
  }
  return out;
}

/** The HelmRelease document with the same name that names the chart (the base of an overlay). */
function baseOf(objects: FluxObjects, release: HelmRelease): HelmRelease | undefined {
  if (release.chart?.name && release.chart.sourceRef) return undefined;
  return objects.helmReleases.find(
    (other) =>
      other !== release &&
      other.name === release.name &&
      (other.namespace === release.namespace || !other.namespace || !release.namespace) &&
      other.chart?.name !== undefined &&
      other.chart.sourceRef !== undefined,
  );
}

/** `oci://Host:5000/charts/` -> `oci://host:5000/charts`. */
export function normalizeOciUrl(url: string): string {
  const match = /^oci:\/\/([^/]+)(\/.*)?$/i.exec(url.trim());
  if (!match) return url.trim();
  return `oci://${match[1]!.toLowerCase()}${(match[2] ?? '').replace(/\/+$/, '')}`;
}
