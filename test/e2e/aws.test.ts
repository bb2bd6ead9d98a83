import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assumeRoleWithWebIdentity } from '../../src/core/aws/credentials.ts';
import { Ecr } from '../../src/core/aws/ecr.ts';
import { UserError } from '../../src/core/errors.ts';
import { RegistryClient, sha256Digest } from '../../src/core/registry/client.ts';
import { type ResolveRegistryOptions, resolveRegistry } from '../../src/core/registry/target.ts';
import { type AwsServer, startAwsServer } from '../harness/aws-server.ts';
import { RecordingLogger } from '../harness/logger.ts';
import { type RegistryHandle, startRegistry } from '../harness/registry.ts';

let registry: RegistryHandle;
let aws: AwsServer;
const savedEnv = { ...process.env };
const masked: string[] = [];
const log = new RecordingLogger();
const fast = { baseMs: 1, capMs: 2 };

beforeAll(async () => {
  registry = await startRegistry({ auth: true });
  aws = await startAwsServer({
    registry,
    staticCredentials: {
      accessKeyId: 'AKIASTATICEXAMPLE01',
      secretAccessKey: 'static/secret/key/for/the/default/chain',
    },
  });
  // The real SDK finds the local server through the standard variables, and nothing else.
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, aws.env(), {
    AWS_CONFIG_FILE: '/nonexistent/aws/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  await aws?.stop();
  await registry?.stop();
});

afterEach(() => {
  aws.config.trustedSubjects = undefined;
  aws.config.audience = 'sts.amazonaws.com';
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});

function options(overrides: Partial<ResolveRegistryOptions> = {}): ResolveRegistryOptions {
  return {
    registry: '',
    registryUsername: '',
    registryPassword: '',
    awsRegion: 'eu-west-1',
    roleToAssume: aws.config.roleArn,
    roleSessionName: 'gha-42',
    audience: 'sts.amazonaws.com',
    idToken: (audience) => aws.idToken(audience),
    mask: (value) => void masked.push(value),
    log,
    ...overrides,
  };
}

const since = (mark: number, service?: string) =>
  aws.requests.slice(mark).filter((r) => !service || r.service === service);

describe('OIDC -> STS -> ECR -> registry with the real AWS SDK', () => {
  it('assumes the role with the OIDC token, signs ECR calls with the STS keys, and pushes with ECR credentials', async () => {
    const mark = aws.requests.length;
    const target = await resolveRegistry(options());

    // OIDC: GitHub-style request with the audience.
    const [oidc, sts] = [since(mark, 'oidc'), since(mark, 'sts')];
    expect(oidc).toHaveLength(1);
    expect(oidc[0]!.params.audience).toBe('sts.amazonaws.com');
    expect(oidc[0]!.headers.authorization).toBe(`Bearer ${aws.oidcRequestToken}`);

    // STS: unsigned awsQuery call carrying role, session and the very token the platform returned.
    expect(sts).toHaveLength(1);
    expect(sts[0]!.status).toBe(200);
    expect(sts[0]!.headers.authorization).toBeUndefined();
    expect(sts[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sts[0]!.params).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: aws.config.roleArn,
      RoleSessionName: 'gha-42',
    });
    const jwt = String(sts[0]!.params.WebIdentityToken);
    expect(JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())).toMatchObject({
      aud: 'sts.amazonaws.com',
    });

    // ECR: every call signed (SigV4 verified) with the keys STS issued, session token attached.
    const issued = aws.issuedCredentials.at(-1)!;
    const ecrCalls = since(mark, 'ecr');
    expect(ecrCalls.map((r) => r.operation)).toEqual(['GetAuthorizationToken']);
    for (const call of ecrCalls) {
      expect(call.signature).toMatchObject({
        valid: true,
        accessKeyId: issued.accessKeyId,
        service: 'ecr',
        region: 'eu-west-1',
      });
      expect(call.headers['x-amz-security-token']).toBe(issued.sessionToken);
      expect(call.headers['x-amz-target']).toBe('AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
    }

    expect(target.host).toBe(registry.host);
    expect(target.username).toBe('AWS');
    expect(target.password).toBe(registry.ecrPassword);
    const token = Buffer.from(`AWS:${registry.ecrPassword}`).toString('base64');
    expect(masked).toEqual(
      expect.arrayContaining([registry.ecrPassword, token, issued.secretAccessKey, issued.sessionToken]),
    );

    // The ECR credentials work on the registry; ECR then sees the pushed tag.
    const ecr = target.ecr!;
    expect(await ecr.createRepository('team/app')).toBe(true);
    expect(await ecr.createRepository('team/app')).toBe(false);
    expect(await ecr.repositoryExists('team/app')).toBe(true);
    expect(await ecr.repositoryExists('team/other')).toBe(false);
    expect(aws.repositories.get('team/app')).toMatchObject({ immutable: true, scanOnPush: true });
    const client = new RegistryClient(target.host, target, { logger: log });
    const config = await client.uploadBlob(
      'team/app',
      Buffer.from('{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}'),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [],
      }),
    );
    const digest = await client.putManifest(
      'team/app',
      '1700000000-abcdef0',
      manifest,
      'application/vnd.oci.image.manifest.v1+json',
    );
    expect(digest).toBe(sha256Digest(manifest));

    for (const call of since(mark, 'ecr')) {
      expect(call.signature?.valid).toBe(true);
      expect(call.signature?.accessKeyId).toBe(issued.accessKeyId);
    }
  });

  it('uses the registry input as host when given', async () => {
    const target = await resolveRegistry(options({ registry: `http://${registry.host}/` }));
    expect(target.host).toBe(registry.host);
  });

  it('without aws-region, an ECR registry host gives the region; role-duration-seconds reaches STS', async () => {
    const mark = aws.requests.length;
    const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    const target = await resolveRegistry(options({ awsRegion: '', registry: host, durationSeconds: 1800 }));
    expect(target.host).toBe(host);
    expect(since(mark, 'sts')[0]!.params.DurationSeconds).toBe('1800');
    expect(aws.issuedCredentials.at(-1)!.expiration.getTime() - Date.now()).toBeGreaterThan(1700_000);
    expect(since(mark, 'ecr')[0]!.signature).toMatchObject({ valid: true, region: 'eu-west-1' });
  });

  it('AccessDenied: one STS call, no retry, and a message with the decoded claims (never the token)', async () => {
    aws.config.trustedSubjects = ['repo:org/app:environment:prod'];
    const mark = aws.requests.length;
    const error = await resolveRegistry(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain(
      `STS AssumeRoleWithWebIdentity for role ${aws.config.roleArn} failed: AccessDenied`,
    );
    expect(message).toContain('sub "repo:org/app:ref:refs/heads/main"');
    expect(message).toContain('aud "sts.amazonaws.com"');
    expect(message).toContain('iss "https://token.actions.githubusercontent.com"');
    expect(message).toContain('"token.actions.githubusercontent.com:sub"');
    expect(message).toContain('repo:<owner>@<ownerId>/<repo>@<repoId>');
    const sts = since(mark, 'sts');
    expect(sts).toHaveLength(1);
    expect(sts[0]!.errorCode).toBe('AccessDenied');
    expect(message).not.toContain(String(sts[0]!.params.WebIdentityToken).split('.')[1]);
    expect(since(mark, 'ecr')).toHaveLength(0);
  });

  it('wrong audience: InvalidIdentityToken names the audience input', async () => {
    const mark = aws.requests.length;
    const error = await resolveRegistry(options({ audience: 'sts.amazonaws.com.cn' })).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('InvalidIdentityToken');
    expect((error as Error).message).toContain(`The token's aud "sts.amazonaws.com.cn"`);
    expect(aws.oidcAudiences.at(-1)).toBe('sts.amazonaws.com.cn');
    expect(since(mark, 'sts')).toHaveLength(1);
  });

  it('a wrong role ARN never reaches the network', async () => {
    const mark = aws.requests.length;
    await expect(
      resolveRegistry(options({ roleToAssume: 'arn:aws:iam::123:role/ci' })),
    ).rejects.toMatchObject({
      input: 'role-to-assume',
    });
    expect(aws.requests.length).toBe(mark);
  });

  it('registry-username skips AWS entirely', async () => {
    const mark = aws.requests.length;
    const target = await resolveRegistry(
      options({
        registry: registry.host,
        registryUsername: registry.username,
        registryPassword: registry.password,
      }),
    );
    expect(target).toEqual({ host: registry.host, username: registry.username, password: registry.password });
    expect(aws.requests.length).toBe(mark);
  });
});

describe('STS retry policy (docs/design/aws.md#retries)', () => {
  const assume = (token: () => Promise<string>, attempts = 4) =>
    assumeRoleWithWebIdentity({
      roleArn: aws.config.roleArn,
      sessionName: 'retry-test',
      region: 'eu-west-1',
      audience: 'sts.amazonaws.com',
      token,
      log,
      retry: { ...fast, attempts },
    });

  it('retries throttling, 5xx and IDPCommunicationError, with a fresh token each attempt', async () => {
    aws.failNext('sts', { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    aws.failNext('sts', { status: 503, code: 'ServiceUnavailable' });
    aws.failNext('sts', {
      status: 400,
      code: 'IDPCommunicationError',
      message: 'could not reach the issuer',
    });
    const mark = aws.requests.length;
    let fetched = 0;
    const credentials = await assume(async () => {
      fetched++;
      return aws.idToken('sts.amazonaws.com');
    });
    const sts = since(mark, 'sts');
    expect(sts.map((r) => r.status)).toEqual([400, 503, 400, 200]);
    expect(fetched).toBe(4);
    expect(new Set(sts.map((r) => r.params.WebIdentityToken)).size).toBe(4);
    expect(credentials.accessKeyId).toBe(aws.issuedCredentials.at(-1)!.accessKeyId);
    expect(credentials.expiration).toBeInstanceOf(Date);
  });

  it('retries ExpiredToken exactly once with a fresh token', async () => {
    aws.failNext('sts', { status: 400, code: 'ExpiredTokenException', message: 'Token expired' });
    const mark = aws.requests.length;
    await assume(() => aws.idToken('sts.amazonaws.com'));
    expect(since(mark, 'sts').map((r) => r.status)).toEqual([400, 200]);

    aws.failNext('sts', { status: 400, code: 'ExpiredTokenException', message: 'Token expired' });
    aws.failNext('sts', { status: 400, code: 'ExpiredTokenException', message: 'Token expired' });
    const mark2 = aws.requests.length;
    const error = await assume(() => aws.idToken('sts.amazonaws.com')).catch((e: unknown) => e);
    expect(since(mark2, 'sts')).toHaveLength(2);
    expect((error as Error).message).toMatch(/fetched at .* used at/);
  });

  it('really expired tokens are refused by the server as ExpiredTokenException', async () => {
    const mark = aws.requests.length;
    const error = await assume(async () => aws.mintToken({ exp: Math.floor(Date.now() / 1000) - 60 })).catch(
      (e: unknown) => e,
    );
    expect(since(mark, 'sts').map((r) => r.errorCode)).toEqual([
      'ExpiredTokenException',
      'ExpiredTokenException',
    ]);
    expect(error).toBeInstanceOf(UserError);
  });

  it('gives up after the attempts on a persistent outage', async () => {
    for (let i = 0; i < 3; i++) aws.failNext('sts', { status: 500, code: 'InternalFailure' });
    const mark = aws.requests.length;
    const error = await assume(() => aws.idToken('sts.amazonaws.com'), 3).catch((e: unknown) => e);
    expect(since(mark, 'sts')).toHaveLength(3);
    expect(error).not.toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('after 3 attempts');
  });

  it('never retries IDPRejectedClaim', async () => {
    aws.failNext('sts', { status: 403, code: 'IDPRejectedClaim', message: 'claim rejected' });
    const mark = aws.requests.length;
    await expect(assume(() => aws.idToken('sts.amazonaws.com'))).rejects.toThrow(/IDPRejectedClaim/);
    expect(since(mark, 'sts')).toHaveLength(1);
  });
});

describe('ECR with the default credential chain', () => {
  it('signs with the keys from the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = aws.config.staticCredentials!.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = aws.config.staticCredentials!.secretAccessKey;
    const mark = aws.requests.length;
    const target = await resolveRegistry(options({ roleToAssume: '' }));
    expect(target.password).toBe(registry.ecrPassword);
    expect(since(mark, 'sts')).toHaveLength(0);
    expect(since(mark, 'ecr')[0]!.signature).toMatchObject({
      valid: true,
      accessKeyId: 'AKIASTATICEXAMPLE01',
    });
  });

  it('reports a bad signature as a user error', async () => {
    process.env.AWS_ACCESS_KEY_ID = aws.config.staticCredentials!.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-right-secret';
    const error = await resolveRegistry(options({ roleToAssume: '' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('ECR rejected the request signature');
  });

  it('retries an ECR throttle, and never a quota', async () => {
    process.env.AWS_ACCESS_KEY_ID = aws.config.staticCredentials!.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = aws.config.staticCredentials!.secretAccessKey;
    const ecr = new Ecr({ region: 'eu-west-1', log, retry: fast });
    aws.failNext('ecr', { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' });
    const mark = aws.requests.length;
    expect(await ecr.repositoryExists('team/app')).toBe(true);
    expect(since(mark, 'ecr').map((r) => r.status)).toEqual([400, 200]);

    aws.failNext('ecr', { status: 400, code: 'LimitExceededException', message: 'repository quota reached' });
    const mark2 = aws.requests.length;
    await expect(ecr.createRepository('team/new')).rejects.toThrow(
      /LimitExceededException: repository quota reached/,
    );
    expect(since(mark2, 'ecr')).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('no secret appears in any captured log line', () => {
    const text = log.text();
    expect(text).toContain('Assuming role');
    const secrets = [
      registry.ecrPassword,
      Buffer.from(`AWS:${registry.ecrPassword}`).toString('base64'),
      registry.password,
      aws.oidcRequestToken,
      aws.config.staticCredentials!.secretAccessKey,
      ...aws.issuedCredentials.flatMap((c) => [c.secretAccessKey, c.sessionToken]),
      ...aws.requests.filter((r) => r.service === 'sts').map((r) => String(r.params.WebIdentityToken)),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
