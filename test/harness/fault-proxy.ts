import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to one matching request:
 * - `status`: answers it itself (503, 429, …), optionally with Retry-After; the upstream never sees it;
 * - `reset`: cuts the connection in the middle of the body: the request body for uploads
 *   (PATCH, PUT, POST), the answer's body for reads;
 * - `drop-answer`: lets the request reach the upstream in full, then cuts the connection instead
 *   of passing the answer on (the work was done; the client cannot know);
 * - `delay`: holds the request for `ms` before forwarding it.
 */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'reset' }
  | { kind: 'drop-answer' }
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  method: string;
  /** Matched against the path without the query. */
  path: RegExp;
  fault: Fault;
  /** How many matching requests get the fault (bounded: a fault never repeats forever). */
  times: number;
}

export interface FaultProxy {
  /** `127.0.0.1:<port>`, to use instead of the upstream's address. */
  host: string;
  url: string;
  /** One line per injected fault: `<fault> <METHOD> <path>`: the proof that it happened. */
  injected: string[];
  /** Every request seen, `<METHOD> <path>` (query dropped: upload URLs carry session state). */
  requests: string[];
  /** Adds rules; each applies to the next `times` matching requests. */
  inject(...rules: FaultRule[]): void;
  /** Drops the remaining rules and clears both logs. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A reverse proxy on 127.0.0.1 in front of an HTTP server (the registry, the git server) that
 * injects faults by rule. It forwards with the upstream's Host and rewrites `Location` headers
 * pointing at the upstream (upload sessions, redirects) back to itself, as a real front proxy does.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const [hostname, port] = upstream.split(':') as [string, string];
  const rules: (FaultRule & { left: number })[] = [];
  const injected: string[] = [];
  const requests: string[] = [];
  let self = '';

  const take = (req: IncomingMessage, path: string): Fault | undefined => {
    const rule = rules.find((r) => r.left > 0 && r.method === req.method && r.path.test(path));
    if (!rule) return undefined;
    rule.left--;
    const { fault } = rule;
    const what =
      fault.kind === 'status'
        ? `${fault.status}${fault.retryAfter ? ` (Retry-After: ${fault.retryAfter})` : ''}`
        : fault.kind === 'delay'
          ? `delay ${fault.ms} ms`
          : fault.kind;
    injected.push(`${what} ${req.method} ${path}`);
    return fault;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined) => {
    const headers = { ...req.headers, host: upstream };
    const upstreamReq = httpRequest(
      { hostname, port: Number(port), method: req.method, path: req.url, headers },
      (answer) => {
        if (fault?.kind === 'drop-answer') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        const out = { ...answer.headers };
        if (typeof out.location === 'string') {
          out.location = out.location.replace(`http://${upstream}`, `http://${self}`);
        }
        res.writeHead(answer.statusCode ?? 502, out);
        if (fault?.kind === 'reset' && !hasBody(req)) {
          // The headers and half of the body reach the client, then the connection is gone.
          const length = Number(answer.headers['content-length'] ?? 0);
          let cut = false;
          answer.on('data', (chunk: Buffer) => {
            if (cut) return;
            cut = true;
            answer.destroy();
            res.write(chunk.subarray(0, Math.max(1, Math.floor(Math.min(chunk.length, length / 2)))), () =>
              res.socket?.destroy(),
            );
          });
          return;
        }
        answer.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.destroy());
    if (fault?.kind === 'reset' && hasBody(req)) {
      // Part of the upload reaches the upstream, then both connections are cut.
      let cut = false;
      req.on('data', (chunk: Buffer) => {
        if (cut) return;
        cut = true;
        upstreamReq.write(chunk.subarray(0, Math.ceil(chunk.length / 2)));
        upstreamReq.destroy();
        req.socket.destroy();
      });
      req.on('end', () => {
        if (!cut) req.socket.destroy();
      });
      return;
    }
    req.pipe(upstreamReq);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/\?.*$/, '');
    requests.push(`${req.method} ${path}`);
    const fault = take(req, path);
    if (fault?.kind === 'status') {
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfter) headers['retry-after'] = fault.retryAfter;
      res.writeHead(fault.status, headers);
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected by the fault proxy' }] }));
      return;
    }
    if (fault?.kind === 'delay') {
      req.pause();
      setTimeout(() => forward(req, res, undefined), fault.ms);
      return;
    }
    forward(req, res, fault);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  self = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: self,
    url: `http://${self}`,
    injected,
    requests,
    inject(...added) {
      for (const rule of added) rules.push({ ...rule, left: rule.times });
    },
    reset() {
      rules.length = 0;
      injected.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}
