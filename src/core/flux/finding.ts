/** What the Flux check reports: findings (Flux would not deploy what CI produced) and notes. */
import type { ObjectRef, Where } from './objects.ts';

export type FindingKind =
  /** The tag does not pass the ImagePolicy's filterTags (or its semver range): never selected. */
  | 'tag-filtered'
  /** The tag ranks below the one the ImagePolicy selects now, or the one it replaces. */
  | 'tag-not-newer'
  /** A setter marker names an ImagePolicy that is not in the repository. */
  | 'policy-missing'
  /** An ImagePolicy's ImageRepository is not in the repository. */
  | 'repository-missing'
  /** The marker's policy watches another image than the one written or bumped. */
  | 'image-mismatch'
  /** The chart version lies outside the HelmRelease / OCIRepository range. */
  | 'chart-out-of-range'
  /** The HelmRelease or OCIRepository takes the chart from another registry or path. */
  | 'source-elsewhere'
  /** A HelmRelease names a chart source that is not in the repository. */
  | 'source-missing'
  /** A pattern, range or policy Flux itself would refuse. */
  | 'invalid-spec';

export interface Finding {
  kind: FindingKind;
  /** The object whose configuration decides (the ImagePolicy, the HelmRelease, ...). */
  object: ObjectRef;
  where: Where;
  message: string;
}

/** `warn` reports, `fail` also stops the action before it pushes or commits, `off` skips the check. */
export type FluxCheckMode = 'warn' | 'fail' | 'off';

export const FLUX_CHECK_MODES = ['warn', 'fail', 'off'] as const;

/** One finding per kind and place (two markers of one policy share its missing repository). */
export function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.kind}|${finding.where.file}:${finding.where.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
