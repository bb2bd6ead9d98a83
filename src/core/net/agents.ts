/**
 * The connection agent for a URL: one keep-alive agent per scheme when the URL goes direct, or one
 * per proxy (CONNECT tunnels for https from https-proxy-agent, absolute-URI forwarding for http from
 * http-proxy-agent) when `proxyFor` names one. The proxy libraries load only when a proxy variable
 * is set. Idle keep-alive sockets do not keep the process alive (Node unrefs them).
 */
import type { Agent } from 'node:http';
import { proxyConfigured, proxyFor } from './proxy-env.ts';

type ProxyAgentFor = (proxy: string, secure: boolean) => Agent;

let direct: Promise<{ http: Agent; https: Agent }> | undefined;
let viaProxy: Promise<ProxyAgentFor> | undefined;

export async function agentFor(url: URL, env: NodeJS.ProcessEnv = process.env): Promise<Agent> {
  const secure = url.protocol === 'https:';
  const proxy = proxyConfigured(env) ? proxyFor(url, env) : undefined;
  if (proxy) return (await proxyAgents())(proxy, secure);
  direct ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => ({
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  }));
  return (await direct)[secure ? 'https' : 'http'];
}

/**
 * Loads the proxy libraries once and gives the agent that reaches `https` (tunnelled) or `http`
 * (forwarded) targets through a proxy, one agent per proxy and scheme.
 */
export function proxyAgents(): Promise<ProxyAgentFor> {
  viaProxy ??= Promise.all([import('https-proxy-agent'), import('http-proxy-agent')]).then(
    ([{ HttpsProxyAgent }, { HttpProxyAgent }]) => {
      const made = new Map<string, Agent>();
      return (proxy, secure) => {
        const key = `${secure ? 'https' : 'http'} ${proxy}`;
        let agent = made.get(key);
        if (!agent) {
          // A forwarding proxy gets each request's absolute URL: no keep-alive there.
          agent = secure ? new HttpsProxyAgent(proxy, { keepAlive: true }) : new HttpProxyAgent(proxy);
          made.set(key, agent);
        }
        return agent;
      };
    },
  );
  return viaProxy;
}
