import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4 verification, as AWS does it for JSON-protocol services such as ECR:
 * canonical request -> string to sign -> key derived from the secret, date, region and service.
 * Written from the public SigV4 specification so that tests can prove a request was signed with
 * the keys STS issued.
 */

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (`req.url`). */
  url: string;
  /** Lower-cased header names, as node's IncomingMessage gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SigV4Result {
  valid: boolean;
  reason?: string;
  /** Which error AWS would answer with when invalid. */
  errorCode?:
    | 'MissingAuthenticationToken'
    | 'IncompleteSignature'
    | 'InvalidSignature'
    | 'UnrecognizedClient';
  accessKeyId?: string;
  date?: string;
  region?: string;
  service?: string;
  signedHeaders?: string[];
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, which is what SigV4 wants (encodeURIComponent leaves !'()* alone). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const scope = fields.Credential?.split('/');
  if (scope?.length !== 5 || scope[4] !== 'aws4_request' || !fields.SignedHeaders || !fields.Signature) {
    return undefined;
  }
  return {
    accessKeyId: scope[0]!,
    date: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: fields.SignedHeaders.split(';'),
    signature: fields.Signature,
  };
}

/** The canonical path for services other than S3: normalised, then each segment encoded again. */
function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const joined = `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEncode(joined).replace(/%2F/g, '/');
}

function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      return [uriEncode(key), uriEncode(value)] as const;
    })
    .filter(([key]) => key !== 'X-Amz-Signature');
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

export function canonicalRequest(
  request: SignedRequest,
  signedHeaders: string[],
  payloadHash: string,
): string {
  const q = request.url.indexOf('?');
  const path = q < 0 ? request.url : request.url.slice(0, q);
  const query = q < 0 ? '' : request.url.slice(q + 1);
  return [
    request.method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(query),
    ...signedHeaders.map((name) => `${name}:${headerValue(request.headers[name])}`),
    '',
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export interface VerifyOptions {
  /** The secret for an access key id, or undefined when the key is unknown. */
  secretFor: (accessKeyId: string) => string | undefined;
  service: string;
  region: string;
  now?: Date;
  /** Allowed clock difference, as AWS allows 15 minutes. */
  maxSkewMs?: number;
}

export function verifySigV4(request: SignedRequest, options: VerifyOptions): SigV4Result {
  const header = headerValue(request.headers.authorization);
  if (!header) {
    return { valid: false, errorCode: 'MissingAuthenticationToken', reason: 'Missing Authentication Token' };
  }
  const auth = parseAuthorization(header);
  if (!auth) {
    return { valid: false, errorCode: 'IncompleteSignature', reason: `Malformed Authorization header` };
  }
  const base = {
    accessKeyId: auth.accessKeyId,
    date: auth.date,
    region: auth.region,
    service: auth.service,
    signedHeaders: auth.signedHeaders,
  };
  const fail = (errorCode: SigV4Result['errorCode'], reason: string): SigV4Result => ({
    ...base,
    valid: false,
    errorCode,
    reason,
  });

  const secret = options.secretFor(auth.accessKeyId);
  if (secret === undefined) {
    return fail('UnrecognizedClient', 'The security token included in the request is invalid.');
  }
  if (auth.service !== options.service) {
    return fail('InvalidSignature', `Credential should be scoped to correct service: '${options.service}'.`);
  }
  if (auth.region !== options.region) {
    return fail('InvalidSignature', `Credential should be scoped to a valid region.`);
  }
  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required)) {
      return fail('IncompleteSignature', `'${required}' must be a signed header`);
    }
  }
  const sorted = [...auth.signedHeaders].sort();
  if (sorted.join(';') !== auth.signedHeaders.join(';')) {
    return fail('IncompleteSignature', 'SignedHeaders are not sorted');
  }

  const amzDate = headerValue(request.headers['x-amz-date']);
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== auth.date) {
    return fail(
      'InvalidSignature',
      `Date in Credential scope does not match YYYYMMDD from X-Amz-Date (${amzDate}).`,
    );
  }
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
  );
  const now = (options.now ?? new Date()).getTime();
  const skew = options.maxSkewMs ?? 15 * 60_000;
  if (Math.abs(now - signedAt) > skew) {
    return fail(
      'InvalidSignature',
      `Signature expired: ${amzDate} is now earlier or later than the allowed ${skew / 60_000} min.`,
    );
  }

  const bodyHash = sha256Hex(request.body);
  const declared = headerValue(request.headers['x-amz-content-sha256']);
  if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash) {
    return fail(
      'InvalidSignature',
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }
  const payloadHash = declared || bodyHash;
  const canonical = canonicalRequest(request, auth.signedHeaders, payloadHash);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const expected = hmac(signingKey(secret, auth.date, auth.region, auth.service), stringToSign);
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ...base, valid: true };
}
