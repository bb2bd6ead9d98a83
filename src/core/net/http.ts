/**
 * The one HTTP client of the core (registries, token services, the GitHub and GitLab APIs), on
 * node:http/https: keep-alive connections, the proxy `proxyFor` picks from the standard variables
 * (agents.ts), and the CAs Node trusts (NODE_EXTRA_CA_CERTS, read by Node at start-up).
 *
 * Not Node's built-in fetch: its first use loads undici and compiles undici's WebAssembly HTTP
 * parser, and the process then waits at exit for V8's background optimisation of that parser.
 * Together that was 150-250 ms of a 0.5 s re-run (bench/README.md). `httpFetch` gives the same
 * requests the WHATWG shape for libraries that ask for a fetch function (Octokit).
 */
import type { IncomingMessage } from 'node:http';
import { agentFor } from './agents.ts';

export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Aborts the request and the reading of its answer (e.g. `AbortSignal.timeout(ms)`). */
  signal?: AbortSignal;
}

/** A complete answer: every response is read to its end, which frees the connection for reuse. */
export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** 2xx */
  readonly ok: boolean;
  /** Every header, lower-case names (a repeated header's values joined with ", "). */
  readonly headers: Record<string, string>;
  /** A header's value, or null. */
  header(name: string): string | null;
  readonly body: Buffer;
  text(): string;
  json(): unknown;
}

/** A request that got no complete answer; `cause` is Node's error (its `code`: ECONNREFUSED, ...). */
export class HttpNetworkError extends Error {
  override name = 'HttpNetworkError';
}

/**
 * One request, its answer read whole (registry answers are manifests, tokens and blobs the caller
 * keeps in memory anyway). A network failure, before or during the answer, is an HttpNetworkError.
 */
export async function httpRequest(target: string | URL, init: HttpRequestInit = {}): Promise<HttpResponse> {
  const url = typeof target === 'string' ? new URL(target) : target;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:')
    throw new HttpNetworkError(`unsupported URL scheme: ${url.protocol}`);
  const { request } = secure ? await import('node:https') : await import('node:http');
  const agent = await agentFor(url);
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers, agent, signal: init.signal }, resolve);
    req.on('error', (error) =>
      reject(new HttpNetworkError(`request failed: ${error.message}`, { cause: error })),
    );
    req.end(init.body);
  });
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (error) =>
      reject(new HttpNetworkError(`response cut off: ${error.message}`, { cause: error })),
    );
    res.on('aborted', () => {
      const cause = closedEarly();
      reject(new HttpNetworkError(`response cut off: ${cause.message}`, { cause }));
    });
  });
  const status = res.statusCode ?? 0;
  const answerHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = await decode(raw, answerHeaders['content-encoding']);
  return {
    status,
    statusText: res.statusMessage ?? '',
    ok: status >= 200 && status < 300,
    headers: answerHeaders,
    header: (name) => answerHeaders[name.toLowerCase()] ?? null,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

const closedEarly = () =>
  Object.assign(new Error('the server closed the connection'), { code: 'ECONNRESET' });

/** Servers and proxies may compress although we asked for nothing: undo what they say they did. */
async function decode(raw: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (!encoding || encoding === 'identity' || raw.length === 0) return raw;
  const zlib = await import('node:zlib');
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(raw);
  if (encoding === 'deflate') return zlib.inflateSync(raw);
  if (encoding === 'br') return zlib.brotliDecompressSync(raw);
  return raw;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * `fetch` for API libraries, over httpRequest: redirects followed as fetch does (credentials kept
 * only on the same origin), the answer handed over as a WHATWG Response.
 */
export async function httpFetch(
  input: string | URL | { url: string },
  init: RequestInit = {},
): Promise<Response> {
  // No `instanceof Request`: naming a WHATWG class loads undici.
  let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  let method = (init.method ?? 'GET').toUpperCase();
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  let body = await requestBody(init.body);
  for (let hop = 0; ; hop++) {
    const res = await httpRequest(url, { method, headers, body, signal: init.signal ?? undefined });
    const location = res.header('location');
    if (init.redirect !== 'manual' && REDIRECTS.has(res.status) && location && hop < 20) {
      const next = new URL(location, url);
      if (next.origin !== url.origin) delete headers.authorization;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
      continue;
    }
    const empty = method === 'HEAD' || res.status === 204 || res.status === 304;
    const response = new Response(empty ? null : new Uint8Array(res.body), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
    Object.defineProperty(response, 'url', { value: url.toString() });
    return response;
  }
}

async function requestBody(body: RequestInit['body']): Promise<Buffer | string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body).arrayBuffer());
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
