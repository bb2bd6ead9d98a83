import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SigV4Result, verifySigV4 } from './sigv4.ts';

/**
 * A protocol-faithful local AWS for the SDK (see docs/design/aws.md): STS
 * AssumeRoleWithWebIdentity (awsQuery, unsigned), ECR (awsJson1_1, SigV4-verified against the keys
 * STS issued) backed by a real registry, and a GitHub-style OIDC token endpoint. Three HTTP servers
 * on free loopback ports; the SDK reaches them through AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_ECR.
 */

export interface AwsServerConfig {
  accountId: string;
  region: string;
  /** The one role STS lets a token assume. */
  roleArn: string;
  /** The audience the IAM OIDC provider accepts. */
  audience: string;
  issuer: string;
  /** `sub` of the tokens the OIDC endpoint mints. */
  subject: string;
  /** Trust-policy `sub` patterns (`*` wildcard, as StringLike); default: exactly `subject`. */
  trustedSubjects?: string[];
  /** Lifetime of minted OIDC tokens. */
  tokenTtlSeconds: number;
  /** Keys ECR accepts without STS (the "default credential chain" case). */
  staticCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Registry behind ECR: GetAuthorizationToken hands out `AWS:<ecrPassword>`, DescribeImages looks here. */
  registry?: { host: string; ecrPassword: string };
  /** Default: `http://<registry host>`, or the real ECR host form without a registry. */
  proxyEndpoint: string;
}

export type AwsServerOptions = Partial<AwsServerConfig> & {
  /** ECR repositories that exist from the start (immutable tags, scan on push). */
  repositories?: string[];
};

export interface RecordedRequest {
  service: 'sts' | 'ecr' | 'oidc';
  /** STS Action, ECR operation (from X-Amz-Target), or `token`. */
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** STS form fields, ECR JSON body, OIDC query. */
  params: Record<string, unknown>;
  status: number;
  /** Error code answered, if any. */
  errorCode?: string;
  /** ECR only: the SigV4 check. */
  signature?: SigV4Result;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleArn: string;
  sessionName: string;
  subject: string;
}

export interface Fault {
  status: number;
  code: string;
  message?: string;
}

export interface AwsServer {
  stsUrl: string;
  ecrUrl: string;
  /** Like ACTIONS_ID_TOKEN_REQUEST_URL: already carries a query, append `&audience=…`. */
  oidcUrl: string;
  oidcRequestToken: string;
  /** Live settings: tests may change them between calls. */
  config: AwsServerConfig;
  requests: RecordedRequest[];
  issuedCredentials: IssuedCredentials[];
  /** Audiences requested from the OIDC endpoint, in order. */
  oidcAudiences: string[];
  repositories: Map<string, { createdAt: number; immutable: boolean; scanOnPush: boolean }>;
  /** Makes the next request to `service` fail with this error (queue: one fault per request). */
  failNext(service: 'sts' | 'ecr' | 'oidc', fault: Fault): void;
  /** A token as the OIDC endpoint would mint it (e.g. for GitLab-style id_tokens variables). */
  mintToken(claims?: Record<string, unknown>): string;
  /** Fetches a token the way a GitHub action does (GET oidcUrl&audience=…, Bearer request token). */
  idToken(audience: string): Promise<string>;
  /** Env for the SDK and GitHub-style OIDC: AWS_ENDPOINT_URL_STS/ECR, AWS_REGION, ACTIONS_ID_TOKEN_REQUEST_*. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export async function startAwsServer(options: AwsServerOptions = {}): Promise<AwsServer> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'eu-west-1';
  const config: AwsServerConfig = {
    accountId,
    region,
    roleArn: options.roleArn ?? `arn:aws:iam::${accountId}:role/ci`,
    audience: options.audience ?? 'sts.amazonaws.com',
    issuer: options.issuer ?? 'https://token.actions.githubusercontent.com',
    subject: options.subject ?? 'repo:org/app:ref:refs/heads/main',
    trustedSubjects: options.trustedSubjects,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
    staticCredentials: options.staticCredentials,
    registry: options.registry,
    proxyEndpoint:
      options.proxyEndpoint ??
      (options.registry
        ? `http://${options.registry.host}`
        : `https://${accountId}.dkr.ecr.${region}.amazonaws.com`),
  };
  const jwtKey = randomBytes(32);
  const oidcRequestToken = randomBytes(24).toString('base64url');
  const requests: RecordedRequest[] = [];
  const issuedCredentials: IssuedCredentials[] = [];
  const oidcAudiences: string[] = [];
  const faults: Record<string, Fault[]> = { sts: [], ecr: [], oidc: [] };
  const repositories: AwsServer['repositories'] = new Map();
  for (const name of options.repositories ?? []) {
    repositories.set(name, { createdAt: Date.now() / 1000, immutable: true, scanOnPush: true });
  }

  const mintToken = (claims: Record<string, unknown> = {}): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', kid: 'harness' };
    const payload = {
      jti: randomUUID(),
      sub: config.subject,
      aud: config.audience,
      ref: 'refs/heads/main',
      sha: 'a'.repeat(40),
      repository: 'org/app',
      repository_owner: 'org',
      event_name: 'push',
      ref_type: 'branch',
      iss: config.issuer,
      nbf: now - 5,
      iat: now - 5,
      exp: now + config.tokenTtlSeconds,
      ...claims,
    };
    const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    // Not RS256 really: an HMAC only this server can check, so tampered tokens are refused.
    return `${unsigned}.${createHmac('sha256', jwtKey).update(unsigned).digest('base64url')}`;
  };

  const record = (entry: RecordedRequest) => requests.push(entry);

  // ---- OIDC (GitHub's ACTIONS_ID_TOKEN_REQUEST_URL) ----
  const oidc = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry = base('oidc', 'token', req, Buffer.alloc(0), Object.fromEntries(url.searchParams));
    const fault = faults.oidc!.shift();
    if (fault) {
      return sendJson(res, entry, fault.status, { message: fault.message ?? fault.code }, fault.code);
    }
    if (req.method !== 'GET' || url.pathname !== '/token') {
      return sendJson(res, entry, 404, { message: 'Not Found' }, 'NotFound');
    }
    if (req.headers.authorization !== `Bearer ${oidcRequestToken}`) {
      return sendJson(res, entry, 401, { message: 'Bad credentials' }, 'Unauthorized');
    }
    const audience = url.searchParams.get('audience') ?? undefined;
    oidcAudiences.push(audience ?? '');
    const token = mintToken({ aud: audience ?? 'https://github.com/org' });
    return sendJson(res, entry, 200, { count: 1, value: token });
  };

  // ---- STS (awsQuery) ----
  const sts = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const entry = base('sts', form.Action ?? '(none)', req, body, form);
    const error = (
      status: number,
      code: string,
      message: string,
      type = status >= 500 ? 'Receiver' : 'Sender',
    ) =>
      sendXml(
        res,
        entry,
        status,
        `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${xml(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
        code,
      );
    if (req.method !== 'POST') return error(400, 'InvalidAction', 'Only POST is supported here');
    const fault = faults.sts!.shift();
    if (fault) return error(fault.status, fault.code, fault.message ?? fault.code);
    if (form.Action !== 'AssumeRoleWithWebIdentity') {
      return error(
        400,
        'InvalidAction',
        `Could not find operation ${form.Action} for version ${form.Version}`,
      );
    }
    if (form.Version !== '2011-06-15') {
      return error(400, 'InvalidAction', `Unsupported version ${form.Version}`);
    }
    for (const name of ['RoleArn', 'RoleSessionName', 'WebIdentityToken']) {
      if (!form[name]) {
        return error(400, 'MissingParameter', `The request must contain the parameter ${name}`);
      }
    }
    const sessionName = form.RoleSessionName!;
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      return error(
        400,
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const duration = form.DurationSeconds ? Number(form.DurationSeconds) : 3600;
    if (!(duration >= 900 && duration <= 43200)) {
      return error(
        400,
        'ValidationError',
        `1 validation error detected: Value '${form.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint`,
      );
    }
    if (duration > 3600) {
      return error(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const token = form.WebIdentityToken!;
    const claims = verifyJwt(token, jwtKey);
    if (!claims) {
      return error(
        400,
        'InvalidIdentityToken',
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      );
    }
    if (claims.iss !== config.issuer) {
      return error(
        400,
        'InvalidIdentityToken',
        `No OpenIDConnect provider found in your account for ${claims.iss}`,
      );
    }
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!auds.includes(config.audience)) {
      return error(400, 'InvalidIdentityToken', 'Incorrect token audience');
    }
    const now = Date.now();
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) {
      return error(
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${new Date(now).toISOString()} must be before the expiration date/time ${new Date(Number(claims.exp) * 1000).toISOString()}`,
      );
    }
    const trusted = (config.trustedSubjects ?? [config.subject]).some((pattern) =>
      like(pattern, String(claims.sub)),
    );
    if (form.RoleArn !== config.roleArn || !trusted) {
      return error(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    const issued: IssuedCredentials = {
      accessKeyId: `ASIA${randomKey(16)}`,
      secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(Math.floor(now / 1000) * 1000 + duration * 1000),
      roleArn: form.RoleArn!,
      sessionName,
      subject: String(claims.sub),
    };
    issuedCredentials.push(issued);
    const roleName = form.RoleArn!.split('/').pop();
    return sendXml(
      res,
      entry,
      200,
      `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xml(String(claims.sub))}</SubjectFromWebIdentityToken>
    <Audience>${xml(config.audience)}</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${config.accountId}:assumed-role/${xml(roleName ?? 'role')}/${xml(sessionName)}</Arn>
      <AssumedRoleId>AROA${randomKey(17)}:${xml(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>
    </Credentials>
    <Provider>${xml(config.issuer.replace(/^https:\/\//, ''))}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`,
    );
  };

  // ---- ECR (awsJson1_1) ----
  const ecr = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^AmazonEC2ContainerRegistry_V20150921\./, '');
    let params: Record<string, unknown> = {};
    try {
      params = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      params = {};
    }
    const entry = base('ecr', operation, req, body, params);
    const error = (status: number, code: string, message: string) =>
      sendJson(res, entry, status, { __type: code, message }, code, { 'x-amzn-errortype': code });

    entry.signature = verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
      { service: 'ecr', region: config.region, secretFor },
    );
    const signature = entry.signature;
    if (!signature.valid) {
      const status = signature.errorCode === 'MissingAuthenticationToken' ? 403 : 400;
      return error(status, `${signature.errorCode}Exception`, signature.reason ?? 'invalid signature');
    }
    const session = issuedCredentials.find((c) => c.accessKeyId === signature.accessKeyId);
    if (session) {
      if (req.headers['x-amz-security-token'] !== session.sessionToken) {
        return error(
          400,
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      }
      if (session.expiration.getTime() <= Date.now()) {
        return error(400, 'ExpiredTokenException', 'The security token included in the request is expired');
      }
    }
    if (
      req.method !== 'POST' ||
      !String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')
    ) {
      return error(400, 'SerializationException', 'Expected application/x-amz-json-1.1');
    }
    const fault = faults.ecr!.shift();
    if (fault) return error(fault.status, fault.code, fault.message ?? fault.code);
    const ok = (payload: unknown) => sendJson(res, entry, 200, payload);
    const notFound = (name: string) =>
      error(
        400,
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${config.accountId}'`,
      );
    const describeRepo = (name: string) => {
      const repo = repositories.get(name)!;
      return {
        repositoryArn: `arn:aws:ecr:${config.region}:${config.accountId}:repository/${name}`,
        registryId: config.accountId,
        repositoryName: name,
        repositoryUri: `${config.proxyEndpoint.replace(/^https?:\/\//, '')}/${name}`,
        createdAt: repo.createdAt,
        imageTagMutability: repo.immutable ? 'IMMUTABLE' : 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
        encryptionConfiguration: { encryptionType: 'AES256' },
      };
    };

    switch (operation) {
      case 'GetAuthorizationToken': {
        const password = config.registry?.ecrPassword ?? randomBytes(24).toString('base64url');
        return ok({
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
              expiresAt: Date.now() / 1000 + 12 * 3600,
              proxyEndpoint: config.proxyEndpoint,
            },
          ],
        });
      }
      case 'DescribeRepositories': {
        const names = (params.repositoryNames as string[] | undefined) ?? [...repositories.keys()];
        for (const name of names) if (!repositories.has(name)) return notFound(name);
        return ok({ repositories: names.map(describeRepo) });
      }
      case 'CreateRepository': {
        const name = String(params.repositoryName ?? '');
        if (!/^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)) {
          return error(
            400,
            'InvalidParameterException',
            `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
          );
        }
        if (repositories.has(name)) {
          return error(
            400,
            'RepositoryAlreadyExistsException',
            `The repository with name '${name}' already exists in the registry with id '${config.accountId}'`,
          );
        }
        const scanning = params.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
        repositories.set(name, {
          createdAt: Date.now() / 1000,
          immutable: params.imageTagMutability === 'IMMUTABLE',
          scanOnPush: scanning?.scanOnPush ?? false,
        });
        return ok({ repository: describeRepo(name) });
      }
      case 'DescribeImages':
      case 'BatchGetImage': {
        const name = String(params.repositoryName ?? '');
        if (!repositories.has(name)) return notFound(name);
        let ids = (params.imageIds as { imageTag?: string; imageDigest?: string }[] | undefined) ?? [];
        if (ids.length === 0) ids = (await registryTags(config, name)).map((imageTag) => ({ imageTag }));
        const found: ImageFound[] = [];
        const missing: { imageTag?: string; imageDigest?: string }[] = [];
        for (const id of ids) {
          const image = await registryImage(config, name, id.imageDigest ?? id.imageTag ?? '');
          if (image) found.push({ ...image, tag: id.imageTag });
          else missing.push(id);
        }
        if (operation === 'BatchGetImage') {
          return ok({
            images: found.map((i) => ({
              registryId: config.accountId,
              repositoryName: name,
              imageId: { imageDigest: i.digest, ...(i.tag ? { imageTag: i.tag } : {}) },
              imageManifest: i.manifest,
              imageManifestMediaType: i.mediaType,
            })),
            failures: missing.map((id) => ({
              imageId: id,
              failureCode: 'ImageNotFound',
              failureReason: 'Requested image not found',
            })),
          });
        }
        if (missing.length > 0) {
          const id = missing[0]!;
          return error(
            400,
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${config.accountId}'`,
          );
        }
        return ok({
          imageDetails: found.map((i) => ({
            registryId: config.accountId,
            repositoryName: name,
            imageDigest: i.digest,
            imageTags: i.tag ? [i.tag] : [],
            imageSizeInBytes: i.size,
            imagePushedAt: Date.now() / 1000,
            imageManifestMediaType: i.mediaType,
            ...(i.artifactMediaType ? { artifactMediaType: i.artifactMediaType } : {}),
          })),
        });
      }
      default:
        return error(400, 'UnknownOperationException', `Unknown operation ${target}`);
    }
  };

  const secretFor = (accessKeyId: string): string | undefined => {
    const issued = issuedCredentials.find((c) => c.accessKeyId === accessKeyId);
    if (issued) return issued.secretAccessKey;
    if (config.staticCredentials?.accessKeyId === accessKeyId) {
      return config.staticCredentials.secretAccessKey;
    }
    return undefined;
  };

  const base = (
    service: RecordedRequest['service'],
    operation: string,
    req: IncomingMessage,
    body: Buffer,
    params: Record<string, unknown>,
  ): RecordedRequest => {
    const entry: RecordedRequest = {
      service,
      operation,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: { ...req.headers },
      body: body.toString('utf8'),
      params,
      status: 0,
    };
    record(entry);
    return entry;
  };

  const [stsServer, ecrServer, oidcServer] = await Promise.all([listen(sts), listen(ecr), listen(oidc)]);
  const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stsUrl = urlOf(stsServer);
  const ecrUrl = urlOf(ecrServer);
  const oidcUrl = `${urlOf(oidcServer)}/token?api-version=2.0`;

  return {
    stsUrl,
    ecrUrl,
    oidcUrl,
    oidcRequestToken,
    config,
    requests,
    issuedCredentials,
    oidcAudiences,
    repositories,
    failNext: (service, fault) => faults[service]!.push(fault),
    mintToken,
    async idToken(audience) {
      const res = await fetch(`${oidcUrl}&audience=${encodeURIComponent(audience)}`, {
        headers: { authorization: `Bearer ${oidcRequestToken}`, accept: 'application/json' },
      });
      if (!res.ok) throw new Error(`OIDC token request failed: ${res.status}`);
      return ((await res.json()) as { value: string }).value;
    },
    env: () => ({
      AWS_ENDPOINT_URL_STS: stsUrl,
      AWS_ENDPOINT_URL_ECR: ecrUrl,
      AWS_REGION: config.region,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken,
    }),
    async stop() {
      await Promise.all([stsServer, ecrServer, oidcServer].map(close));
    },
  };
}

interface ImageFound {
  digest: string;
  mediaType: string;
  manifest: string;
  size: number;
  artifactMediaType?: string;
  tag?: string;
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

function registryHeaders(config: AwsServerConfig): Record<string, string> {
  const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
  if (config.registry?.ecrPassword) {
    headers.authorization = `Basic ${Buffer.from(`AWS:${config.registry.ecrPassword}`).toString('base64')}`;
  }
  return headers;
}

/** Reads `name:ref` from the real registry (independently of the client under test). */
async function registryImage(
  config: AwsServerConfig,
  name: string,
  ref: string,
): Promise<ImageFound | undefined> {
  if (!config.registry || !ref) return undefined;
  const res = await fetch(`http://${config.registry.host}/v2/${name}/manifests/${ref}`, {
    headers: registryHeaders(config),
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) throw new Error(`harness registry answered ${res.status} for ${name}:${ref}`);
  const manifest = await res.text();
  const body = JSON.parse(manifest) as {
    mediaType?: string;
    config?: { size?: number; mediaType?: string };
    layers?: { size?: number }[];
  };
  const size = (body.config?.size ?? 0) + (body.layers ?? []).reduce((sum, l) => sum + (l.size ?? 0), 0);
  const artifact = body.config?.mediaType;
  return {
    digest: res.headers.get('docker-content-digest') ?? '',
    mediaType: res.headers.get('content-type') ?? body.mediaType ?? '',
    manifest,
    size,
    artifactMediaType: artifact && !/image\.config|container\.image/.test(artifact) ? artifact : undefined,
  };
}

async function registryTags(config: AwsServerConfig, name: string): Promise<string[]> {
  if (!config.registry) return [];
  const res = await fetch(`http://${config.registry.host}/v2/${name}/tags/list`, {
    headers: registryHeaders(config),
  });
  if (!res.ok) {
    await res.body?.cancel();
    return [];
  }
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;

function listen(handler: Handler): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`harness error: ${(error as Error).message}`);
      });
    });
  });
  // Long, like AWS: a client that only exits once idle connections close would show up as slow.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function sendXml(
  res: ServerResponse,
  entry: RecordedRequest,
  status: number,
  body: string,
  errorCode?: string,
) {
  entry.status = status;
  entry.errorCode = errorCode;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'x-amzn-requestid': randomUUID(),
    date: new Date().toUTCString(),
  });
  res.end(body);
}

function sendJson(
  res: ServerResponse,
  entry: RecordedRequest,
  status: number,
  payload: unknown,
  errorCode?: string,
  headers: Record<string, string> = {},
) {
  entry.status = status;
  entry.errorCode = errorCode;
  res.writeHead(status, {
    'content-type': entry.service === 'ecr' ? 'application/x-amz-json-1.1' : 'application/json',
    'x-amzn-requestid': randomUUID(),
    date: new Date().toUTCString(),
    ...headers,
  });
  res.end(JSON.stringify(payload));
}

function verifyJwt(token: string, key: Buffer): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest('base64url');
  if (expected !== parts[2]) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** IAM StringLike: `*` any run of characters, `?` one character. */
function like(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function randomKey(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
