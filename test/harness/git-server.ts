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
