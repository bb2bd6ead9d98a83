/**
 * The one `fetch` every HTTP call of the core goes through (registry, GitHub and GitLab APIs).
 * Without a proxy variable it is Node's own fetch and nothing more is loaded. With one, each request
 * goes through undici's fetch with a ProxyAgent for the proxy `proxyFor` picks (no_proxy decided as
 * curl does), so CONNECT tunnels and plain-HTTP forwarding come from a maintained client.
 * Node's fetch and undici both trust NODE_EXTRA_CA_CERTS (read by Node at start-up).
 */

import type { ProxyAgent } from 'undici';
import { proxyConfigured, proxyFor } from './proxy-env.ts';

interface Undici {
  ProxyAgent: typeof ProxyAgent;
  fetch: typeof import('undici').fetch;
}
let undici: Promise<Undici> | undefined;
// undici is CommonJS: a bundle sees its exports on `default`, Node and the tests as named exports.
const loadUndici = async (): Promise<Undici> => {
  const mod = (await import('undici')) as unknown as Undici & { default?: Undici };
  return mod.ProxyAgent ? mod : mod.default!;
};
const agents = new Map<string, ProxyAgent>();

export async function httpFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  if (!proxyConfigured()) return fetch(input, init);
  const proxy = proxyFor(input);
  if (!proxy) return fetch(input, init);
  undici ??= loadUndici();
  const mod = await undici;
  let agent = agents.get(proxy);
  if (!agent) {
    agent = new mod.ProxyAgent(proxy);
    agents.set(proxy, agent);
  }
  // undici's Response is the same WHATWG class Node's fetch returns; only the type declarations differ.
  return (await mod.fetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as Response;
}

const untrusted = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** What to do about a failed connection, when its cause says: an unknown CA is the usual one. */
export function connectionHint(error: unknown): string {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && untrusted.has(code))
      return '; the server certificate is not signed by a trusted CA: point NODE_EXTRA_CA_CERTS at the PEM file of your private CA (or of the TLS-inspecting proxy)';
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return '; the server certificate is for another host name';
    if (code === 'CERT_HAS_EXPIRED') return '; the server certificate has expired';
  }
  return '';
}
