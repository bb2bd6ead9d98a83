import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { connectionHint, HttpNetworkError, type HttpResponse, httpRequest } from '../net/http.ts';
import {
  isRetryableStatus,
  isTransientNetworkError,
  parseRetryAfter,
  type RetryOptions,
  retry,
} from '../util/retry.ts';
import { isLoopbackHost, registryBaseUrl, registryHost } from './hosts.ts';

/** Manifest types we accept when reading: OCI and Docker v2, single images and indexes. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

export interface RegistryAuth {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  logger?: Logger;
  /**
   * Tuning of the retry loop per operation (defaults: 4 attempts, full jitter from 500 ms capped at
   * 10 s, a Retry-After honoured, no new attempt after 45 s).
   */
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'baseMs' | 'capMs' | 'budgetMs' | 'sleep'>>;
  /** Per-request time-out in ms (default 5 minutes: blobs can be large). */
  timeoutMs?: number;
  /** Registers a bearer token from the registry's token service as a secret before it is used. */
  mask?: (value: string) => void;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** A registry answered with a status we cannot proceed from. Names registry, repository and status. */
export class RegistryError extends UserError {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="repository:a:pull,push"` (quoted values may hold commas). */
export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  const match = header ? /^\s*(\w+)\s*(.*)$/s.exec(header) : null;
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const m of match[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

/** An HTTP status worth another attempt, carried through the retry loop. */
class RetryableStatus extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** What the server's Retry-After asked for, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}`);
  }
}

interface Call {
  repository: string;
  method: string;
  url: string;
  /** What we were doing, for messages: "push manifest app:1.0". */
  what: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Follow 3xx (GET/HEAD only); credentials are only sent back to the registry's own origin. */
  follow?: boolean;
}

/**
 * A small OCI distribution client over httpRequest: Basic auth and Bearer token challenges (ghcr.io,
 * Docker Hub), bounded retries on 5xx/429/network errors (Retry-After honoured, bodies read inside
 * the retry), digests checked on everything read and written.
 */
export class RegistryClient {
  readonly host: string;
  private readonly base: string;
  private readonly log: Logger;
  private useBasic = false;
  /** Bearer tokens per repository (their scope is per repository). */
  private readonly tokens = new Map<string, string>();

  private readonly auth?: RegistryAuth;

  constructor(
    host: string,
    auth?: RegistryAuth,
    private readonly options: RegistryClientOptions = {},
  ) {
    // An empty username means anonymous access, as an unset registry-username does.
    this.auth = auth?.username ? { username: auth.username, password: auth.password } : undefined;
    this.host = registryHost(host);
    this.base = registryBaseUrl(host);
    this.log = options.logger ?? silentLogger;
  }

  /** The digest `repo:ref` points at, or undefined when the registry has no such manifest. */
  async manifestDigest(repository: string, ref: string): Promise<string | undefined> {
    const found = await this.call(
      {
        repository,
        method: 'HEAD',
        url: this.url(repository, 'manifests', ref),
        what: `look up ${repository}:${ref}`,
        headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
        follow: true,
      },
      async (res) => {
        if (res.status === 404) return undefined;
        await this.expect(res, [200], 'look up', repository, ref);
        return { digest: res.header('docker-content-digest') };
      },
    );
    if (!found) return undefined;
    return found.digest || (await this.getManifest(repository, ref))?.digest;
  }

  async getManifest(repository: string, ref: string): Promise<Manifest | undefined> {
    return this.call(
      {
        repository,
        method: 'GET',
        url: this.url(repository, 'manifests', ref),
        what: `read manifest ${repository}:${ref}`,
        headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
        follow: true,
      },
      async (res) => {
        if (res.status === 404) return undefined;
        await this.expect(res, [200], 'read manifest', repository, ref);
        const body = res.body;
        const digest = sha256Digest(body);
        if (ref.startsWith('sha256:') && ref !== digest) {
          throw new RegistryError(
            `${this.host} served manifest ${repository}@${ref} with content digest ${digest}`,
            200,
          );
        }
        const mediaType =
          res.header('content-type')?.split(';')[0]?.trim() ||
          (JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType ||
          MANIFEST_MEDIA_TYPES[0]!;
        return { digest, mediaType, body };
      },
    );
  }

  /**
   * Every tag of a repository (the distribution API's tags list, following its `Link` pages), or []
   * when the repository does not exist yet.
   */
  async tags(repository: string, pageSize = 1000): Promise<string[]> {
    const tags: string[] = [];
    let url = `${this.base}/v2/${repository}/tags/list?n=${pageSize}`;
    for (let page = 0; page < 1000; page++) {
      const next = await this.call(
        { repository, method: 'GET', url, what: `list tags of ${repository}` },
        async (res) => {
          if (res.status === 404) return undefined;
          await this.expect(res, [200], 'list the tags of', repository);
          const body = res.json() as { tags?: string[] | null };
          tags.push(...(body.tags ?? []));
          // `Link: </v2/<name>/tags/list?last=x&n=1000>; rel="next"`, relative to the registry.
          return /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.header('link') ?? '')?.[1];
        },
      );
      if (!next) return tags;
      url = new URL(next, this.base).toString();
      if (new URL(url).origin !== new URL(this.base).origin) return tags;
    }
    return tags;
  }

  /**
   * Pushes a manifest under a tag (or its digest) and returns its digest. A PUT of the same bytes
   * is idempotent, so it is retried like a read.
   */
  async putManifest(repository: string, ref: string, body: Buffer, mediaType: string): Promise<string> {
    const digest = sha256Digest(body);
    await this.call(
      {
        repository,
        method: 'PUT',
        url: this.url(repository, 'manifests', ref),
        what: `push manifest ${repository}:${ref}`,
        headers: { 'content-type': mediaType },
        body,
      },
      async (res) => {
        await this.expect(res, [200, 201], 'push manifest', repository, ref);
        const served = res.header('docker-content-digest');
        if (served?.startsWith('sha256:') && served !== digest) {
          throw new RegistryError(
            `${this.host} stored manifest ${repository}:${ref} as ${served}, expected ${digest}`,
            res.status,
          );
        }
      },
    );
    return digest;
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    return this.call(
      {
        repository,
        method: 'HEAD',
        url: this.url(repository, 'blobs', digest),
        what: `look up blob ${repository}@${digest}`,
        follow: true,
      },
      async (res) => {
        if (res.status === 404) return false;
        await this.expect(res, [200], 'look up blob', repository, digest);
        return true;
      },
    );
  }

  /**
   * Uploads a blob unless the registry already holds it: POST, then one monolithic PUT. The two are
   * one unit in the retry loop: a failed PUT may have spent the upload session, so each attempt
   * starts a new session. The registry's answer must name the digest we computed.
   */
  async uploadBlob(repository: string, data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256Digest(data);
    const result = { digest, size: data.length };
    if (await this.blobExists(repository, digest)) {
      this.log.debug(`${this.host}/${repository}: blob ${digest} already present`);
      return result;
    }
    await this.withRetry(`upload blob ${digest} to ${repository}`, async () => {
      const start = await this.send({
        repository,
        method: 'POST',
        url: `${this.base}/v2/${repository}/blobs/uploads/`,
        what: `start blob upload to ${repository}`,
        headers: { 'content-length': '0' },
      });
      await this.expect(start, [202], 'start blob upload to', repository);
      const location = start.header('location');
      if (!location) {
        throw new RegistryError(`${this.host} gave no upload location for ${repository}`, start.status);
      }
      const target = new URL(location, `${this.base}/v2/${repository}/blobs/uploads/`);
      target.searchParams.set('digest', digest);
      const put = await this.send({
        repository,
        method: 'PUT',
        url: target.toString(),
        what: `upload blob ${digest} to ${repository}`,
        headers: { 'content-type': 'application/octet-stream' },
        body: data,
      });
      await this.expect(put, [201, 204], 'upload blob to', repository, digest);
      const stored = put.header('docker-content-digest');
      if (stored?.startsWith('sha256:') && stored !== digest) {
        throw new RegistryError(
          `${this.host} stored blob ${digest} of ${repository} as ${stored}`,
          put.status,
        );
      }
    });
    return result;
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    return this.call(
      {
        repository,
        method: 'GET',
        url: this.url(repository, 'blobs', digest),
        what: `read blob ${repository}@${digest}`,
        follow: true,
      },
      async (res) => {
        if (res.status === 404) {
          throw new RegistryError(
            `${this.host} has no blob ${digest} in repository ${repository} (404)`,
            404,
          );
        }
        await this.expect(res, [200], 'read blob', repository, digest);
        // httpRequest read the body inside this attempt: a connection cut mid-body is one more attempt.
        const data = res.body;
        if (digest.startsWith('sha256:') && sha256Digest(data) !== digest) {
          throw new RegistryError(
            `${this.host} served blob ${repository}@${digest} with other content`,
            res.status,
          );
        }
        return data;
      },
    );
  }

  private url(repository: string, kind: 'manifests' | 'blobs', ref: string): string {
    return `${this.base}/v2/${repository}/${kind}/${encodeURIComponent(ref)}`;
  }

  /** One request and the reading of its answer, retried together. */
  private call<T>(call: Call, read: (res: HttpResponse) => Promise<T>): Promise<T> {
    return this.withRetry(call.what, async () => read(await this.send(call)));
  }

  /**
   * Retries 5xx/429/408 and network failures (before or during the body) with full-jitter backoff,
   * waiting at least what a Retry-After asks, within a count and a time budget. The final error
   * names the registry and the operation.
   */
  private withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.options.retry?.attempts ?? 4;
    let made = 0;
    return retry(
      () => {
        made++;
        return fn();
      },
      {
        attempts,
        baseMs: this.options.retry?.baseMs ?? 500,
        capMs: this.options.retry?.capMs ?? 10_000,
        budgetMs: this.options.retry?.budgetMs ?? 45_000,
        sleep: this.options.retry?.sleep,
        retryable: (error) => error instanceof RetryableStatus || isTransientNetworkError(error),
        retryAfterMs: (error) => (error instanceof RetryableStatus ? error.retryAfterMs : undefined),
        onRetry: (error, attempt, delay) =>
          this.log.warning(
            `${this.host}: ${what}: attempt ${attempt}/${attempts} failed (${describe(error)}); retrying in ${delay} ms`,
          ),
      },
    ).catch((error: unknown) => {
      const tries = `after ${made} attempt${made === 1 ? '' : 's'}`;
      if (error instanceof RetryableStatus) {
        throw new RegistryError(`Registry ${this.host}: cannot ${error.detail} (${tries})`, error.status);
      }
      if (isTransientNetworkError(error) || error instanceof HttpNetworkError) {
        throw new UserError(
          `Cannot reach registry ${this.host} (${this.base}) to ${what}: ${describe(error)} (${tries})`,
          { cause: error },
        );
      }
      throw error;
    });
  }

  /** One attempt: the request, an auth challenge answered once, redirects for reads. */
  private async send(call: Call): Promise<HttpResponse> {
    let res = await this.fetchFollowing(call);
    if (res.status === 401) {
      const challenge = res.header('www-authenticate');
      const sent = this.authorization(call.repository);
      if (await this.answer(parseChallenge(challenge), call.repository, sent)) {
        res = await this.fetchFollowing(call);
      }
    }
    if (isRetryableStatus(res.status)) {
      const retryAfter = parseRetryAfter(res.header('retry-after'));
      const detail = `${call.what}: ${res.status} ${res.statusText}${errorCodes(res)}`;
      throw new RetryableStatus(res.status, detail, retryAfter);
    }
    return res;
  }

  private async fetchFollowing(call: Call): Promise<HttpResponse> {
    let url = call.url;
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(url).origin === new URL(this.base).origin;
      const auth = sameOrigin ? this.authorization(call.repository) : undefined;
      const res = await httpRequest(url, {
        method: call.method,
        headers: { ...call.headers, ...(auth ? { authorization: auth } : {}) },
        body: call.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000),
      });
      this.log.debug(`${call.method} ${redactUrl(url)} -> ${res.status}`);
      const location = res.header('location');
      if (!call.follow || res.status < 300 || res.status > 399 || !location || hop >= 5) return res;
      url = new URL(location, url).toString();
    }
  }

  private authorization(repository: string): string | undefined {
    const token = this.tokens.get(repository);
    if (token) return `Bearer ${token}`;
    if (this.useBasic && this.auth) {
      return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    }
    return undefined;
  }

  /** Learns how to authenticate from a 401; false when another try would be refused the same way. */
  private async answer(challenge: Challenge | undefined, repository: string, sent: string | undefined) {
    if (challenge?.scheme === 'basic') {
      if (!this.auth || sent?.startsWith('Basic ')) return false;
      this.useBasic = true;
      return true;
    }
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      // Always a fresh token: the cached one may have expired or lack the scope asked for now.
      // send() answers one challenge per attempt, so a refused token cannot loop.
      const scope = challenge.params.scope ?? '';
      this.tokens.set(
        repository,
        await this.fetchToken(challenge.params.realm, challenge.params.service, scope),
      );
      return true;
    }
    return false;
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string): Promise<string> {
    const url = new URL(realm);
    // Credentials go to a token service over TLS only (a loopback one may be plain HTTP, as the
    // registry itself may).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host))) {
      throw new RegistryError(
        `${this.host}: refusing to send credentials to the token service ${url.origin} over ${url.protocol.replace(':', '')}`,
        401,
      );
    }
    if (service) url.searchParams.set('service', service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth) {
      headers.authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    }
    const res = await httpRequest(url, { headers, signal: AbortSignal.timeout(60_000) });
    if (isRetryableStatus(res.status)) {
      throw new RetryableStatus(
        res.status,
        `get a token from ${url.origin}: ${res.status} ${res.statusText}`,
        parseRetryAfter(res.header('retry-after')),
      );
    }
    if (!res.ok) {
      throw new RegistryError(
        `${this.host}: the token service ${url.origin}${url.pathname} refused ${this.auth ? `user '${this.auth.username}'` : 'anonymous access'} ` +
          `for ${scope || 'the registry'} (${res.status} ${res.statusText}). Check registry-username/registry-password.`,
        res.status,
      );
    }
    const body = res.json() as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) {
      throw new RegistryError(`${this.host}: the token service ${url.origin} returned no token`, res.status);
    }
    this.options.mask?.(token);
    return token;
  }

  /** Throws a RegistryError (with the registry's error codes) unless the status is one of `ok`. */
  private async expect(res: HttpResponse, ok: number[], action: string, repository: string, ref?: string) {
    if (ok.includes(res.status)) return;
    throw new RegistryError(this.failure(action, repository, ref, res, errorCodes(res)), res.status);
  }

  private failure(
    action: string,
    repository: string,
    ref: string | undefined,
    res: HttpResponse,
    codes: string,
  ): string {
    const subject = ref ? `${repository}${ref.startsWith('sha256:') ? '@' : ':'}${ref}` : repository;
    let hint = '';
    if (res.status === 401) {
      hint = this.auth
        ? ' The registry rejected the credentials: check registry-username/registry-password (or the AWS role).'
        : ' The registry needs credentials: set registry-username/registry-password (or use ECR through AWS).';
    } else if (res.status === 403) {
      hint = ' The credentials are valid but lack permission for this repository.';
    } else if (res.status === 404) {
      hint = ' Does the repository exist? (ECR repositories must be created first.)';
    }
    return `Registry ${this.host}: cannot ${action} ${subject}: ${res.status} ${res.statusText}${codes}.${hint}`;
  }
}

/** ` (CODE: message; …)` from an OCI error body, or '' when there is none. */
function errorCodes(res: HttpResponse): string {
  try {
    const text = res.text();
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const parts = (body.errors ?? []).map((e) => `${e.code ?? 'ERROR'}: ${e.message ?? ''}`.slice(0, 200));
    return parts.length ? ` (${parts.join('; ')})` : '';
  } catch {
    return '';
  }
}

/** Upload URLs carry session state in the query (and presigned URLs carry signatures): drop it. */
function redactUrl(url: string): string {
  return url.replace(/\?.*$/, '');
}

function describe(error: unknown): string {
  if (error instanceof RetryableStatus) return error.detail;
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const message = e.message ?? String(error);
  const cause = e.cause?.code ?? e.cause?.message;
  return `${message}${cause && !message.includes(cause) ? ` (${cause})` : ''}${connectionHint(error)}`;
}
