/**
 * `helm package` without Helm: load the chart folder, apply the version/appVersion overrides,
 * validate, and write `<name>-<version>.tgz` with Helm's layout:
 * `<name>/Chart.yaml` (re-marshalled, keys sorted, sanitised; v1 charts without dependencies),
 * `Chart.lock` (v2, re-marshalled), `values.yaml` and `values.schema.json` as read, `templates/…`,
 * every other file, then each vendored sub-chart written expanded under `charts/<sub-name>/`.
 *
 * Unlike Helm the output is reproducible: every entry carries the same `modTime` (default 0, the
 * epoch), sub-charts are written in name order, and the gzip header has no time. The same chart
 * folder therefore always gives the same bytes, and the same layer digest in a registry.
 */
import { type ArchiveFile, buildArchive } from './archive.ts';
import { metadataToGo } from './gojson.ts';
import { marshalGoYaml } from './goyaml.ts';
import { type LoadedChart, loadChartArchive, loadChartDir } from './load.ts';
import { lockToYaml } from './lock.ts';
import { ChartError, type ChartMetadata } from './metadata.ts';
import { sanitizeMetadata, validateRootMetadata } from './validate.ts';

export interface PackageOptions {
  /** Replaces Chart.yaml `version` (validated by the caller, which knows the input's name). */
  version?: string;
  /** Replaces Chart.yaml `appVersion`, e.g. with the image tag just built. */
  appVersion?: string;
  /** Unix seconds written as every entry's modification time. */
  modTime?: number;
}

export interface ChartPackage {
  name: string;
  version: string;
  /** `<name>-<version>.tgz`, as Helm names it. */
  filename: string;
  archive: Buffer;
  /** The entries written, in order (names start with `<name>/`). */
  entries: ArchiveFile[];
  /** The root chart's metadata as written into the package. */
  metadata: ChartMetadata;
  /** Things worth saying that do not stop packaging (e.g. apiVersion v1). */
  warnings: string[];
}

/** Packages the chart folder `dir`; `display` is how messages name it (e.g. `charts/app`). */
export async function packageChart(
  dir: string,
  display: string,
  options: PackageOptions = {},
): Promise<ChartPackage> {
  const chart = await loadChartDir(dir, display);
  return packageLoadedChart(chart, options);
}

export async function packageLoadedChart(
  chart: LoadedChart,
  options: PackageOptions = {},
): Promise<ChartPackage> {
  const md = chart.metadata;
  if (options.version) md.version = options.version;
  if (options.appVersion) md.appVersion = options.appVersion;
  for (const field of chart.nonStringFields) {
    if (
      (field.field === 'version' && options.version) ||
      (field.field === 'appVersion' && options.appVersion)
    )
      continue;
    throw new ChartError(
      `${chart.chartFile}:${field.line}: '${field.field}' is written as a YAML number or boolean (${field.written}); Helm reads numbers ` +
        `with float precision (1.10 becomes 1.1) and helm lint rejects it. Quote it: ${field.field}: "${field.written}"`,
    );
  }
  const { warnings } = validateRootMetadata(md, chart.chartFile);
  checkDependencies(chart);
  sanitizeTree(chart);
  const entries: ArchiveFile[] = [];
  writeChart(chart, '', entries);
  const archive = buildArchive(entries, options.modTime ?? 0);
  const name = chart.metadata.name!;
  const version = chart.metadata.version!;
  // Helm pushes the metadata it loads back from the archive (for v1 charts: with the dependencies of
  // requirements.yaml); loading ours back also proves the written Chart.yaml reads as intended.
  const reloaded = await loadChartArchive(archive, `${name}-${version}.tgz`);
  const metadata = sanitizeMetadata(reloaded.metadata);
  if (
    metadata.version !== version ||
    metadata.name !== name ||
    metadata.appVersion !== chart.metadata.appVersion
  ) {
    throw new Error(`packaged Chart.yaml does not read back as written (${name} ${version})`);
  }
  return { name, version, filename: `${name}-${version}.tgz`, archive, entries, metadata, warnings };
}

/** Helm's check: every dependency the chart declares must be vendored in charts/ (matched by name). */
function checkDependencies(chart: LoadedChart): void {
  const declared = chart.metadata.dependencies ?? [];
  const vendored = new Set(chart.dependencies.map((sub) => sub.metadata.name));
  const missing = declared
    .filter((dependency) => !vendored.has(dependency.name))
    .map((dependency) => dependency.name);
  if (missing.length === 0) return;
  const present = [...vendored].join(', ') || 'none';
  throw new ChartError(
    `${chart.dependencyFile}: dependencies missing from ${chart.source}/charts/: ${missing.join(', ')} (vendored: ${present}). ` +
      'Run `helm dependency build` (or `helm dependency update`) and commit charts/, or remove them from the dependency list',
  );
}

/** Helm sanitises every chart's metadata when it validates the loaded chart. */
function sanitizeTree(chart: LoadedChart): void {
  chart.metadata = sanitizeMetadata(chart.metadata);
  for (const sub of chart.dependencies) sanitizeTree(sub);
}

/** Appends one chart's entries (then its sub-charts') under `<prefix><name>/`. */
function writeChart(chart: LoadedChart, prefix: string, out: ArchiveFile[]): void {
  const md = chart.metadata;
  const base = `${prefix}${md.name}`;
  // v1 charts keep their dependencies in requirements.yaml, so Chart.yaml is written without them.
  const written = md.apiVersion === 'v1' ? { ...md, dependencies: undefined } : md;
  out.push({ name: `${base}/Chart.yaml`, data: chartYamlBytes(written) });
  if (md.apiVersion === 'v2' && chart.lock)
    out.push({ name: `${base}/Chart.lock`, data: lockToYaml(chart.lock) });
  if (chart.values) out.push({ name: `${base}/values.yaml`, data: chart.values });
  if (chart.schema) {
    try {
      JSON.parse(chart.schema.toString('utf8'));
    } catch (error) {
      throw new ChartError(`${chart.source}/values.schema.json: invalid JSON (${(error as Error).message})`);
    }
    out.push({ name: `${base}/values.schema.json`, data: chart.schema });
  }
  for (const file of chart.templates) out.push({ name: `${base}/${file.name}`, data: file.data });
  for (const file of chart.files) out.push({ name: `${base}/${file.name}`, data: file.data });
  for (const sub of chart.dependencies) writeChart(sub, `${base}/charts/`, out);
}

/** Chart.yaml as Helm writes it into a package. */
export function chartYamlBytes(md: ChartMetadata): Buffer {
  return Buffer.from(marshalGoYaml(metadataToGo(md)), 'utf8');
}
