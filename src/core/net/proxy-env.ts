/**
 * Which proxy a URL goes through, from the standard variables, as curl decides it:
 * `http_proxy` / `https_proxy` / `all_proxy` (lower case first, then upper case) by the URL's scheme,
 * and `no_proxy` entries that exempt a URL: `*`, a host name (also its subdomains; a leading dot
 * means the same), an IP address, a CIDR block (`10.0.0.0/8`, `fd00::/8`), each optionally with
 * `:port`. IP rules match IP literals only: names are never resolved to decide.
 */
import { BlockList, isIP } from 'node:net';

type Env = Record<string, string | undefined>;

const read = (env: Env, name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;

/** A proxy variable is set: only then is any proxy code loaded. */
export function proxyConfigured(env: Env = process.env): boolean {
  return ['http_proxy', 'https_proxy', 'all_proxy'].some((name) => read(env, name));
}

/** The proxy URL for a request URL, or undefined to connect directly. */
export function proxyFor(target: string | URL, env: Env = process.env): string | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  const scheme = url.protocol.replace(/:$/, '');
  const proxy =
    (scheme === 'https'
      ? read(env, 'https_proxy')
      : scheme === 'http'
        ? read(env, 'http_proxy')
        : undefined) ?? read(env, 'all_proxy');
  if (!proxy) return undefined;
  const port = Number(url.port) || (scheme === 'https' ? 443 : 80);
  if (bypasses(url.hostname, port, read(env, 'no_proxy') ?? '')) return undefined;
  // A bare `host:port` is an http proxy, as curl reads it.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** Whether a `no_proxy` list exempts this host and port. */
export function bypasses(hostname: string, port: number, noProxy: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/).filter(Boolean)) {
    if (raw === '*') return true;
    const rule = parseRule(raw.toLowerCase());
    if (rule.port !== undefined && rule.port !== port) continue;
    if (rule.cidr) {
      const family = isIP(host);
      if (family && rule.cidr.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
      continue;
    }
    const name = rule.host.replace(/^\*?\./, '').replace(/\.$/, '');
    if (name && (host === name || host.endsWith(`.${name}`))) return true;
  }
  return false;
}

interface Rule {
  host: string;
  port?: number;
  cidr?: BlockList;
}

function parseRule(entry: string): Rule {
  let host = entry;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] ? Number(bracketed[2]) : undefined;
  } else if (isIP(entry.split('/')[0]!) !== 6) {
    // Not a bare IPv6 address: a trailing `:digits` is a port.
    const match = /^(.*):(\d+)$/.exec(entry);
    if (match) {
      host = match[1]!;
      port = Number(match[2]);
    }
  }
  const [address, bits] = host.split('/');
  const family = isIP(address ?? '');
  if (!family) return { host, port };
  const cidr = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128))
    cidr.addSubnet(address!, prefix, type);
  return { host, port, cidr };
}
