import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parseChallenge,
  RegistryClient,
  RegistryError,
  sha256Digest,
} from '../../../src/core/registry/client.ts';
import { recordConnections } from '../../harness/connections.ts';
import { RecordingLogger } from '../../harness/logger.ts';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string | undefined>;
  body?: string | Buffer;
}

/** An in-process HTTP server that answers with `handler` and records every request. */
async function fake(handler: (req: IncomingMessage, body: Buffer, port: number) => Reply) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
      const reply = handler(req, Buffer.concat(chunks), port);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  servers.push(server);
  return { host: `127.0.0.1:${port}`, port, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fast = { retry: { baseMs: 1, capMs: 2 } };
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('parseChallenge', () => {
  it('reads ghcr.io / Docker Hub style Bearer challenges with commas inside quotes', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/app:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:org/app:pull,push' },
    });
  });

  it('reads Basic challenges (ECR, distribution with htpasswd)', () => {
    expect(
      parseChallenge(
        'Basic realm="https://123.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"',
      ),
    ).toEqual({
      scheme: 'basic',
      params: { realm: 'https://123.dkr.ecr.eu-west-1.amazonaws.com/', service: 'ecr.amazonaws.com' },
    });
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('RegistryClient against a token-auth registry (ghcr.io style)', () => {
  it('answers Bearer challenges, caches the token and widens the scope for pushes', async () => {
    const manifest = Buffer.from('{"schemaVersion":2}');
    const tokens: { scope: string | null; authorization?: string }[] = [];
    const blobs = new Map<string, Buffer>();
    const registry = await fake((req, body, port) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        tokens.push({ scope: url.searchParams.get('scope'), authorization: req.headers.authorization });
        if (req.headers.authorization !== basic('bot', 'pw')) return { status: 401 };
        return { status: 200, body: JSON.stringify({ token: `tok ${url.searchParams.get('scope')}` }) };
      }
      const push = req.method === 'POST' || req.method === 'PUT';
      const scope = `repository:app:${push ? 'pull,push' : 'pull'}`;
      const granted = req.headers.authorization?.replace(/^Bearer tok /, '') ?? '';
      if (!granted.startsWith('repository:app:') || (push && !granted.endsWith('pull,push'))) {
        return {
          status: 401,
          headers: {
            'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake",scope="${scope}"`,
          },
        };
      }
      if (url.pathname === '/v2/app/manifests/1') {
        return {
          status: 200,
          headers: {
            'content-type': 'application/vnd.oci.image.manifest.v1+json',
            'docker-content-digest': sha256Digest(manifest),
          },
          body: req.method === 'HEAD' ? undefined : manifest,
        };
      }
      if (url.pathname.startsWith('/v2/app/blobs/uploads/') && req.method === 'POST') {
        // An absolute Location, as some registries send.
        return {
          status: 202,
          headers: { location: `http://127.0.0.1:${port}/v2/app/blobs/uploads/u1?state=abc` },
        };
      }
      if (url.pathname === '/v2/app/blobs/uploads/u1' && req.method === 'PUT') {
        expect(url.searchParams.get('state')).toBe('abc');
        blobs.set(url.searchParams.get('digest')!, body);
        return { status: 201 };
      }
      if (url.pathname.startsWith('/v2/app/blobs/')) {
        const blob = blobs.get(decodeURIComponent(url.pathname.slice('/v2/app/blobs/'.length)));
        return blob ? { status: 200, body: req.method === 'HEAD' ? undefined : blob } : { status: 404 };
      }
      return { status: 404 };
    });
    const log = new RecordingLogger();
    const client = new RegistryClient(
      registry.host,
      { username: 'bot', password: 'pw' },
      { ...fast, logger: log },
    );

    expect(await client.manifestDigest('app', '1')).toBe(sha256Digest(manifest));
    expect((await client.getManifest('app', '1'))?.body.equals(manifest)).toBe(true);
    expect(tokens).toEqual([{ scope: 'repository:app:pull', authorization: basic('bot', 'pw') }]);

    const data = Buffer.from('layer data');
    expect(await client.uploadBlob('app', data)).toEqual({ digest: sha256Digest(data), size: data.length });
    expect(tokens.map((t) => t.scope)).toEqual(['repository:app:pull', 'repository:app:pull,push']);
    expect(blobs.get(sha256Digest(data))?.equals(data)).toBe(true);
    expect((await client.getBlob('app', sha256Digest(data))).equals(data)).toBe(true);
    // Already there: only a HEAD.
    const before = registry.seen.length;
    await client.uploadBlob('app', data);
    expect(registry.seen.slice(before).map((s) => s.method)).toEqual(['HEAD']);
    // Neither the password nor a token reaches the log.
    expect(log.text()).not.toMatch(/pw|tok /);
  });

  it('asks the token service anonymously without credentials', async () => {
    const registry = await fake((req, _body, port) => {
      if (req.url?.startsWith('/token')) {
        return { status: 200, body: JSON.stringify({ access_token: 'anon' }) };
      }
      if (req.headers.authorization !== 'Bearer anon') {
        return {
          status: 401,
          headers: { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token"` },
        };
      }
      return { status: 404 };
    });
    const mask = vi.fn();
    expect(
      await new RegistryClient(registry.host, undefined, { ...fast, mask }).manifestDigest('public/app', 'x'),
    ).toBeUndefined();
    expect(registry.seen.find((s) => s.url.startsWith('/token'))?.authorization).toBeUndefined();
    // A bearer token is a credential too: registered as a secret before use.
    expect(mask).toHaveBeenCalledWith('anon');
  });

  it('never sends credentials to a token service over plain HTTP on another host', async () => {
    const registry = await fake(() => ({
      status: 401,
      headers: {
        'www-authenticate': 'Bearer realm="http://tokens.example.com/token",scope="repository:app:pull"',
      },
    }));
    const connections = recordConnections();
    const error = await new RegistryClient(
      registry.host,
      { username: 'bot', password: 'hunter2-secret' },
      fast,
    )
      .manifestDigest('app', '1')
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'refusing to send credentials to the token service http://tokens.example.com',
    );
    expect(connections.hosts()).not.toContain('tokens.example.com');
    expect(connections.hosts()).toContain('127.0.0.1'); // the registry itself was asked
    connections.restore();
  });

  it('reports refused credentials from the token service without the password', async () => {
    const registry = await fake((req, _body, port) => {
      if (req.url?.startsWith('/token')) return { status: 401 };
      return {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",scope="repository:app:pull"`,
        },
      };
    });
    const error = await new RegistryClient(
      registry.host,
      { username: 'bot', password: 'hunter2-secret' },
      fast,
    )
      .manifestDigest('app', '1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toContain(`${registry.host}: the token service`);
    expect((error as Error).message).toContain("user 'bot'");
    expect((error as Error).message).not.toContain('hunter2-secret');
  });
});

describe('RegistryClient with Basic auth, retries and redirects', () => {
  it('learns Basic from the first challenge, then sends it up front', async () => {
    const registry = await fake((req) => {
      if (req.headers.authorization !== basic('u', 'p')) {
        return { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } };
      }
      return { status: 404 };
    });
    const client = new RegistryClient(registry.host, { username: 'u', password: 'p' }, fast);
    await client.blobExists('app', 'sha256:00');
    await client.blobExists('app', 'sha256:01');
    expect(registry.seen.map((s) => s.authorization === basic('u', 'p'))).toEqual([false, true, true]);
  });

  it('retries 5xx and 429, then succeeds', async () => {
    let calls = 0;
    const registry = await fake(() => {
      calls++;
      if (calls === 1) return { status: 503 };
      if (calls === 2) return { status: 429 };
      return { status: 200, headers: { 'docker-content-digest': 'sha256:abc' } };
    });
    const log = new RecordingLogger();
    const client = new RegistryClient(registry.host, undefined, { ...fast, logger: log });
    expect(await client.manifestDigest('app', '1')).toBe('sha256:abc');
    expect(calls).toBe(3);
    expect(log.messages('warning').filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  it('gives up after the attempts, naming registry and status', async () => {
    const registry = await fake(() => ({ status: 502 }));
    const error = await new RegistryClient(registry.host, undefined, { retry: { attempts: 3, baseMs: 1 } })
      .manifestDigest('app', '1')
      .catch((e: unknown) => e);
    expect(registry.seen).toHaveLength(3);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(502);
    expect((error as Error).message).toContain(registry.host);
    expect((error as Error).message).toContain('look up app:1');
  });

  it('never retries 403, and names registry, repository and status', async () => {
    const registry = await fake(() => ({
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
      }),
    }));
    const error = await new RegistryClient(registry.host, { username: 'u', password: 'secret-pass' }, fast)
      .putManifest('team/app', '1.0', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json')
      .catch((e: unknown) => e);
    expect(registry.seen).toHaveLength(1);
    expect((error as Error).message).toBe(
      `Registry ${registry.host}: cannot push manifest team/app:1.0: 403 Forbidden (DENIED: requested access to the resource is denied). The credentials are valid but lack permission for this repository.`,
    );
    expect((error as Error).message).not.toContain('secret-pass');
  });

  it('follows a blob redirect to another origin without sending credentials there', async () => {
    const data = Buffer.from('blob behind a redirect');
    const storage = await fake(() => ({ status: 200, body: data }));
    const registry = await fake((req) => {
      if (req.headers.authorization !== basic('u', 'p')) {
        return { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } };
      }
      return { status: 307, headers: { location: `http://${storage.host}/bucket/blob?X-Amz-Signature=s` } };
    });
    const client = new RegistryClient(registry.host, { username: 'u', password: 'p' }, fast);
    expect((await client.getBlob('app', sha256Digest(data))).equals(data)).toBe(true);
    expect(storage.seen).toEqual([
      { method: 'GET', url: '/bucket/blob?X-Amz-Signature=s', authorization: undefined },
    ]);
  });

  it('refuses content that does not match its digest', async () => {
    const registry = await fake(() => ({ status: 200, body: 'tampered' }));
    const client = new RegistryClient(registry.host, undefined, fast);
    await expect(client.getBlob('app', sha256Digest(Buffer.from('original')))).rejects.toThrow(
      /with other content/,
    );
    await expect(client.getManifest('app', sha256Digest(Buffer.from('original')))).rejects.toThrow(
      /content digest/,
    );
  });

  it('resolves a relative upload Location against the registry', async () => {
    const registry = await fake((req) => {
      if (req.method === 'HEAD') return { status: 404 };
      if (req.method === 'POST') return { status: 202, headers: { location: '/v2/app/blobs/uploads/xyz' } };
      return { status: 201 };
    });
    const data = Buffer.from('x');
    await new RegistryClient(registry.host, undefined, fast).uploadBlob('app', data);
    expect(registry.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `HEAD /v2/app/blobs/${encodeURIComponent(sha256Digest(data))}`,
      'POST /v2/app/blobs/uploads/',
      `PUT /v2/app/blobs/uploads/xyz?digest=${encodeURIComponent(sha256Digest(data))}`,
    ]);
  });

  it('turns a refused connection into one clear error after the retries', async () => {
    const registry = await fake(() => ({ status: 200 }));
    const host = registry.host;
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const error = await new RegistryClient(host, undefined, { retry: { attempts: 2, baseMs: 1 } })
      .manifestDigest('app', '1')
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(`Cannot reach registry ${host}`);
  });
});

describe('tags list', () => {
  it("follows the registry's Link pages on its own origin, and reads a missing repository as no tags", async () => {
    const pages: Record<string, Reply> = {
      '/v2/app/tags/list?n=2': {
        status: 200,
        headers: { link: '</v2/app/tags/list?last=b&n=2>; rel="next"' },
        body: JSON.stringify({ name: 'app', tags: ['a', 'b'] }),
      },
      '/v2/app/tags/list?last=b&n=2': {
        status: 200,
        headers: { link: '<http://elsewhere.example/v2/app/tags/list?last=c&n=2>; rel="next"' },
        body: JSON.stringify({ name: 'app', tags: ['c'] }),
      },
    };
    const server = await fake((req) => pages[req.url ?? ''] ?? { status: 404, body: '{"errors":[]}' });
    const client = new RegistryClient(server.host, undefined, fast);
    expect(await client.tags('app', 2)).toEqual(['a', 'b', 'c']);
    expect(server.seen.map((s) => s.url)).toEqual(['/v2/app/tags/list?n=2', '/v2/app/tags/list?last=b&n=2']);
    expect(await client.tags('missing')).toEqual([]);
  });
});

describe('RegistryClient under faults', () => {
  it('waits what Retry-After asks (seconds), not less', async () => {
    let calls = 0;
    const registry = await fake(() => {
      calls++;
      if (calls === 1) return { status: 429, headers: { 'retry-after': '3' } };
      return { status: 200, headers: { 'docker-content-digest': 'sha256:abc' } };
    });
    const waits: number[] = [];
    const client = new RegistryClient(registry.host, undefined, {
      retry: { baseMs: 1, capMs: 2, sleep: async (ms) => void waits.push(ms) },
    });
    expect(await client.manifestDigest('app', '1')).toBe('sha256:abc');
    expect(waits).toEqual([3000]);
  });

  it('gives up at once when Retry-After asks for more than the time budget', async () => {
    const registry = await fake(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const waits: number[] = [];
    const error = await new RegistryClient(registry.host, undefined, {
      retry: { baseMs: 1, budgetMs: 60_000, sleep: async (ms) => void waits.push(ms) },
    })
      .manifestDigest('app', '1')
      .catch((e: unknown) => e);
    expect(waits).toEqual([]);
    expect(registry.seen).toHaveLength(1);
    expect((error as Error).message).toBe(
      `Registry ${registry.host}: cannot look up app:1: 503 Service Unavailable (after 1 attempt)`,
    );
  });

  it('reads a body cut off mid-way again, and names host and operation when it keeps failing', async () => {
    const data = Buffer.alloc(64 * 1024, 7);
    let cut = 2;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(data.length) });
      if (cut-- > 0) {
        res.write(data.subarray(0, 1000), () => res.destroy());
        return;
      }
      res.end(data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const digest = sha256Digest(data);
    expect((await new RegistryClient(host, undefined, fast).getBlob('app', digest)).equals(data)).toBe(true);
    cut = 10;
    const error = await new RegistryClient(host, undefined, { retry: { attempts: 3, baseMs: 1 } })
      .getBlob('app', digest)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Cannot reach registry ${host} \\(http://${host}\\) to read blob app@${digest}: response cut off: .* \\(after 3 attempts\\)$`,
      ),
    );
  });

  it('starts a new upload session when the PUT of a blob fails', async () => {
    let puts = 0;
    let session = 0;
    const registry = await fake((req) => {
      if (req.method === 'HEAD') return { status: 404 };
      if (req.method === 'POST')
        return { status: 202, headers: { location: `/v2/app/blobs/uploads/s${++session}` } };
      return puts++ === 0 ? { status: 503 } : { status: 201 };
    });
    await new RegistryClient(registry.host, undefined, fast).uploadBlob('app', Buffer.from('x'));
    expect(registry.seen.map((s) => `${s.method} ${s.url.replace(/\?.*/, '')}`)).toEqual([
      `HEAD /v2/app/blobs/${encodeURIComponent(sha256Digest(Buffer.from('x')))}`,
      'POST /v2/app/blobs/uploads/',
      'PUT /v2/app/blobs/uploads/s1',
      'POST /v2/app/blobs/uploads/',
      'PUT /v2/app/blobs/uploads/s2',
    ]);
  });

  it('refuses an upload the registry stored under another digest', async () => {
    const registry = await fake((req) => {
      if (req.method === 'HEAD') return { status: 404 };
      if (req.method === 'POST') return { status: 202, headers: { location: '/v2/app/blobs/uploads/s' } };
      return { status: 201, headers: { 'docker-content-digest': `sha256:${'0'.repeat(64)}` } };
    });
    await expect(
      new RegistryClient(registry.host, undefined, fast).uploadBlob('app', Buffer.from('x')),
    ).rejects.toThrow(/stored blob sha256:\w+ of app as sha256:0{64}/);
  });
});
