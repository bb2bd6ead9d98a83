/**
 * The Flux objects of a set of YAML files, each with the file and line it came from: image
 * automation (ImageRepository, ImagePolicy, ImageUpdateAutomation, `$imagepolicy` setter markers),
 * Helm delivery (HelmRelease, HelmRepository, OCIRepository) and the Flux Kustomizations that apply
 * folders. Files that do not parse are listed, never fatal: this is a check, not the deployment.
 */
import type { Document } from 'yaml';
import type { SourceFile } from '../gitops/plan.ts';
import { findMarkers, mayHoldMarkers, type SetterField } from '../gitops/setters.ts';
import { YamlFile } from '../gitops/yaml-file.ts';
import { child, readYaml } from '../paths/yaml-source.ts';
import type { ImagePolicySpec } from './tag-order.ts';

export type { SourceFile } from '../gitops/plan.ts';

export interface Where {
  file: string;
  line: number;
}

/** `namespace` is undefined when the manifest leaves it to a kustomization (`namespace:` there). */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

interface FluxObject extends ObjectRef {
  where: Where;
}

export interface ImageRepository extends FluxObject {
  image?: string;
}

export interface ImagePolicy extends FluxObject {
  repositoryRef?: ObjectRef;
  spec: ImagePolicySpec;
  /** Lines of `filterTags.pattern` and of the policy choice, for annotations. */
  patternLine?: number;
}

export interface ImageUpdateAutomation extends FluxObject {
  path?: string;
}

export interface HelmRelease extends FluxObject {
  /** `chart.spec`: the chart from a HelmRepository (or GitRepository/Bucket). */
  chart?: { name?: string; version?: string; versionLine?: number; sourceRef?: ObjectRef };
  /** `chartRef`: an OCIRepository or HelmChart that holds the chart. */
  chartRef?: ObjectRef;
}

export interface HelmRepository extends FluxObject {
  url?: string;
  type?: string;
  urlLine?: number;
}

export interface OCIRepository extends FluxObject {
  url?: string;
  urlLine?: number;
  ref?: { semver?: string; tag?: string; digest?: string; line?: number };
}

export interface FluxKustomization extends FluxObject {
  path: string;
  sourceRef?: ObjectRef;
}

export interface SetterMarker {
  /** `<namespace>:<name>` of the ImagePolicy. */
  policy: string;
  field: SetterField;
  value: string;
  where: Where;
}

export interface FluxObjects {
  imageRepositories: ImageRepository[];
  imagePolicies: ImagePolicy[];
  automations: ImageUpdateAutomation[];
  helmReleases: HelmRelease[];
  helmRepositories: HelmRepository[];
  ociRepositories: OCIRepository[];
  kustomizations: FluxKustomization[];
  markers: SetterMarker[];
  /** YAML files that could not be read, so the report can say what was not checked. */
  unreadable: { file: string; error: string }[];
}

/** Cheap screen before parsing: only these texts can hold what we read. */
const MAY_HOLD = /toolkit\.fluxcd\.io|"\$imagepolicy"/;

export function readFluxObjects(files: SourceFile[]): FluxObjects {
  const objects: FluxObjects = {
    imageRepositories: [],
    imagePolicies: [],
    automations: [],
    helmReleases: [],
    helmRepositories: [],
    ociRepositories: [],
    kustomizations: [],
    markers: [],
    unreadable: [],
  };
  for (const file of files) {
    if (!MAY_HOLD.test(file.text)) continue;
    const yaml = readYaml(file.path, file.text);
    if (yaml.error) objects.unreadable.push({ file: file.path, error: yaml.error });
    for (const doc of yaml.docs) readDocument(doc, (node) => yaml.lineOf(node) ?? 1, file.path, objects);
    if (mayHoldMarkers(file.text) && !yaml.error) {
      for (const marker of findMarkers(YamlFile.parse(file.path, file.text))) {
        objects.markers.push({
          policy: marker.policy,
          field: marker.field,
          value: marker.site.value,
          where: { file: file.path, line: marker.site.line },
        });
      }
    }
  }
  return objects;
}

type LineOf = (node: unknown) => number;

function readDocument(doc: Document, lineOf: LineOf, file: string, into: FluxObjects): void {
  const data = doc.toJS() as Record<string, unknown> | null;
  if (!isRecord(data)) return;
  const apiVersion = str(data.apiVersion) ?? '';
  const kind = str(data.kind);
  const metadata = isRecord(data.metadata) ? data.metadata : {};
  const name = str(metadata.name);
  if (!kind || !name || !apiVersion.includes('toolkit.fluxcd.io/')) return;
  const group = apiVersion.split('/')[0];
  const spec = isRecord(data.spec) ? data.spec : {};
  const base: FluxObject = {
    kind,
    name,
    namespace: str(metadata.namespace),
    where: { file, line: lineOf(doc.contents) },
  };
  const lineAt = (...path: string[]) => {
    let node: unknown = child(doc, doc.contents, 'spec');
    for (const key of path) node = child(doc, node, key);
    return node ? lineOf(node) : undefined;
  };
  const key = `${group}/${kind}`;
  if (key === 'image.toolkit.fluxcd.io/ImageRepository') {
    into.imageRepositories.push({ ...base, image: str(spec.image) });
  } else if (key === 'image.toolkit.fluxcd.io/ImagePolicy') {
    into.imagePolicies.push({
      ...base,
      repositoryRef: ref(spec.imageRepositoryRef, 'ImageRepository'),
      spec: spec as ImagePolicySpec,
      patternLine: lineAt('filterTags', 'pattern') ?? lineAt('policy'),
    });
  } else if (key === 'image.toolkit.fluxcd.io/ImageUpdateAutomation') {
    const update = isRecord(spec.update) ? spec.update : {};
    into.automations.push({ ...base, path: str(update.path) });
  } else if (key === 'helm.toolkit.fluxcd.io/HelmRelease') {
    const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
    into.helmReleases.push({
      ...base,
      chart: chart && {
        name: str(chart.chart),
        version: str(chart.version),
        versionLine: lineAt('chart', 'spec', 'version') ?? lineAt('chart'),
        sourceRef: ref(chart.sourceRef),
      },
      chartRef: ref(spec.chartRef),
    });
  } else if (key === 'source.toolkit.fluxcd.io/HelmRepository') {
    into.helmRepositories.push({ ...base, url: str(spec.url), type: str(spec.type), urlLine: lineAt('url') });
  } else if (key === 'source.toolkit.fluxcd.io/OCIRepository') {
    const r = isRecord(spec.ref) ? spec.ref : undefined;
    into.ociRepositories.push({
      ...base,
      url: str(spec.url),
      urlLine: lineAt('url'),
      ref: r && { semver: str(r.semver), tag: str(r.tag), digest: str(r.digest), line: lineAt('ref') },
    });
  } else if (key === 'kustomize.toolkit.fluxcd.io/Kustomization') {
    into.kustomizations.push({ ...base, path: str(spec.path) ?? './', sourceRef: ref(spec.sourceRef) });
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Scalars as Flux reads them: numbers written unquoted (`version: 1.0`) still count as text. */
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

function ref(value: unknown, kind?: string): ObjectRef | undefined {
  if (!isRecord(value)) return undefined;
  const name = str(value.name);
  const refKind = str(value.kind) ?? kind;
  if (!name || !refKind) return undefined;
  return { kind: refKind, name, namespace: str(value.namespace) };
}

/** `ns/name`, or just `name` when the namespace is left to a kustomization. */
export const qualifiedName = (object: ObjectRef) =>
  `${object.namespace ? `${object.namespace}/` : ''}${object.name}`;

/** `Kind ns/name`, as findings and summaries name an object. */
export const label = (object: ObjectRef) => `${object.kind} ${qualifiedName(object)}`;

/**
 * The object a reference names, looked up the way the controller does: same kind and name, in the
 * reference's namespace or else the referrer's. A manifest without a namespace matches any.
 */
export function resolveRef<T extends FluxObject>(
  candidates: T[],
  target: ObjectRef,
  referrerNamespace: string | undefined,
): T | undefined {
  const namespace = target.namespace ?? referrerNamespace;
  const same = candidates.filter((c) => c.kind === target.kind && c.name === target.name);
  return (
    same.find((c) => namespace !== undefined && c.namespace === namespace) ??
    same.find((c) => c.namespace === undefined || namespace === undefined)
  );
}

/** The ImagePolicy a setter marker (`ns:name`) names. */
export function policyOfMarker(objects: FluxObjects, marker: string): ImagePolicy | undefined {
  const [namespace, name] = marker.split(':');
  return resolveRef(objects.imagePolicies, { kind: 'ImagePolicy', name: name!, namespace }, namespace);
}

/** The ImageRepository an ImagePolicy watches. */
export function repositoryOfPolicy(objects: FluxObjects, policy: ImagePolicy): ImageRepository | undefined {
  return policy.repositoryRef
    ? resolveRef(objects.imageRepositories, policy.repositoryRef, policy.namespace)
    : undefined;
}
