import { InputError } from '../../src/core/errors.ts';
import { nameProblem, repositoryProblem, splitHost } from '../../src/core/registry/reference.ts';

/** An image to push to: `host` undefined means the registry of the `registry` input (or ECR). */
export interface ImageName {
  host?: string;
  repository: string;
}

/**
 * `repository` (in the target registry) first, then each enabled `images` line: `<host>/<repo>`
 * for another registry, `<repo>` for the target one, optionally `name=<image>,enable=<bool>`.
 * `images` names are lowercased first, as docker/metadata-action does.
 */
export function imageNames(repository: string, lines: string[]): ImageName[] {
  const names: ImageName[] = [];
  if (repository) {
    const problem = repositoryProblem(repository);
    if (problem) throw invalid('repository', repository, problem);
    names.push({ repository });
  }
  for (const line of lines) {
    const attrs: Record<string, string> = {};
    for (const field of line
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)) {
      const eq = field.indexOf('=');
      if (eq < 0) attrs.name = field;
      else attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
    }
    for (const key of Object.keys(attrs)) {
      if (key !== 'name' && key !== 'enable')
        throw new InputError('images', `'${line}': unknown attribute '${key}'`);
    }
    if (attrs.enable !== undefined && attrs.enable !== 'true' && attrs.enable !== 'false') {
      throw new InputError('images', `'${line}': enable must be true or false`);
    }
    if (attrs.enable === 'false') continue;
    const name = (attrs.name ?? '').toLowerCase();
    const image = splitHost(name);
    const repositoryIssue = repositoryProblem(image.repository);
    if (repositoryIssue) throw invalid('images', image.repository, repositoryIssue);
    // The host, and the length of the whole name.
    const problem = nameProblem(name);
    if (problem) throw invalid('images', name, problem);
    if (!names.some((n) => n.host === image.host && n.repository === image.repository)) names.push(image);
  }
  if (names.length === 0) throw new InputError('repository', 'is required (or name the images in images)');
  return names;
}

const invalid = (input: string, name: string, problem: string) =>
  new InputError(input, `'${name}' is not a valid repository name: ${problem}`);
