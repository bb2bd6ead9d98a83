/**
 * Flux `$imagepolicy` setter markers (docs/design/flux-setters.md#markers): parsing with kyaml's rules, finding the
 * marked scalars, and Flux's own "apply the policies' latest images" for parity tests.
 */
import { isSeq } from 'yaml';
import { formatImageRef } from '../registry/reference.ts';
import type { Edit, ScalarSite, YamlFile } from './yaml-file.ts';

export type SetterField = 'full' | 'tag' | 'name' | 'digest';

export interface Marker {
  /** `<namespace>:<name>` of the ImagePolicy. */
  policy: string;
  field: SetterField;
  /** The marker text as written, e.g. `flux-system:app:tag`. */
  setter: string;
}

export interface MarkedScalar extends Marker {
  file: YamlFile;
  site: ScalarSite;
}

/**
 * Reads one comment (text after its first `#`): strip every further leading `#`, JSON-decode into a
 * map of strings, take `$imagepolicy`. Anything else is silently not a marker, as in Flux.
 */
export function parseMarker(comment: string | undefined): Marker | undefined {
  if (comment === undefined) return undefined;
  const body = comment.replace(/^#*/, '');
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  if (!Object.values(data).every((value) => typeof value === 'string')) return undefined;
  const setter = (data as Record<string, string>)['$imagepolicy'];
  if (!setter) return undefined;
  const parts = setter.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) return undefined;
  const field = (parts[2] ?? 'full') as SetterField;
  if (!['full', 'tag', 'name', 'digest'].includes(field) || parts[2] === 'full') return undefined;
  return { policy: `${parts[0]}:${parts[1]}`, field, setter };
}

/**
 * The marker of a scalar: its line comment; only when there is none, a one-line comment directly
 * above a sequence item (Flux's head comment; above a `key:` the comment belongs to the key).
 */
export function markerOf(site: ScalarSite): Marker | undefined {
  if (site.lineComment !== undefined) return parseMarker(site.lineComment);
  if (!isSeq(site.parent)) return undefined;
  // eemeli/yaml hangs the comment above the first item on the sequence itself.
  const first = site.parent.items[0] === site.node;
  const before = site.node.commentBefore ?? (first ? site.parent.commentBefore : undefined);
  return before && !before.includes('\n') ? parseMarker(before) : undefined;
}

/** Cheap screen Flux also uses: only files containing the quoted key can hold a marker. */
export const mayHoldMarkers = (text: string) => text.includes('"$imagepolicy"');

export function findMarkers(file: YamlFile): MarkedScalar[] {
  if (!mayHoldMarkers(file.text)) return [];
  const out: MarkedScalar[] = [];
  for (const site of file.scalars()) {
    const marker = markerOf(site);
    if (marker) out.push({ ...marker, file, site });
  }
  return out;
}

/** What an ImagePolicy reports as its latest image. */
export interface LatestImage {
  name: string;
  tag: string;
  digest?: string;
}

export interface SetterChange {
  setter: string;
  oldValue: string;
  newValue: string;
  line: number;
}

/**
 * Flux's UpdateWithSetters for one file: every marker whose policy is known gets the policy's value.
 * Returns the new text (unchanged when nothing differs) and the changes, in source order.
 */
export function applyPolicies(
  file: YamlFile,
  policies: Map<string, LatestImage>,
): { text: string; changes: SetterChange[] } {
  const edits: Edit[] = [];
  const changes: SetterChange[] = [];
  for (const marked of findMarkers(file)) {
    const latest = policies.get(marked.policy);
    if (!latest) continue;
    const value = setterValue(marked.field, latest);
    if (value === undefined || value === marked.site.value) continue;
    edits.push(file.scalarEdit(marked.site, value));
    changes.push({
      setter: marked.setter,
      oldValue: marked.site.value,
      newValue: value,
      line: marked.site.line,
    });
  }
  return { text: edits.length ? file.apply(edits) : file.text, changes };
}

function setterValue(field: SetterField, latest: LatestImage): string | undefined {
  switch (field) {
    case 'full':
      return formatImageRef(latest);
    case 'tag':
      return latest.tag;
    case 'name':
      return latest.name;
    case 'digest':
      return latest.digest;
  }
}
