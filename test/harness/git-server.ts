import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A git smart-HTTP server that refuses everything and records each request's headers: enough to
 * see which credentials a git client would send to a host.
 */
export async function withRefusingGitServer(
  path: string,
  fn: (url: string, seen: IncomingHttpHeaders[]) => Promise<void>,
): Promise<void> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${path}`, seen);
  } finally {
    server.close();
  }
}

export interface GitHttpServer {
  /** `127.0.0.1:<port>`; repositories are at `http://<host>/<name>.git`. */
  host: string;
  /** stderr of git http-backend (hook output goes to the client, not here). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Real git smart HTTP: Node's HTTP server running `git http-backend` as a CGI program for every
 * request, serving the bare repositories under `root` (fetch and push, hooks included).
 */
export async function startGitHttpServer(root: string): Promise<GitHttpServer> {
  const errors: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://git');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'ci',
        REMOTE_ADDR: '127.0.0.1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
          : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(child.stdin);
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    // CGI output: header lines, a blank line, then the body.
    let head = Buffer.alloc(0);
    let streaming = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (streaming) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      streaming = true;
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => res.end());
    child.on('error', () => res.destroy());
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    errors,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
