/**
 * Explicit `yaml-path`: a dotted path with `[n]` indexes and `[key=value]` item selectors, e.g.
 * `spec.values.image.tag` or `spec.template.spec.containers[name=app].image`. Tried in every document
 * of every file; documents where it does not resolve are skipped. The scalar found is either a tag, or
 * a reference to the image (then its tag part is set).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { InputError, UserError } from '../errors.ts';
import { isValidTag, parseImageRef, sameImage } from '../registry/reference.ts';
import { emptyLocation, type LocateInput, type Location } from './targets.ts';

export type PathStep = { key: string } | { index: number } | { match: [string, string] };

export function parseYamlPath(path: string): PathStep[] {
  const body = path.trim().replace(/^\$?\./, '');
  const token = /\.?([^.[\]]+)|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]/y;
  const steps: PathStep[] = [];
  while (token.lastIndex < body.length) {
    const at = token.lastIndex;
    const match = token.exec(body);
    if (!match || (at === 0 && body.startsWith('['))) {
      throw new InputError(
        'yaml-path',
        `cannot parse '${path}' (use e.g. spec.values.image.tag or containers[name=app].image)`,
      );
    }
    if (match[1] !== undefined)
      steps.push(/^\d+$/.test(match[1]) ? { index: Number(match[1]) } : { key: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else steps.push({ match: [match[3]!.trim(), match[4]!.trim().replace(/^(['"])(.*)\1$/, '$2')] });
  }
  if (steps.length === 0) throw new InputError('yaml-path', 'is empty');
  return steps;
}

/** Follows the steps through one document; a numeric key also works as a map key (`ports.80`). */
function resolve(root: unknown, steps: PathStep[]): unknown {
  let node = root;
  for (const step of steps) {
    if ('key' in step) node = isMap(node) ? node.get(step.key, true) : undefined;
    else if ('index' in step) {
      node = isSeq(node)
        ? node.items[step.index]
        : isMap(node)
          ? node.get(String(step.index), true)
          : undefined;
    } else {
      const [key, value] = step.match;
      node = isSeq(node)
        ? node.items.find(
            (item) => isMap(item) && String((item.get(key, true) as { value?: unknown })?.value) === value,
          )
        : undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

export function locateYamlPath(input: LocateInput & { yamlPath: string }): Location {
  const steps = parseYamlPath(input.yamlPath);
  const location = emptyLocation('yaml-path');
  for (const file of input.files) {
    const scalars = file.scalars();
    file.docs.forEach((doc) => {
      const node = resolve(doc.contents, steps);
      if (node === undefined) return;
      const site = isScalar(node) ? scalars.find((s) => s.node === node) : undefined;
      if (!site) {
        throw new UserError(
          `${file.path}: yaml-path '${input.yamlPath}' leads to a collection, not a scalar`,
        );
      }
      const ref = parseImageRef(site.value);
      if (sameImage(ref.name, input.image)) {
        location.targets.push({
          file,
          site,
          form: 'ref',
          currentTag: ref.tag,
          refName: ref.name,
          via: `yaml-path ${input.yamlPath}`,
        });
      } else if (isValidTag(site.value)) {
        location.targets.push({
          file,
          site,
          form: 'tag',
          currentTag: site.value,
          via: `yaml-path ${input.yamlPath}`,
        });
      } else {
        throw new UserError(
          `${file.path}:${site.line}: the value at yaml-path '${input.yamlPath}' ('${site.value}') is neither a tag nor a reference to ${input.image}`,
        );
      }
    });
  }
  return location;
}
