/** Chart versions and the OCI tags and references they become. */
import { isValidTag } from '../registry/reference.ts';

/** SemVer 2.0.0, exactly (semver.org's regular expression): no leading `v`, no missing parts. */
const STRICT_SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** What Helm's own (lenient) parser accepts: `v1`, `1.2`, `v1.2.3-rc1`. Used for vendored sub-charts. */
const LENIENT_SEMVER =
  /^v?(0|[0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

export const isStrictSemver = (version: string) => STRICT_SEMVER.test(version);
export const isLenientSemver = (version: string) => LENIENT_SEMVER.test(version);

/**
 * Why `version` cannot be a chart version, with the fix, or undefined when it is fine.
 * The caller prefixes where the value came from (a file field or an input).
 */
export function versionProblem(version: string): string | undefined {
  if (version === '') return 'is empty';
  const fix = suggestVersion(version);
  const hint = fix ? `; write ${fix}` : '';
  if (!isStrictSemver(version)) {
    return (
      `'${version}' is not a strict semantic version (MAJOR.MINOR.PATCH[-prerelease][+build], e.g. 1.2.0)${hint}. ` +
      'Helm would push it as written, and helm pull, tag listing and Flux semver ranges would not find it'
    );
  }
  if (!isValidTag(ociTag(version))) return `'${version}' is too long for an OCI tag (at most 128 characters)`;
  return undefined;
}

/** The strict form a near-miss was probably meant to be (`v1.2` → `1.2.0`). */
export function suggestVersion(version: string): string | undefined {
  const match = /^[vV=]?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+].*)?$/.exec(version.trim());
  if (!match) return undefined;
  const [, major, minor = '0', patch = '0', rest = ''] = match;
  const candidate = `${Number(major)}.${Number(minor)}.${Number(patch)}${rest}`;
  return candidate !== version && isStrictSemver(candidate) ? candidate : undefined;
}

/** The OCI tag of a chart version: `+` is not allowed in tags, so Helm writes `_` (helm/helm#10166). */
export const ociTag = (version: string) => version.replaceAll('+', '_');
