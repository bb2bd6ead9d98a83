/** Which repository files the `files` globs select, and which folders a sparse checkout needs for them. */
import { splitGlobs } from '../glob/rule.ts';

/**
 * Matcher for the globs: the shared include/exclude rule (core/glob/rule.ts, `!` excludes, dotfiles
 * match), the same the loop guard uses to tell what this bump writes. Loaded on demand (start-up cost).
 */
export async function fileMatcher(globs: string[]): Promise<(path: string) => boolean> {
  const { globListMatcher } = await import('../glob/match.ts');
  return globListMatcher(globs);
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/**
 * The folders that hold every file the globs can match: each glob's leading literal segments
 * (`deploy/**\/*.yaml` → `deploy`, `apps/dev/kustomization.yaml` → `apps/dev`). undefined when a
 * glob can match at the top level (`**\/*.yaml`, `*.yaml`): then the whole tree is needed.
 */
export function fixedPrefixes(globs: string[]): string[] | undefined {
  const prefixes = new Set<string>();
  for (const glob of splitGlobs(globs).includes) {
    const segments = glob.replace(/^\.\//, '').split('/');
    const fixed: string[] = [];
    for (const segment of segments.slice(0, -1)) {
      if (GLOB_CHARS.test(segment) || segment === '..' || segment === '.') break;
      fixed.push(segment);
    }
    if (fixed.length === 0) return undefined;
    prefixes.add(fixed.join('/'));
  }
  if (prefixes.size === 0) return undefined;
  // Drop folders inside other listed folders: cone mode includes subfolders anyway.
  const list = [...prefixes].sort();
  return list.filter((p) => !list.some((q) => q !== p && p.startsWith(`${q}/`)));
}

/**
 * Folders for the sparse checkout: each glob's fixed folder widened to its parent, because bases and
 * ImagePolicies usually sit next to the edited folder (`deploy/production` → `deploy`, so
 * `deploy/common/imagepolicy.yaml` and `deploy/base/` are there too). undefined: check out everything.
 */
export function sparseFolders(globs: string[]): string[] | undefined {
  const prefixes = fixedPrefixes(globs);
  if (!prefixes) return undefined;
  const widened = prefixes.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : p));
  const list = [...new Set(widened)].sort();
  return list.filter((p) => !list.some((q) => q !== p && p.startsWith(`${q}/`)));
}

export const isYamlName = (path: string) => {
  // No regex and no new string for most paths: the loop guard and the Flux check ask this of every
  // file in the checkout.
  const extension = path.length - path.lastIndexOf('.');
  if (extension === 4 || extension === 5) {
    const name = path.slice(-extension).toLowerCase();
    if (name === '.yml' || name === '.yaml') return true;
  }
  return path.endsWith('Kustomization') && (path.length === 13 || path[path.length - 14] === '/');
};
