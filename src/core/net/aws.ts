/**
 * The AWS SDK's HTTP handler when the network needs one: a proxy variable (the SDK v3 reads none by
 * itself) or AWS_CA_BUNDLE (a private CA for AWS endpoints, as the AWS CLI reads it). Otherwise
 * undefined, and the SDK uses its default handler. The agents route each connection as `proxyFor`
 * says: CONNECT through the proxy for https, absolute-URI forwarding for http, or direct.
 */
import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { rootCertificates } from 'node:tls';
import { knownEnv } from '../env-vars.ts';
import { UserError } from '../errors.ts';
import { proxyAgents } from './agents.ts';
import { proxyConfigured, proxyFor } from './proxy-env.ts';

/** `timeouts`: connection and answer limits in ms, as the SDK's default handler takes them. */
export async function awsRequestHandler(
  env: NodeJS.ProcessEnv = process.env,
  timeouts: { connectionTimeout?: number; requestTimeout?: number } = {},
) {
  const bundle = knownEnv(env).AWS_CA_BUNDLE;
  if (!proxyConfigured(env) && !bundle) return undefined;
  const [{ NodeHttpHandler }, { Agent }, http, https, viaProxy] = await Promise.all([
    import('@smithy/node-http-handler'),
    import('agent-base'),
    import('node:http'),
    import('node:https'),
    proxyAgents(),
  ]);
  const ca = bundle ? [...rootCertificates, readCaBundle(bundle)] : undefined;
  const direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, ca }),
  };

  class RoutingAgent extends Agent {
    connect(req: ClientRequest, options: { secureEndpoint: boolean; host?: string; port?: number }) {
      const scheme = options.secureEndpoint ? 'https' : 'http';
      const proxy = proxyFor(`${scheme}://${req.host}:${options.port ?? ''}`, env);
      if (!proxy) return options.secureEndpoint ? direct.https : direct.http;
      return viaProxy(proxy, options.secureEndpoint);
    }
  }
  // `ca` on the routing agent reaches the TLS connection to the endpoint, also inside a tunnel.
  const agent = new RoutingAgent({ keepAlive: true, ...(ca ? { ca } : {}) });
  return new NodeHttpHandler({ httpAgent: agent, httpsAgent: agent, ...timeouts });
}

function readCaBundle(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`AWS_CA_BUNDLE: cannot read ${path}: ${(error as Error).message}`);
  }
}
