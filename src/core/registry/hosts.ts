/** `host[:port]` without a scheme or trailing slash: the form image references use. */
export function registryHost(value: string): string {
  return value
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/+$/, '');
}

/** The host name alone: `[::1]:5000` → `::1`, `localhost:5000` → `localhost`. */
function hostname(host: string): string {
  const bare = registryHost(host);
  if (bare.startsWith('[')) return bare.slice(1, bare.indexOf(']'));
  return bare.replace(/:\d+$/, '');
}

/** Loopback registries are spoken to over plain HTTP, as docker does (127.0.0.0/8, localhost, ::1). */
export function isLoopbackHost(host: string): boolean {
  const name = hostname(host).toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Base URL of a registry's API. An explicit scheme wins; otherwise http for loopback, https for
 * everything else. `docker.io` is served by registry-1.docker.io.
 */
export function registryBaseUrl(host: string): string {
  const explicit = /^(https?):\/\//i.exec(host.trim());
  const bare = registryHost(host);
  const scheme = explicit ? explicit[1]!.toLowerCase() : isLoopbackHost(bare) ? 'http' : 'https';
  return `${scheme}://${bare === 'docker.io' ? 'registry-1.docker.io' : bare}`;
}
