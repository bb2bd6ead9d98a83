/**
 * Which Flux Kustomization applies a file: its `spec.path` folder, followed through kustomize's own
 * `kustomization.yaml` `resources:` (so `deploy/production` also applies `deploy/base`). Only
 * Kustomizations whose source is a GitRepository are followed: other sources map paths differently.
 */
import { posix } from 'node:path';
import { parse } from 'yaml';
import { normalizeDir } from '../loop-guard/flux.ts';
import { type FluxObjects, label, type SourceFile } from './objects.ts';

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;
const MAX_DEPTH = 20;

/** For each file, the Flux Kustomizations (`Kind ns/name`) that apply it. */
export function appliedBy(objects: FluxObjects, files: SourceFile[]): (file: string) => string[] {
  const kustomizeFiles = new Map(
    files.filter((f) => KUSTOMIZATION_FILE.test(f.path)).map((f) => [posix.dirname(f.path), f.text]),
  );
  const applying = objects.kustomizations
    .filter((k) => !k.sourceRef || k.sourceRef.kind === 'GitRepository')
    .map((k) => ({ name: label(k), dirs: reach(normalizeDir(k.path), kustomizeFiles) }));
  return (file) =>
    applying.filter((k) => k.dirs.some((dir) => dir === '' || file.startsWith(`${dir}/`))).map((k) => k.name);
}

/** A folder and every folder its kustomization.yaml pulls in through `resources:`. */
function reach(start: string, kustomizeFiles: Map<string, string>): string[] {
  const seen = new Set<string>();
  const visit = (dir: string, depth: number) => {
    if (seen.has(dir) || depth > MAX_DEPTH) return;
    seen.add(dir);
    const text = kustomizeFiles.get(dir === '' ? '.' : dir);
    if (text === undefined) return;
    let resources: unknown;
    try {
      resources = (parse(text) as { resources?: unknown } | null)?.resources;
    } catch {
      return;
    }
    if (!Array.isArray(resources)) return;
    for (const entry of resources) {
      if (typeof entry !== 'string' || /^[a-z]+:\/\//.test(entry)) continue;
      const target = normalizeDir(posix.join(dir, entry));
      if (kustomizeFiles.has(target)) visit(target, depth + 1);
    }
  };
  visit(start, 0);
  return [...seen];
}
