/**
 * Loading a chart the way Helm's loader does, so that packaging writes what `helm package` writes:
 * - from a directory: walk it depth-first with names sorted bytewise (Go's walk), skip what the
 *   chart root's `.helmignore` (plus Helm's default rule) ignores (a sub-chart's own .helmignore
 *   is just a file when the parent is packaged), follow symlinks, refuse irregular files, strip a
 *   leading UTF-8 BOM from every file;
 * - from an archive (a vendored `charts/x-1.0.0.tgz`): every regular file, first path segment dropped;
 * - sort the files: Chart.yaml, Chart.lock, values.yaml, values.schema.json, requirements.yaml/.lock
 *   (apiVersion v1: metadata plus plain files), templates/, charts/ (each entry not starting with
 *   `.` or `_` is a sub-chart: a folder or a .tgz; `.prov` files stay plain files), everything else.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { ArchiveError, MAX_FILE_SIZE, readArchive } from './archive.ts';
import { HELMIGNORE, HelmIgnore, HelmIgnoreError } from './helmignore.ts';
import { type ChartLock, parseLock } from './lock.ts';
import { ChartError, type ChartMetadata, type ParsedChartYaml, parseChartYaml } from './metadata.ts';
import { validateSubchartMetadata } from './validate.ts';

export interface ChartFile {
  /** Path relative to the chart root, `/`-separated. */
  name: string;
  data: Buffer;
}

export interface LoadedChart {
  /** How messages name this chart's folder or archive, e.g. `charts/app/charts/redis-1.0.0.tgz`. */
  source: string;
  /** Which file the metadata (and for v1 charts the dependencies) came from, for messages. */
  chartFile: string;
  dependencyFile: string;
  metadata: ChartMetadata;
  nonStringFields: ParsedChartYaml['nonStringFields'];
  /** Chart.lock (v2) or requirements.lock (v1). */
  lock?: ChartLock;
  values?: Buffer;
  schema?: Buffer;
  templates: ChartFile[];
  /** Every other file, in load order (for v1 charts this includes requirements.yaml/.lock). */
  files: ChartFile[];
  /** Vendored sub-charts, sorted by name (Helm's order is random: it iterates a Go map). */
  dependencies: LoadedChart[];
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Loads a chart folder. `display` is how messages name it (e.g. `charts/app`). */
export async function loadChartDir(dir: string, display: string): Promise<LoadedChart> {
  const rules = await readHelmIgnore(dir, display);
  const files = await walkChartDir(dir, display, rules);
  return loadChartFiles(files, display);
}

async function readHelmIgnore(dir: string, display: string): Promise<HelmIgnore> {
  let text: string;
  try {
    text = await readFile(join(dir, HELMIGNORE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return HelmIgnore.defaults();
    throw error;
  }
  try {
    return HelmIgnore.parse(text);
  } catch (error) {
    if (error instanceof HelmIgnoreError) {
      throw new ChartError(
        `${display}/${HELMIGNORE}:${error.line}: rule '${error.rule}': ${error.message.replace(/^line \d+: rule '.*?': /, '')}`,
      );
    }
    throw error;
  }
}

/** The files Helm would read from the folder, in Helm's walk order. */
export async function walkChartDir(dir: string, display: string, rules: HelmIgnore): Promise<ChartFile[]> {
  const files: ChartFile[] = [];
  const visiting = new Set<string>();

  const walk = async (absolute: string, relative: string): Promise<void> => {
    const real = await realpath(absolute);
    // Helm follows symlinks without a guard; a link back up the tree would never end.
    if (visiting.has(real)) throw new ChartError(`${display}/${relative}: symbolic link loop`);
    visiting.add(real);
    const entries: Dirent[] = await readdir(absolute, { withFileTypes: true });
    const names = entries
      .map((entry) => entry.name)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const path = join(absolute, name);
      const rel = relative ? `${relative}/${name}` : name;
      const link = await lstat(path);
      const info = link.isSymbolicLink() ? await stat(path).catch(() => undefined) : link;
      if (!info) throw new ChartError(`${display}/${rel}: broken symbolic link`);
      if (info.isDirectory()) {
        if (rules.ignores(rel, true)) continue;
        await walk(path, rel);
        continue;
      }
      if (rules.ignores(rel, false)) continue;
      if (!info.isFile()) {
        throw new ChartError(`${display}/${rel}: cannot package an irregular file (socket, device or pipe)`);
      }
      if (info.size > MAX_FILE_SIZE) {
        throw new ChartError(
          `${display}/${rel}: ${info.size} bytes is more than Helm loads (5 MiB per file); add it to .helmignore`,
        );
      }
      files.push({ name: rel, data: stripBom(await readFile(path)) });
    }
    visiting.delete(real);
  };

  await walk(dir, '');
  return files;
}

function stripBom(data: Buffer): Buffer {
  return data.subarray(0, 3).equals(UTF8_BOM) ? data.subarray(3) : data;
}

/** Sorts files into a chart, loading sub-charts (folders or archives) under `charts/`. */
export async function loadChartFiles(files: readonly ChartFile[], source: string): Promise<LoadedChart> {
  const chartYaml = files.find((file) => file.name === 'Chart.yaml');
  if (!chartYaml)
    throw new ChartError(`${source}/Chart.yaml: not found: a chart folder must contain Chart.yaml`);
  const chartFile = `${source}/Chart.yaml`;
  const parsed = parseChartYaml(chartYaml.data.toString('utf8'), chartFile);
  const metadata = parsed.metadata;
  const chart: LoadedChart = {
    source,
    chartFile,
    dependencyFile: chartFile,
    metadata,
    nonStringFields: parsed.nonStringFields,
    templates: [],
    files: [],
    dependencies: [],
  };
  // Helm's loader takes a missing apiVersion as v1 (the root chart's validation is stricter).
  const apiVersion = metadata.apiVersion || 'v1';
  const subcharts = new Map<string, ChartFile[]>();

  for (const file of files) {
    const { name } = file;
    if (name === 'Chart.yaml') continue;
    if (name === 'Chart.lock') {
      chart.lock = parseLock(file.data.toString('utf8'), `${source}/${name}`);
    } else if (name === 'values.yaml') {
      checkValuesYaml(file, source);
      chart.values = file.data;
    } else if (name === 'values.schema.json') {
      chart.schema = file.data;
    } else if (name === 'requirements.yaml') {
      const deps = parseChartYaml(file.data.toString('utf8'), `${source}/requirements.yaml`).metadata
        .dependencies;
      metadata.dependencies = deps;
      chart.dependencyFile = `${source}/requirements.yaml`;
      if (apiVersion === 'v1') chart.files.push(file);
    } else if (name === 'requirements.lock') {
      chart.lock = parseLock(file.data.toString('utf8'), `${source}/${name}`);
      if (apiVersion === 'v1') chart.files.push(file);
    } else if (name.startsWith('templates/')) {
      chart.templates.push(file);
    } else if (name.startsWith('charts/')) {
      if (name.endsWith('.prov')) {
        chart.files.push(file);
        continue;
      }
      const inCharts = name.slice('charts/'.length);
      const entry = inCharts.split('/')[0]!;
      if (entry.startsWith('.') || entry.startsWith('_')) continue;
      const list = subcharts.get(entry) ?? [];
      list.push({ name: inCharts, data: file.data });
      subcharts.set(entry, list);
    } else {
      chart.files.push(file);
    }
  }

  for (const [entry, entryFiles] of subcharts) {
    const subSource = `${source}/charts/${entry}`;
    let sub: LoadedChart;
    if (entry.endsWith('.tgz')) {
      const archive = entryFiles.find((file) => file.name === entry);
      if (!archive) throw new ChartError(`${subSource}: expected an archive file`);
      sub = await loadChartArchive(archive.data, subSource);
    } else {
      const inner = entryFiles
        .filter((file) => file.name.includes('/'))
        .map((file) => ({ name: file.name.slice(entry.length + 1), data: file.data }));
      if (inner.length === 0) {
        throw new ChartError(
          `${subSource}: not a chart: charts/ may only hold chart folders and .tgz archives`,
        );
      }
      sub = await loadChartFiles(inner, subSource);
    }
    sub.metadata.apiVersion ||= 'v1';
    validateSubchartMetadata(sub.metadata, sub.chartFile);
    chart.dependencies.push(sub);
  }
  chart.dependencies.sort(
    (a, b) => compareBytes(a.metadata.name ?? '', b.metadata.name ?? '') || compareBytes(a.source, b.source),
  );
  return chart;
}

/** Loads a chart archive (e.g. a vendored dependency). */
export async function loadChartArchive(tgz: Buffer, source: string): Promise<LoadedChart> {
  let entries: ChartFile[];
  try {
    entries = await readArchive(tgz);
  } catch (error) {
    if (error instanceof ArchiveError) throw new ChartError(`${source}: ${error.message}`);
    throw error;
  }
  const files: ChartFile[] = [];
  for (const entry of entries) {
    const parts = entry.name.split('/');
    const name = parts.slice(1).join('/');
    if (name === '') continue;
    if (parts.length === 1 || parts.includes('..') || entry.name.startsWith('/')) {
      throw new ChartError(`${source}: archive entry '${entry.name}' is outside the chart's folder`);
    }
    files.push({ name, data: stripBom(entry.data) });
  }
  return loadChartFiles(files, source);
}

/** Helm refuses a chart whose values.yaml is not a YAML mapping; better to hear it now. */
function checkValuesYaml(file: ChartFile, source: string): void {
  const doc = parseDocument(file.data.toString('utf8'), { version: '1.1', uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ChartError(
      `${source}/${file.name}${pos ? `:${pos.line}:${pos.col}` : ''}: malformed YAML: ${reason}`,
    );
  }
  const root = doc.contents;
  if (root !== null && !isMap(root) && !(isScalar(root) && root.value === null)) {
    throw new ChartError(`${source}/${file.name}: must be a mapping of values`);
  }
}

const compareBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
