/**
 * build-push-image, before the push: the primary tag must pass `filterTags` of every ImagePolicy that
 * watches the pushed image, and rank above the tag each policy selects now from the registry's tags.
 */
import type { Finding } from './finding.ts';
import type { FluxObjects } from './objects.ts';
import { isFinding, orderingOf, policiesForImage } from './policy.ts';
import { selectable, selectLatest } from './tag-order.ts';

export interface ImageCheck {
  findings: Finding[];
  /** What could not be checked, or what the check relied on, in words. */
  notes: string[];
  /** Per policy: the tag it selects now, and the one it would select with the new tag. */
  selections: { policy: string; now?: string; next?: string }[];
}

/**
 * `registryTags`: the tags the registry holds now, or undefined when they could not be listed
 * (the rank is then not checked, and a note says so).
 */
export function checkImageTag(
  objects: FluxObjects,
  image: string,
  tag: string,
  registryTags: string[] | undefined,
): ImageCheck {
  const result: ImageCheck = { findings: [], notes: [], selections: [] };
  const policies = policiesForImage(objects, image);
  if (policies.length === 0) {
    result.notes.push(`no ImagePolicy watches ${image}`);
    return result;
  }
  for (const policy of policies) {
    const ordering = orderingOf(policy);
    if (isFinding(ordering)) {
      result.findings.push(ordering);
      continue;
    }
    const where = { file: policy.where.file, line: policy.patternLine ?? policy.where.line };
    const now = registryTags && selectLatest(ordering, registryTags);
    if (!selectable(ordering, tag)) {
      result.findings.push({
        kind: 'tag-filtered',
        object: policy,
        where,
        message: `tag '${tag}' of ${image} is rejected by ${ordering.describe}: Flux never selects it${now ? ` and keeps '${now}'` : ''}`,
      });
      result.selections.push({ policy: ordering.describe, now, next: now });
      continue;
    }
    if (registryTags === undefined) {
      result.notes.push(
        `${ordering.describe}: the registry's tags are unknown, so the rank of '${tag}' was not checked`,
      );
      result.selections.push({ policy: ordering.describe, next: tag });
      continue;
    }
    const next = selectLatest(ordering, [...registryTags, tag]);
    result.selections.push({ policy: ordering.describe, now, next });
    if (now !== undefined && next !== tag && ordering.compare(tag, now).result === 'older') {
      result.findings.push({
        kind: 'tag-not-newer',
        object: policy,
        where,
        message: `tag '${tag}' of ${image} ranks below '${now}', which ${ordering.describe} selects now: Flux keeps '${now}'`,
      });
    }
  }
  return result;
}
