/**
 * bump-gitops-tag, before the commit: the setter markers of the bumped image (in the files it edits)
 * each name an existing ImagePolicy, whose ImageRepository is that image, and the new tag passes the
 * policy and ranks above the tag it replaces.
 *
 * A marker is the bumped image's when its policy watches that image, when its value names the image
 * (`:name` or full markers), or when its policy is named after the image (`flux-system:my-app` for
 * `.../my-app`, the convention of Flux's guides).
 */
import { imageBaseName, sameImage } from '../registry/reference.ts';
import { type Finding, uniqueFindings } from './finding.ts';
import { checkMarker, markerValue } from './marker-check.ts';
import { type FluxObjects, policyOfMarker, repositoryOfPolicy, type SetterMarker } from './objects.ts';

export function checkBump(
  objects: FluxObjects,
  options: { image: string; tag: string; inFiles: (path: string) => boolean },
): { findings: Finding[]; markers: SetterMarker[] } {
  const markers = objects.markers.filter(
    (marker) => options.inFiles(marker.where.file) && concerns(objects, marker, options.image),
  );
  const findings = markers.flatMap((marker) =>
    checkMarker(objects, marker, {
      image: options.image,
      tag: options.tag,
      replaces: markerValue(marker).tag,
      tagRole: 'the new tag',
    }),
  );
  return { findings: uniqueFindings(findings), markers };
}

function concerns(objects: FluxObjects, marker: SetterMarker, image: string): boolean {
  const policy = policyOfMarker(objects, marker.policy);
  const watched = policy && repositoryOfPolicy(objects, policy)?.image;
  if (watched && sameImage(watched, image)) return true;
  const named = markerValue(marker).name;
  if (named !== undefined) return sameImage(named, image);
  return marker.policy.split(':')[1] === imageBaseName(image);
}
