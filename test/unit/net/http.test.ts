import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpNetworkError, httpFetch, httpRequest } from '../../../src/core/net/http.ts';

type Seen = { method: string; url: string; authorization?: string; body: string };
const seen: Seen[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, port: number) => void> = {
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
    res.end(gzipSync('{"token":"t"}'));
  },
  '/cut': (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only part of it');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/post-303': (_req, res) => {
    res.writeHead(303, { location: '/echo' });
    res.end();
  },
  '/elsewhere': (_req, res, port) => {
    // Same host by another name: another origin, so the credentials must not follow.
    res.writeHead(307, { location: `http://localhost:${port}/echo` });
    res.end();
  },
  '/echo': (req, res) => {
    res.writeHead(200, { 'x-repeated': ['a', 'b'] });
    res.end(`${req.method} ${req.headers.authorization ?? '-'}`);
  },
  '/empty': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
};

let server: ReturnType<typeof createServer>;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      routes[req.url!]!(req, res, (server.address() as AddressInfo).port);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('httpRequest', () => {
  it('reads the whole answer, undoing a compression the server applied', async () => {
    const res = await httpRequest(`${base}/gzip`);
    expect([res.status, res.ok, res.header('Content-Type')]).toEqual([200, true, 'application/json']);
    expect(res.json()).toEqual({ token: 't' });
  });

  it('sends the body with its length, and joins repeated headers', async () => {
    const res = await httpRequest(`${base}/echo`, { method: 'PUT', body: Buffer.from('äbc') });
    expect(res.text()).toBe('PUT -');
    expect(res.header('x-repeated')).toBe('a, b');
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: 'äbc' });
  });

  it('a body cut off mid-way is a network error naming what happened, with a retryable cause', async () => {
    const error = await httpRequest(`${base}/cut`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect((error as Error).message).toMatch(/^response cut off: /);
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNRESET');
  });

  it('a refused connection names Node’s cause', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));
    const error = await httpRequest(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`request failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('refuses a scheme it does not speak', async () => {
    await expect(httpRequest('ftp://example.com/x')).rejects.toThrow('unsupported URL scheme: ftp:');
  });
});

describe('httpFetch (the WHATWG shape for octokit)', () => {
  it('follows a 303 after a POST with a GET, as fetch does', async () => {
    const res = await httpFetch(`${base}/post-303`, { method: 'POST', body: '{"a":1}' });
    expect([res.status, await res.text()]).toEqual([200, 'GET -']);
    expect(res.url).toBe(`${base}/echo`);
  });

  it('keeps credentials on the same origin only', async () => {
    const same = await httpFetch(`${base}/echo`, { headers: { authorization: 'Bearer s3cret' } });
    expect(await same.text()).toBe('GET Bearer s3cret');
    const other = await httpFetch(`${base}/elsewhere`, { headers: { authorization: 'Bearer s3cret' } });
    expect(await other.text()).toBe('GET -');
  });

  it('answers a 204 with an empty body and leaves a redirect alone when asked to', async () => {
    expect((await httpFetch(`${base}/empty`)).status).toBe(204);
    const manual = await httpFetch(`${base}/post-303`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([303, '/echo']);
  });
});
