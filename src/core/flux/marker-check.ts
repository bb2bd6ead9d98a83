/**
 * One setter marker followed through its wiring: marker -> ImagePolicy -> ImageRepository, then the
 * image and tag it holds (or is about to hold) against what that policy would select.
 */
import { parseImageRef, sameImage } from '../registry/reference.ts';
import type { Finding } from './finding.ts';
import { type FluxObjects, label, policyOfMarker, repositoryOfPolicy, type SetterMarker } from './objects.ts';
import { isFinding, orderingOf } from './policy.ts';
import { selectable } from './tag-order.ts';

export interface MarkerExpectation {
  /** The image the marker must be about (bump: the image bumped; default: what it holds). */
  image?: string;
  /** The tag it must accept (bump: the new tag; default: the tag it holds). */
  tag?: string;
  /** The tag being replaced: the new tag must rank above it. */
  replaces?: string;
  /** Why the tag is checked, for the message. */
  tagRole: string;
}

/** The image name and tag a marker's value holds, by its field. */
export function markerValue(marker: SetterMarker): { name?: string; tag?: string } {
  if (marker.field === 'name') return { name: marker.value };
  if (marker.field === 'tag') return { tag: marker.value };
  if (marker.field === 'full') return parseImageRef(marker.value);
  return {};
}

export function checkMarker(
  objects: FluxObjects,
  marker: SetterMarker,
  expect: MarkerExpectation,
): Finding[] {
  const [namespace, name] = marker.policy.split(':');
  const policy = policyOfMarker(objects, marker.policy);
  if (!policy) {
    return [
      {
        kind: 'policy-missing',
        object: { kind: 'ImagePolicy', namespace, name: name! },
        where: marker.where,
        message: `setter marker ${marker.policy}:${marker.field} names ImagePolicy ${namespace}/${name}, which is not in the repository: Flux leaves this value alone`,
      },
    ];
  }
  const repository = repositoryOfPolicy(objects, policy);
  if (!repository?.image) {
    const ref = policy.repositoryRef;
    return [
      {
        kind: 'repository-missing',
        object: policy,
        where: policy.where,
        message: `${label(policy)} watches ImageRepository ${ref ? ref.name : '(none given)'}, which is not in the repository: the policy selects nothing`,
      },
    ];
  }
  const findings: Finding[] = [];
  const held = markerValue(marker);
  const image = expect.image ?? held.name;
  if (image !== undefined && !sameImage(repository.image, image)) {
    findings.push({
      kind: 'image-mismatch',
      object: policy,
      where: marker.where,
      message: `setter marker ${marker.policy}:${marker.field} is about ${image}, but ${label(policy)} watches ${repository.image}: Flux would write ${repository.image} here`,
    });
    return findings;
  }
  // A `:name` marker holds no tag; a `:digest` one is not ordered by the policy.
  const tag = marker.field === 'tag' || marker.field === 'full' ? (expect.tag ?? held.tag) : undefined;
  if (tag === undefined) return findings;
  const ordering = orderingOf(policy);
  if (isFinding(ordering)) return [...findings, ordering];
  if (!selectable(ordering, tag)) {
    findings.push({
      kind: 'tag-filtered',
      object: policy,
      where: marker.where,
      message: `${expect.tagRole} '${tag}' is rejected by ${ordering.describe}: Flux never selects it and writes its own choice over it`,
    });
  } else if (expect.replaces !== undefined && ordering.compare(tag, expect.replaces).result === 'older') {
    findings.push({
      kind: 'tag-not-newer',
      object: policy,
      where: marker.where,
      message: `${expect.tagRole} '${tag}' ranks below '${expect.replaces}', the tag it replaces, under ${ordering.describe}: Flux would put '${expect.replaces}' or newer back`,
    });
  }
  return findings;
}
