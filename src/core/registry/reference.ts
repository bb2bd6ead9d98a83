/**
 * OCI references, `[host[:port]/]repository[:tag][@digest]`: the one place that knows what a
 * registry accepts as a repository name, a tag, a digest and a registry host, and how docker
 * splits a reference into them. Every action and core module asks here.
 *
 * The rules, as the OCI distribution spec and docker's reference grammar state them:
 * - repository: path components joined by `/`; a component is lowercase letters and digits, with
 *   single separators between them: `.`, `_`, `__` or any run of `-` (so `my__app` and `my--app`
 *   are valid, `my_-app`, `-app` and `app.` are not). Clients cap host, `/` and repository
 *   together at 255 characters.
 * - tag: a letter, digit or `_`, then up to 127 letters, digits, `_`, `.` or `-`.
 * - digest: `algorithm:encoded`. The algorithm is lowercase alphanumeric parts joined by `+ . _ -`;
 *   sha256 takes 64 and sha512 128 lowercase hex digits; other algorithms `[A-Za-z0-9=_-]+`.
 * - host: DNS labels (letters, digits, inner `-`) joined by `.`, or a bracketed IPv6 address, with
 *   an optional `:port`. A reference's first component is a host only when it holds a `.` or a
 *   `:`, is `localhost`, or has upper case (no repository can); otherwise the whole name is the
 *   repository on the default registry.
 */

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[A-Za-z0-9=_-]+$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV6 = /^\[[0-9A-Fa-f:]+\]$/;

/** Host, `/` and repository together (clients refuse longer names). */
const MAX_NAME_LENGTH = 255;

/** The tag grammar in a message. */
export const TAG_RULE = '1 to 128 letters, digits, _ . -, not starting with . or -';
const COMPONENT_RULE = 'lowercase letters and digits, separated by one . or _, two __, or dashes';

/** Why one `/`-free part of a repository name is not valid, or undefined. */
export function componentProblem(component: string): string | undefined {
  if (component === '') return 'has an empty path component (//, or a leading or trailing /)';
  if (!COMPONENT.test(component)) return `component '${component}' must be ${COMPONENT_RULE}`;
  return undefined;
}

/** Why a repository name without host (`team/my-app`) is not valid, or undefined. */
export function repositoryProblem(repository: string): string | undefined {
  if (repository === '') return 'is empty';
  for (const part of repository.split('/')) {
    const problem = componentProblem(part);
    if (problem) return problem;
  }
  if (repository.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

/** Why a registry host (`ghcr.io`, `localhost:5000`, `[::1]:5000`) is not valid, or undefined. */
export function hostProblem(host: string): string | undefined {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(host);
  const [, name = '', port] = match ?? [];
  if (name === '') return 'has no host name';
  if (name.startsWith('[')) {
    if (!IPV6.test(name)) return `'${name}' is not a bracketed IPv6 address`;
  } else if (!name.split('.').every((label) => LABEL.test(label))) {
    return `'${name}' is not a host name (letters, digits and inner - in dot-separated labels)`;
  }
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) <= 65535))
    return `port '${port}' is not a number from 0 to 65535`;
  return undefined;
}

export function tagProblem(tag: string): string | undefined {
  return TAG.test(tag) ? undefined : `is not a valid OCI tag (${TAG_RULE})`;
}

export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (colon < 0 || !ALGORITHM.test(algorithm) || !ENCODED.test(encoded))
    return 'is not a digest (algorithm:encoded, e.g. sha256:<64 hex digits>)';
  const length = HEX_LENGTH[algorithm];
  if (length !== undefined && !new RegExp(`^[0-9a-f]{${length}}$`).test(encoded))
    return `is not a ${algorithm} digest (${length} lowercase hex digits after '${algorithm}:')`;
  return undefined;
}

export const isValidTag = (tag: string): boolean => tagProblem(tag) === undefined;

/** `ghcr.io/team/app` → host `ghcr.io`; `team/app` → no host (the default or configured registry). */
export function splitHost(name: string): { host?: string; repository: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { repository: name };
  const first = name.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase();
  return isHost ? { host: first, repository: name.slice(slash + 1) } : { repository: name };
}

/** Why an image name (`[host[:port]/]repository`, no tag) is not valid, or undefined. */
export function nameProblem(name: string): string | undefined {
  const { host, repository } = splitHost(name);
  const problem = (host !== undefined ? hostProblem(host) : undefined) ?? repositoryProblem(repository);
  if (problem) return problem;
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

export const isValidImageName = (name: string): boolean => nameProblem(name) === undefined;

export interface ImageRef {
  /** `[host[:port]/]repository`. */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits a reference without judging it (values read from files are judged by their users).
 * A `:` only starts a tag after the last `/`, so `localhost:5000/app` has no tag.
 */
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

/** Why a full reference is not valid, naming the part at fault, or undefined. */
export function referenceProblem(text: string): string | undefined {
  const ref = parseImageRef(text);
  const name = nameProblem(ref.name);
  if (name) return `name '${ref.name}' ${name}`;
  const tag = ref.tag === undefined ? undefined : tagProblem(ref.tag);
  if (tag) return `tag '${ref.tag}' ${tag}`;
  const digest = ref.digest === undefined ? undefined : digestProblem(ref.digest);
  if (digest) return `digest '${ref.digest}' ${digest}`;
  return undefined;
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * Canonical form for comparing names the way docker resolves them: `nginx` and
 * `docker.io/library/nginx` are the same image; registry hosts compare case-insensitively.
 */
export function normalizeImageName(name: string): string {
  const { host, repository } = splitHost(name);
  if (host === undefined) return name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  const lower = host.toLowerCase() === 'index.docker.io' ? 'docker.io' : host.toLowerCase();
  return lower === 'docker.io' && !repository.includes('/')
    ? `docker.io/library/${repository}`
    : `${lower}/${repository}`;
}

export const sameImage = (a: string, b: string): boolean => normalizeImageName(a) === normalizeImageName(b);

/** `reg.io/team/my-app` → `my-app`: the name Flux examples give an app's ImagePolicy. */
export function imageBaseName(name: string): string {
  return name.split('/').pop() ?? name;
}
