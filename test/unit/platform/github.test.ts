import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GitHubPlatform } from '../../../src/platform/github.ts';

let printed: string[];
let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  dir = mkdtempSync(join(tmpdir(), 'ga-github-'));
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']) {
    process.env[name] = join(dir, name);
    writeFileSync(process.env[name]!, '');
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  // In place: the unit tests share one process, and a plain object in its stead would not be the
  // environment child programs inherit.
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('GitHub platform', () => {
  it('registers each line of a multi-line secret with add-mask, once', () => {
    const platform = new GitHubPlatform();
    platform.mask('first-line-secret\nsecond-line-secret');
    platform.mask('first-line-secret');
    const masks = printed.join('').match(/^::add-mask::.*$/gm) ?? [];
    expect(masks).toEqual(
      expect.arrayContaining(['::add-mask::first-line-secret', '::add-mask::second-line-secret']),
    );
    expect(masks.filter((m) => m === '::add-mask::first-line-secret')).toHaveLength(1);
  });

  it('shows log lines that look like workflow commands without letting the runner obey them', () => {
    new GitHubPlatform().log.info('::set-output name=x::pwned');
    const [start, line, end] = printed.join('').trimEnd().split('\n');
    const token = start!.replace('::stop-commands::', '');
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(line).toBe('::set-output name=x::pwned');
    expect(end).toBe(`::${token}::`);
  });

  it('redacts secrets in logs, outputs, summaries and group titles', async () => {
    const platform = new GitHubPlatform();
    platform.mask('s3cret-value');
    platform.mask('s3cret-value-longer');
    printed = [];
    platform.log.info('a s3cret-value-longer b');
    await platform.log.group('login with s3cret-value', async () => {});
    platform.setOutput('out', 'x s3cret-value y');
    platform.summary('| s3cret-value |');
    await platform.finish();
    expect(printed.join('')).toContain('a *** b');
    expect(printed.join('')).toContain('::group::login with ***');
    expect(printed.join('')).not.toContain('s3cret');
    expect(readFileSync(process.env.GITHUB_OUTPUT!, 'utf8')).not.toContain('s3cret');
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe('| *** |\n');
  });

  it('writes outputs in the heredoc form with a random delimiter', () => {
    new GitHubPlatform().setOutput('tags', 'a:1\na:2');
    const text = readFileSync(process.env.GITHUB_OUTPUT!, 'utf8');
    expect(text).toMatch(/^tags<<(ghadelimiter_[0-9a-f-]{36})\na:1\na:2\n\1\n$/);
  });

  it('fails clearly when GITHUB_OUTPUT does not exist', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'missing');
    expect(() => new GitHubPlatform().setOutput('x', 'y')).toThrow(/Missing file at path/);
  });

  it('escapes annotation properties and messages', () => {
    new GitHubPlatform().log.error('line 1\nline 2 100%', {
      file: 'a,b:c.yaml',
      line: 3,
      title: 'Commit loop',
    });
    expect(printed.join('')).toBe(
      '::error file=a%2Cb%3Ac.yaml,line=3,title=Commit loop::line 1%0Aline 2 100%25\n',
    );
  });

  it('says which permission is missing when there is no OIDC token', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    await expect(new GitHubPlatform().idToken('sts.amazonaws.com')).rejects.toThrow(
      'permissions: id-token: write',
    );
  });

  describe('OIDC token request, against a local endpoint speaking the runner protocol', () => {
    let server: Server;
    let seen: { url: string; authorization?: string }[];
    let answers: { status: number; body: string }[];

    beforeEach(async () => {
      seen = [];
      answers = [];
      server = createServer((req, res) => {
        seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
        const answer = answers.shift() ?? {
          status: 200,
          body: JSON.stringify({ value: 'header.payload.sig' }),
        };
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;
      process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:${port}/token?api-version=2.0`;
      process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'request-token';
    });
    afterEach(() => new Promise<void>((done) => server.close(() => done())));

    it('asks for the audience with the request token as bearer, and masks the token', async () => {
      expect(await new GitHubPlatform().idToken('sts.amazonaws.com')).toBe('header.payload.sig');
      expect(seen).toEqual([
        { url: '/token?api-version=2.0&audience=sts.amazonaws.com', authorization: 'Bearer request-token' },
      ]);
      expect(printed).toContain('::add-mask::header.payload.sig\n');
    });

    it('retries a server error, and fails at once on a refusal, with the status in the message', async () => {
      answers.push({ status: 503, body: 'busy' });
      expect(await new GitHubPlatform().idToken('sts.amazonaws.com')).toBe('header.payload.sig');
      expect(seen).toHaveLength(2);

      seen.length = 0;
      answers.push({ status: 403, body: '{"message":"not allowed"}' });
      await expect(new GitHubPlatform().idToken('sts.amazonaws.com')).rejects.toThrow(
        'Failed to get the OIDC token: HTTP 403',
      );
      expect(seen).toHaveLength(1);
    });

    it('refuses an answer without a token', async () => {
      answers.push({ status: 200, body: '{}' });
      await expect(new GitHubPlatform().idToken('sts.amazonaws.com')).rejects.toThrow('holds no token');
    });
  });
});
