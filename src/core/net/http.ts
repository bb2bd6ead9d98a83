/**
 * The one `fetch` every HTTP call of the core goes through (registry, GitHub and GitLab APIs).
 * Without a proxy variable it is Node's own fetch and nothing more is loaded. With one, each request
 * goes through undici's fetch with a ProxyAgent for the proxy `proxyFor` picks (no_proxy decided as
 * curl does), so CONNECT tunnels and plain-HTTP forwarding come from a maintained client.
 * Node's fetch and undici both trust NODE_EXTRA_CA_CERTS (read by Node at start-up).
 */

import type { ProxyAgent } from 'undici';
import { proxyConfigured, proxyFor } from './proxy-env.ts';

let undici: ReturnType<typeof loadUndici> | undefined;
const loadUndici = () => import('undici');
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
