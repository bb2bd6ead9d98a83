/**
 * Flux in this repository: ImageUpdateAutomations (where they commit, to which branch, with which
 * message) and the files carrying `"$imagepolicy"` markers (the only files Flux rewrites).
 *
 * `spec.update.path` is relative to the root of the automation's GitRepository, which we take to be
 * this repository unless its URL says otherwise. When that path does not exist here but the
 * automation's manifest is applied by a Flux Kustomization, the path is read the way that
 * Kustomization sees the tree: through its ExternalArtifact's copy rules (ArtifactGenerator), then
 * relative to the Kustomization's own path. The report says which resolution was used.
 */
import { posix } from 'node:path';
import type { Document, Node } from 'yaml';
import { isYamlName } from '../gitops/files.ts';
import { child, items, readYaml, text } from '../paths/yaml-source.ts';
import { type Location, type Note, type RepoView, underDir } from './model.ts';

export interface FluxAutomation {
  name: string;
  namespace: string;
  where: Location;
  /** `spec.update.path` as written. */
  rawPath: string;
  /** Repository-relative directory it writes under ('' = the whole repository). */
  dir: string;
  resolvedVia: string;
  branch?: string;
  messageTemplate?: string;
}

export interface FluxScan {
  automations: FluxAutomation[];
  markerFiles: string[];
  notes: Note[];
}

interface FluxObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  spec: Node | undefined;
  doc: Document;
  where: Location;
}

const INTERESTING =
  /^\s*kind:\s*["']?(ImageUpdateAutomation|Kustomization|GitRepository|ArtifactGenerator)\b/m;
const MARKER = '"$imagepolicy"';
const MAX_BYTES = 2_000_000;
const READ_BATCH = 64;

export async function scanFlux(view: RepoView): Promise<FluxScan> {
  const objects: FluxObject[] = [];
  const markerFiles: string[] = [];
  const notes: Note[] = [];
  const yamlFiles = await view.yamlFiles();
  // Read in batches: large repositories have thousands of YAML files.
  for (let start = 0; start < yamlFiles.length; start += READ_BATCH) {
    const batch = yamlFiles.slice(start, start + READ_BATCH);
    const contents = await Promise.all(batch.map((path) => view.read(path)));
    batch.forEach((path, index) => {
      const content = contents[index];
      if (content === undefined || content.length > MAX_BYTES) return;
      if (content.includes(MARKER)) markerFiles.push(path);
      if (INTERESTING.test(content)) objects.push(...fluxObjects(path, content));
    });
  }
  const automations: FluxAutomation[] = [];
  for (const object of objects.filter(
    (o) => o.kind === 'ImageUpdateAutomation' && o.apiVersion.startsWith('image.toolkit.fluxcd.io/'),
  )) {
    const automation = await resolveAutomation(object, objects, view, notes);
    if (automation) automations.push(automation);
  }
  return { automations, markerFiles, notes };
}

function fluxObjects(path: string, content: string): FluxObject[] {
  const file = readYaml(path, content);
  return file.docs.flatMap((doc) => {
    const root = doc.contents;
    const kind = text(child(doc, root, 'kind'));
    const apiVersion = text(child(doc, root, 'apiVersion')) ?? '';
    if (!kind) return [];
    const metadata = child(doc, root, 'metadata');
    return [
      {
        kind,
        apiVersion,
        name: text(child(doc, metadata, 'name')) ?? '',
        namespace: text(child(doc, metadata, 'namespace')) ?? 'default',
        spec: child(doc, root, 'spec'),
        doc,
        where: { file: path, line: file.lineOf(root) },
      },
    ];
  });
}

const field = (object: FluxObject | undefined, ...path: string[]): string | undefined => {
  if (!object) return undefined;
  let node: unknown = object.spec;
  for (const key of path) node = child(object.doc, node, key);
  return text(node);
};

function find(
  objects: FluxObject[],
  kind: string,
  name: string | undefined,
  namespace: string,
): FluxObject | undefined {
  return objects.find((o) => o.kind === kind && o.name === name && o.namespace === namespace);
}

async function resolveAutomation(
  iua: FluxObject,
  objects: FluxObject[],
  view: RepoView,
  notes: Note[],
): Promise<FluxAutomation | undefined> {
  const label = `ImageUpdateAutomation ${iua.namespace}/${iua.name}`;
  const sourceName = field(iua, 'sourceRef', 'name');
  const sourceNamespace = field(iua, 'sourceRef', 'namespace') ?? iua.namespace;
  const repo = find(objects, 'GitRepository', sourceName, sourceNamespace);
  const url = field(repo, 'url');
  if (url && view.remoteUrl && !url.includes('${') && normalizeUrl(url) !== normalizeUrl(view.remoteUrl)) {
    notes.push({
      level: 'info',
      message: `${label} commits to ${url}, not this repository`,
      where: iua.where,
    });
    return undefined;
  }
  const rawPath = field(iua, 'update', 'path') ?? './';
  const { dir, via } = resolveUpdatePath(iua, rawPath, objects, await directories(view));
  if (via.startsWith('not found')) {
    notes.push({
      level: 'warning',
      message: `${label}: update.path ${rawPath} does not exist in this repository`,
      where: iua.where,
    });
  }
  return {
    name: iua.name,
    namespace: iua.namespace,
    where: iua.where,
    rawPath,
    dir,
    resolvedVia: via,
    branch:
      field(iua, 'git', 'push', 'branch') ??
      field(iua, 'git', 'checkout', 'ref', 'branch') ??
      field(repo, 'ref', 'branch'),
    messageTemplate: field(iua, 'git', 'commit', 'messageTemplate'),
  };
}

/** The repository directory an update.path names (see the header comment for the order). */
export function resolveUpdatePath(
  iua: Pick<FluxObject, 'where'>,
  rawPath: string,
  objects: FluxObject[],
  dirs: ReadonlySet<string>,
): { dir: string; via: string } {
  const root = normalizeDir(rawPath);
  if (dirs.has(root)) return { dir: root, via: 'repository root' };
  for (const kustomization of objects.filter(isFluxKustomization)) {
    const applied = kustomizationDirs(kustomization, objects);
    if (!applied.some((dir) => underDir(dir, iua.where.file))) continue;
    const label = `Kustomization ${kustomization.namespace}/${kustomization.name}`;
    for (const candidate of sourceDirs(kustomization, objects, root)) {
      if (dirs.has(candidate)) return { dir: candidate, via: `the source of ${label}` };
    }
    for (const base of applied) {
      const candidate = normalizeDir(posix.join(base, root));
      if (dirs.has(candidate)) return { dir: candidate, via: `the path of ${label}` };
    }
  }
  return { dir: root, via: 'not found; taken from the repository root' };
}

const isFluxKustomization = (o: FluxObject) =>
  o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

/** Repository directories a Flux Kustomization applies (its spec.path, seen through its source). */
function kustomizationDirs(kustomization: FluxObject, objects: FluxObject[]): string[] {
  return sourceDirs(kustomization, objects, normalizeDir(field(kustomization, 'path') ?? './'));
}

/** Maps a path inside a Kustomization's source to repository directories. */
function sourceDirs(kustomization: FluxObject, objects: FluxObject[], path: string): string[] {
  const kind = field(kustomization, 'sourceRef', 'kind');
  const name = field(kustomization, 'sourceRef', 'name');
  if (kind === 'GitRepository') return [path];
  if (kind !== 'ExternalArtifact') return [];
  const mapped = new Set<string>();
  for (const generator of objects.filter((o) => o.kind === 'ArtifactGenerator')) {
    for (const artifact of items(generator.doc, child(generator.doc, generator.spec, 'artifacts'))) {
      if (text(child(generator.doc, artifact, 'name')) !== name) continue;
      for (const copy of items(generator.doc, child(generator.doc, artifact, 'copy'))) {
        const from = text(child(generator.doc, copy, 'from'));
        const to = text(child(generator.doc, copy, 'to'));
        if (!from || !to) continue;
        for (const dir of mapCopy(from, to, path)) mapped.add(dir);
      }
    }
  }
  return [...mapped];
}

/**
 * One ArtifactGenerator copy rule (`from: "@src/apps/staging/**"`, `to: "@artifact/staging/"`):
 * the repository directories behind `path` inside the artifact.
 */
export function mapCopy(from: string, to: string, path: string): string[] {
  const source = from.replace(/^@[^/]+\/?/, '');
  const target = to.replace(/^@artifact\/?/, '');
  const staticPart = source.split(/[*?[{]/)[0]!;
  // A glob copies a tree from its fixed prefix; a plain path ending in `/` is a folder; else a file.
  const isFile = staticPart === source && !source.endsWith('/');
  const repoDir = normalizeDir(
    isFile ? posix.dirname(source) : staticPart.slice(0, staticPart.lastIndexOf('/') + 1),
  );
  const artifactDir = normalizeDir(isFile && !target.endsWith('/') ? posix.dirname(target) : target);
  if (underDir(artifactDir, path)) {
    const rest = artifactDir === '' ? path : path.slice(artifactDir.length).replace(/^\//, '');
    return [normalizeDir(posix.join(repoDir, rest))];
  }
  if (underDir(path, artifactDir)) return [repoDir];
  return [];
}

export function normalizeDir(path: string): string {
  const normal = posix
    .normalize(path.trim() || '.')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return normal === '.' || normal === '/' ? '' : normal.replace(/^\//, '');
}

/** The repository's folders ('' = the root), from every file: only asked when there is an automation. */
async function directories(view: RepoView): Promise<Set<string>> {
  const cached = dirCache.get(view);
  if (cached) return cached;
  const dirs = new Set<string>(['']);
  for (const file of await view.files()) {
    let index = file.lastIndexOf('/');
    while (index > 0) {
      const dir = file.slice(0, index);
      if (dirs.has(dir)) break;
      dirs.add(dir);
      index = dir.lastIndexOf('/');
    }
  }
  dirCache.set(view, dirs);
  return dirs;
}
const dirCache = new WeakMap<RepoView, Set<string>>();

/** host/path of a git URL, so https, ssh and scp-like forms of one repository compare equal. */
export function normalizeUrl(url: string): string {
  let value = url.trim().toLowerCase();
  value = value.replace(/^[a-z+]+:\/\//, '');
  value = value.replace(/^[^@/]+@/, '');
  if (!/^[^/]+:\d+\//.test(value)) value = value.replace(/^([^/:]+):/, '$1/');
  value = value.replace(/^([^/:]+):\d+\//, '$1/');
  return value.replace(/\.git$/, '').replace(/\/+$/, '');
}

/** True when a marker file lies under the automation's directory. */
export function automationWrites(automation: FluxAutomation, path: string): boolean {
  return underDir(automation.dir, path) && isYamlName(path);
}
