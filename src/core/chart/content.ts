/**
 * "Same chart?" is a question about content, not bytes: archive digests change with timestamps,
 * entry order and compressor, so two archives are compared by their sorted (path, sha256) pairs
 * (docs/design/helm-oci.md#same-content). Modes, times, order and gzip headers do not count.
 */
import { createHash } from 'node:crypto';
import type { ArchiveFile } from './archive.ts';

export interface ContentEntry {
  path: string;
  sha256: string;
}

export interface ContentDifference {
  path: string;
  /** `changed`: both have it; `added`: only the new chart; `removed`: only the one in the registry. */
  kind: 'changed' | 'added' | 'removed';
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The content list of an archive's files; a later entry with the same path wins, as when untarring. */
export function contentOf(files: readonly ArchiveFile[]): ContentEntry[] {
  const map = new Map<string, string>();
  for (const file of files) map.set(file.name, createHash('sha256').update(file.data).digest('hex'));
  return [...map].map(([path, sha256]) => ({ path, sha256 })).sort((a, b) => byBytes(a.path, b.path));
}

/** The first path (in byte order) where the new chart differs from the existing one, if any. */
export function firstDifference(
  ours: readonly ContentEntry[],
  theirs: readonly ContentEntry[],
): ContentDifference | undefined {
  let i = 0;
  let j = 0;
  while (i < ours.length || j < theirs.length) {
    const a = ours[i];
    const b = theirs[j];
    if (a && b) {
      const order = byBytes(a.path, b.path);
      if (order === 0) {
        if (a.sha256 !== b.sha256) return { path: a.path, kind: 'changed' };
        i++;
        j++;
      } else if (order < 0) {
        return { path: a.path, kind: 'added' };
      } else {
        return { path: b.path, kind: 'removed' };
      }
    } else if (a) {
      return { path: a.path, kind: 'added' };
    } else {
      return { path: b!.path, kind: 'removed' };
    }
  }
  return undefined;
}

export function describeDifference(difference: ContentDifference): string {
  if (difference.kind === 'changed') return `${difference.path} differs`;
  if (difference.kind === 'added') return `${difference.path} is new`;
  return `${difference.path} is gone`;
}
