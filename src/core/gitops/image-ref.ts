/** Image references as they appear in manifests: `name[:tag][@digest]`, name possibly with `host:port/`. */

/** OCI tag grammar (distribution spec): what we are willing to write into a file. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export const isValidTag = (tag: string): boolean => TAG_PATTERN.test(tag);

/** A repository name: lowercase path components, optional registry host (may hold a port or upper case). */
const NAME_PATTERN =
  /^(?:[A-Za-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const isValidImageName = (name: string): boolean => NAME_PATTERN.test(name);

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits a reference. A `:` only starts a tag after the last `/` (so `localhost:5000/app` has no tag). */
export function parseImageRef(text: string): ImageRef {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  }
  return { name: rest, digest };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * Canonical form for comparing names the way docker resolves them: `nginx` and
 * `docker.io/library/nginx` are the same image; registry hosts compare case-insensitively.
 */
export function normalizeImageName(name: string): string {
  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) {
    return parts.length === 1 ? `docker.io/library/${name}` : `docker.io/${name}`;
  }
  const host = first.toLowerCase() === 'index.docker.io' ? 'docker.io' : first.toLowerCase();
  const path = parts.slice(1).join('/');
  return host === 'docker.io' && parts.length === 2 ? `docker.io/library/${path}` : `${host}/${path}`;
}

export const sameImage = (a: string, b: string): boolean => normalizeImageName(a) === normalizeImageName(b);

/** `reg.io/team/my-app` → `my-app`: the name Flux examples give an app's ImagePolicy, and our PR branch suffix. */
export function imageBaseName(name: string): string {
  return name.split('/').pop() ?? name;
}
