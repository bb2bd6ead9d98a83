/**
 * kustomize `images[]` (kustomization files) and Flux Kustomization `spec.images[]`: the entry whose
 * effective image (`newName`, else `name`) is ours gets `newTag`. Unlike `kustomize edit set image`
 * nothing is re-sorted or re-serialised (docs/design/flux-setters.md#kustomize-images). A missing `newTag` key is added to the
 * entry; a missing entry is appended only when asked (strategy `kustomize` given explicitly) and only
 * to a single selected kustomization file, so a wrong glob cannot sprinkle entries around.
 */
import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { UserError } from '../errors.ts';
import { sameImage } from '../registry/reference.ts';
import { isFluxKustomization, isKustomizationFileName, objectId } from './manifests.ts';
import { emptyLocation, type LocateInput, type Location } from './targets.ts';
import { formatScalar, type PathKey, type YamlFile } from './yaml-file.ts';

const text = (map: YAMLMap, key: string) => {
  const node = map.get(key, true);
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
};

const eolOf = (source: string) => (source.includes('\r\n') ? '\r\n' : '\n');

/** Where a new line can start after `offset`'s line, and what must precede it (a newline at EOF). */
function nextLine(source: string, offset: number): { at: number; prefix: string } {
  const nl = source.indexOf('\n', offset);
  return nl < 0 ? { at: source.length, prefix: eolOf(source) } : { at: nl + 1, prefix: '' };
}

function columnOf(source: string, offset: number): number {
  return offset - (source.lastIndexOf('\n', offset - 1) + 1);
}

export function locateKustomize(input: LocateInput & { tag: string; allowAppend: boolean }): Location {
  const { files, image, tag } = input;
  const location = emptyLocation('kustomize');
  const kustomizations: { file: YamlFile; doc: number }[] = [];
  for (const file of files) {
    file.docs.forEach((doc, index) => {
      const own = isKustomizationFileName(file.path);
      if (!own && !isFluxKustomization(objectId(doc))) return;
      if (own) kustomizations.push({ file, doc: index });
      const path: PathKey[] = own ? ['images'] : ['spec', 'images'];
      const images = doc.getIn(path, true);
      if (!isSeq(images)) return;
      images.items.forEach((entry, i) => {
        if (!isMap(entry)) return;
        const effective = text(entry, 'newName') ?? text(entry, 'name');
        if (!effective || !sameImage(effective, image)) return;
        const where = `${file.path}:${file.lineOf(entry.range?.[0] ?? 0)}`;
        const newTag = entry.get('newTag', true);
        if (isScalar(newTag)) {
          const site = file.scalars().find((s) => s.node === newTag)!;
          location.targets.push({
            file,
            site,
            form: 'tag',
            currentTag: site.value,
            via: `kustomize images[${i}]`,
          });
        } else if (text(entry, 'digest') !== undefined) {
          throw new UserError(
            `${where}: the images entry for ${image} is pinned by digest; bump-gitops-tag sets tags only`,
          );
        } else {
          location.insertions.push(addNewTag(file, index, [...path, i], entry, tag, where));
        }
      });
    });
  }
  if (location.targets.length || location.insertions.length || !input.allowAppend) return location;
  if (kustomizations.length !== 1) {
    location.notes.push(
      kustomizations.length
        ? `no images entry for ${image} in ${kustomizations.length} kustomization files; not appending to several (narrow 'files' to one)`
        : 'no kustomization file among the files',
    );
    return location;
  }
  const { file, doc } = kustomizations[0]!;
  location.insertions.push(appendEntry(file, doc, image, tag));
  return location;
}

/** Adds `newTag: <tag>` as the last key of an existing entry, at the entry's key indentation. */
function addNewTag(file: YamlFile, doc: number, path: PathKey[], entry: YAMLMap, tag: string, where: string) {
  if (entry.flow || !entry.range)
    throw new UserError(`${where}: the images entry is a flow mapping; add newTag by hand once`);
  const source = file.text;
  const firstKey = entry.items[0]?.key as { range?: [number, number, number] } | undefined;
  const indent = ' '.repeat(columnOf(source, firstKey?.range?.[0] ?? entry.range[0]));
  const { at, prefix } = nextLine(source, entry.range[1] - 1);
  const line = file.lineOf(at);
  const value = formatScalar(tag, 'PLAIN', file.path, line);
  return {
    file,
    line,
    via: 'kustomize images entry: added newTag',
    edit: {
      start: at,
      end: at,
      text: `${prefix}${indent}newTag: ${value}${eolOf(source)}`,
      doc,
      path: [...path, 'newTag'],
      value: tag,
    },
  };
}

/** Appends `- name: <image>` / `newTag: <tag>` to `images:`, creating the key at the end when absent. */
function appendEntry(file: YamlFile, doc: number, image: string, tag: string) {
  const source = file.text;
  const eol = eolOf(source);
  const document = file.docs[doc]!;
  const images = document.getIn(['images'], true);
  const root = document.contents;
  if (!isMap(root) || root.flow)
    throw new UserError(`${file.path}: not a kustomization mapping; cannot add an images entry`);
  const value = (line: number) => formatScalar(tag, 'PLAIN', file.path, line);
  const name = formatScalar(image, 'PLAIN', file.path, 1);
  if (isSeq(images)) {
    if (images.flow || !images.range)
      throw new UserError(`${file.path}: 'images' is a flow sequence; cannot append an entry in place`);
    const { dash, content } = itemColumns(source, images);
    const { at, prefix } = nextLine(source, images.range[1] - 1);
    const line = file.lineOf(at);
    const text = `${prefix}${' '.repeat(dash)}-${' '.repeat(Math.max(1, content - dash - 1))}name: ${name}${eol}${' '.repeat(content)}newTag: ${value(line)}${eol}`;
    return {
      file,
      line,
      via: 'kustomize images: appended entry',
      edit: {
        start: at,
        end: at,
        text,
        doc,
        path: ['images', images.items.length],
        value: { name: image, newTag: tag },
      },
    };
  }
  if (images !== undefined && images !== null) throw new UserError(`${file.path}: 'images' is not a list`);
  const dash = sequenceIndent(source, root);
  const end = root.range![1];
  const { at, prefix } = nextLine(source, end - 1);
  const line = file.lineOf(at);
  const pad = ' '.repeat(dash);
  const text = `${prefix}images:${eol}${pad}- name: ${name}${eol}${pad}  newTag: ${value(line)}${eol}`;
  return {
    file,
    line,
    via: 'kustomize images: added the list',
    edit: { start: at, end: at, text, doc, path: ['images'], value: [{ name: image, newTag: tag }] },
  };
}

/** Columns of the first item's `-` and of its content. */
function itemColumns(source: string, seq: YAMLSeq): { dash: number; content: number } {
  const first = seq.items[0] as { range?: [number, number, number] } | undefined;
  const start = first?.range?.[0] ?? seq.range![0];
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const head = source.slice(lineStart, start);
  const dash = head.lastIndexOf('-');
  return { dash: Math.max(0, dash), content: start - lineStart };
}

/** How far this file indents `- ` under a top-level key (kustomize itself writes 0). */
function sequenceIndent(source: string, root: YAMLMap): number {
  for (const pair of root.items) {
    if (isSeq(pair.value) && !pair.value.flow && pair.value.items.length)
      return itemColumns(source, pair.value).dash;
  }
  return 0;
}
