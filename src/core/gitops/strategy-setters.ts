/**
 * Setter markers name an ImagePolicy, not an image. A policy belongs to `image` when any evidence says
 * so, strongest first:
 *  1. a full-form marker (`ns:name`) whose value's name part is the image;
 *  2. a `:name` marker whose value is the image;
 *  3. next to a marked scalar, a `repository` (+`registry`), `newName` or (without newName) `name`
 *     scalar that is the image;
 *  4. the ImagePolicy manifest's ImageRepository `spec.image`, when both manifests are in the repo;
 *  5. a same-named HelmRelease naming the image at the same values path (base of an overlay).
 * A policy with no evidence at all (typically a tag-only marker in an overlay) is matched by name when
 * the policy name equals the image's last path segment (`flux-system:my-app` for `…/my-app`), the
 * convention of Flux's guides - but only when exactly one such policy exists, otherwise we refuse.
 * Every marked `full`/`tag` scalar of a matched policy is a target; a `digest` marker of a matched
 * policy is an error (we cannot know the new tag's digest, and a stale one would pin the old image).
 */
import { isMap, isScalar, type YAMLMap } from 'yaml';
import { UserError } from '../errors.ts';
import { imageBaseName, parseImageRef, sameImage } from '../registry/reference.ts';
import { findMarkers, type MarkedScalar } from './setters.ts';
import { helmReleaseImageAt, mappingImage } from './strategy-helmrelease.ts';
import { emptyLocation, type LocateInput, type Location } from './targets.ts';
import type { YamlFile } from './yaml-file.ts';

/** The image named next to a marked scalar in its mapping. */
function siblingImage(map: YAMLMap): string | undefined {
  const text = (key: string) => {
    const node = map.get(key, true);
    return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
  };
  return mappingImage(map) ?? text('newName') ?? text('name');
}

export function locateSetters(input: LocateInput & { context?: YamlFile[] }): Location {
  const { files, image, policies } = input;
  const location = emptyLocation('setters');
  const markers = files.flatMap((file) => findMarkers(file));
  if (markers.length === 0) return location;

  const evidence = new Map<string, { images: Set<string>; how: string[] }>();
  const add = (policy: string, found: string | undefined, how: string) => {
    if (!found) return;
    const entry = evidence.get(policy) ?? { images: new Set(), how: [] };
    entry.images.add(found);
    entry.how.push(how);
    evidence.set(policy, entry);
  };
  const everything = [...files, ...(input.context ?? [])];
  for (const m of markers) {
    const at = `${m.file.path}:${m.site.line}`;
    if (m.field === 'full') add(m.policy, parseImageRef(m.site.value).name, `full marker at ${at}`);
    else if (m.field === 'name') add(m.policy, m.site.value, `name marker at ${at}`);
    else if (isMap(m.site.parent)) {
      add(m.policy, siblingImage(m.site.parent), `repository next to ${at}`);
      add(
        m.policy,
        helmReleaseImageAt(everything, m.file, m.site.doc, m.site.path.slice(0, -1)),
        `HelmRelease base of ${at}`,
      );
    }
    const policy = policies.get(m.policy);
    if (policy?.image) add(m.policy, policy.image, `ImagePolicy ${policy.where}`);
  }

  const matched = new Set<string>();
  const unresolved = new Set<string>();
  for (const m of markers) {
    const entry = evidence.get(m.policy);
    if (!entry) unresolved.add(m.policy);
    else if ([...entry.images].some((found) => sameImage(found, image))) matched.add(m.policy);
  }
  for (const policy of matched) {
    const others = [...evidence.get(policy)!.images].filter((found) => !sameImage(found, image));
    if (others.length)
      location.notes.push(`policy ${policy} also points at ${others.join(', ')}; treated as ${image}`);
  }
  const byName = [...unresolved].filter((policy) => policy.split(':')[1] === imageBaseName(image));
  if (byName.length > 1) {
    throw new UserError(
      `Setter markers of several policies (${byName.join(', ')}) could be '${image}' by name alone; put a repository next to the tag, or a ':name' marker, so the right one can be told.`,
    );
  }
  if (byName.length === 1) {
    matched.add(byName[0]!);
    location.notes.push(`policy ${byName[0]} matched by its name (no image found next to its markers)`);
  }
  for (const policy of unresolved) {
    if (!matched.has(policy))
      location.notes.push(`markers of policy ${policy} name no image; not used for '${image}'`);
  }

  for (const m of markers) {
    if (!matched.has(m.policy)) continue;
    if (m.field === 'digest') {
      throw new UserError(
        `${m.file.path}:${m.site.line}: a digest marker (${m.setter}) pins policy ${m.policy}; bump-gitops-tag sets tags and cannot know the new digest. Remove the digest marker or let Flux manage this policy.`,
      );
    }
    if (m.field === 'name') continue;
    location.targets.push(toTarget(m));
  }
  return location;
}

function toTarget(m: MarkedScalar) {
  if (m.field === 'tag') {
    return {
      file: m.file,
      site: m.site,
      form: 'tag' as const,
      currentTag: m.site.value,
      policy: m.policy,
      via: `setter ${m.setter}`,
    };
  }
  const ref = parseImageRef(m.site.value);
  return {
    file: m.file,
    site: m.site,
    form: 'ref' as const,
    currentTag: ref.tag,
    refName: ref.name,
    policy: m.policy,
    via: `setter ${m.setter}`,
  };
}
