/**
 * HelmRelease values: any mapping under `spec.values` whose `repository` (with `registry` in front when
 * present) is the image gets its `tag` set. Overlays (e.g. `helmrelease-patch.yaml`) that only carry
 * `tag` at the same values path of a same-named HelmRelease are bumped too. A values scalar holding a
 * whole `<image>:<tag>` reference is also recognised.
 */
import { isMap, isScalar, type YAMLMap } from 'yaml';
import { parseImageRef, sameImage } from '../registry/reference.ts';
import { isHelmRelease, type ObjectId, objectId } from './manifests.ts';
import { emptyLocation, type LocateInput, type Location } from './targets.ts';
import type { PathKey, YamlFile } from './yaml-file.ts';

interface ReleaseDoc {
  file: YamlFile;
  doc: number;
  id: ObjectId;
}

function releaseDocs(files: YamlFile[]): ReleaseDoc[] {
  const out: ReleaseDoc[] = [];
  for (const file of files) {
    file.docs.forEach((doc, index) => {
      const id = objectId(doc);
      if (isHelmRelease(id)) out.push({ file, doc: index, id });
    });
  }
  return out;
}

const scalarText = (map: YAMLMap, key: string): string | undefined => {
  const node = map.get(key, true);
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
};

/** The image a values mapping names: `registry/repository` or `repository`. */
export function mappingImage(map: YAMLMap): string | undefined {
  const repository = scalarText(map, 'repository');
  if (!repository) return undefined;
  const registry = scalarText(map, 'registry');
  return registry ? `${registry.replace(/\/+$/, '')}/${repository}` : repository;
}

const sameRelease = (a: ObjectId, b: ObjectId) =>
  a.name !== undefined &&
  a.name === b.name &&
  (a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace);

/**
 * For a scalar inside a HelmRelease's values (setter resolution): the image named by a same-named
 * HelmRelease at the same values path, if any of the files has one.
 */
export function helmReleaseImageAt(
  files: YamlFile[],
  file: YamlFile,
  doc: number,
  mapPath: PathKey[],
): string | undefined {
  const id = objectId(file.docs[doc]!);
  if (!isHelmRelease(id) || mapPath[0] !== 'spec' || mapPath[1] !== 'values') return undefined;
  for (const other of releaseDocs(files)) {
    if (!sameRelease(id, other.id)) continue;
    const node = other.file.nodeAt(other.doc, mapPath);
    const image = isMap(node) ? mappingImage(node) : undefined;
    if (image) return image;
  }
  return undefined;
}

export function locateHelmRelease({ files, image }: LocateInput): Location {
  const location = emptyLocation('helmrelease');
  const releases = releaseDocs(files);
  const imagePaths: { id: ObjectId; path: string }[] = [];
  const seen = new Set<string>();
  const key = (file: YamlFile, start: number) => `${file.path}@${start}`;
  for (const { file, doc, id } of releases) {
    for (const site of file.scalars()) {
      if (site.doc !== doc || site.path[0] !== 'spec' || site.path[1] !== 'values') continue;
      const last = site.path[site.path.length - 1];
      const parent = site.parent;
      if (last === 'tag' && isMap(parent)) {
        const found = mappingImage(parent);
        if (found && sameImage(found, image)) {
          imagePaths.push({ id, path: JSON.stringify(site.path) });
          location.targets.push({
            file,
            site,
            form: 'tag',
            currentTag: site.value,
            via: `HelmRelease ${id.name ?? '?'} values`,
          });
          seen.add(key(file, site.start));
        }
        continue;
      }
      const ref = parseImageRef(site.value);
      if (ref.tag && sameImage(ref.name, image)) {
        location.targets.push({
          file,
          site,
          form: 'ref',
          currentTag: ref.tag,
          refName: ref.name,
          via: `HelmRelease ${id.name ?? '?'} values (image reference)`,
        });
        seen.add(key(file, site.start));
      }
    }
  }
  // Overlays: a same-named HelmRelease with `tag` at a path where another one names the image.
  for (const { file, doc, id } of releases) {
    for (const site of file.scalars()) {
      if (site.doc !== doc || seen.has(key(file, site.start)) || site.path[site.path.length - 1] !== 'tag')
        continue;
      if (isMap(site.parent) && mappingImage(site.parent)) continue; // names another image
      if (imagePaths.some((p) => sameRelease(p.id, id) && p.path === JSON.stringify(site.path))) {
        location.targets.push({
          file,
          site,
          form: 'tag',
          currentTag: site.value,
          via: `HelmRelease ${id.name ?? '?'} overlay`,
        });
      }
    }
  }
  location.targets.sort((a, b) =>
    a.file.path === b.file.path ? a.site.start - b.site.start : a.file.path < b.file.path ? -1 : 1,
  );
  return location;
}
