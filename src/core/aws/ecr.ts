import type { ECRClient } from '@aws-sdk/client-ecr';
import { setting, UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { awsRequestHandler } from '../net/aws.ts';
import { type RetryOptions, retry } from '../util/retry.ts';
import type { AwsCredentials } from './credentials.ts';
import {
  AWS_RETRY_BUDGET_MS,
  AWS_TIMEOUTS,
  awsErrorCode,
  describeAwsError,
  isRetryableAwsError,
} from './errors.ts';

export interface EcrOptions {
  region: string;
  /** Undefined: the SDK's default provider chain. */
  credentials?: AwsCredentials;
  log?: Logger;
  /** Called with the registry password (and the raw token) before anything else sees them. */
  mask?: (secret: string) => void;
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'baseMs' | 'capMs' | 'sleep'>>;
}

export interface EcrAuthorization {
  /** Registry host without scheme, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com. */
  host: string;
  username: 'AWS';
  password: string;
  expiresAt: Date;
}

type EcrModule = typeof import('@aws-sdk/client-ecr');

/** Starts loading the ECR SDK, so that it compiles while another call (STS) is on the network. */
export function preloadEcrSdk(): void {
  import('@aws-sdk/client-ecr').catch(() => {}); // a failure shows again on first use
}

/** The few ECR calls the actions need, with retries and messages a user can act on. */
export class Ecr {
  private sdk?: Promise<{ mod: EcrModule; client: ECRClient }>;
  private readonly log: Logger;

  constructor(private readonly options: EcrOptions) {
    this.log = options.log ?? silentLogger;
  }

  async authorization(): Promise<EcrAuthorization> {
    const out = await this.send('GetAuthorizationToken', undefined, (c, m) =>
      c.send(new m.GetAuthorizationTokenCommand({})),
    );
    const data = out?.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
      throw new Error('ECR GetAuthorizationToken returned no authorization data');
    }
    this.options.mask?.(data.authorizationToken);
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = decoded.slice(colon + 1);
    this.options.mask?.(password);
    if (colon < 0 || !password) {
      throw new Error('ECR returned an authorization token that is not user:password');
    }
    return {
      host: data.proxyEndpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, ''),
      username: 'AWS',
      password,
      expiresAt: data.expiresAt ?? new Date(Date.now() + 12 * 3600_000),
    };
  }

  async repositoryExists(name: string): Promise<boolean> {
    const out = await this.send(
      'DescribeRepositories',
      name,
      (c, m) => c.send(new m.DescribeRepositoriesCommand({ repositoryNames: [name] })),
      'RepositoryNotFound',
    );
    return out !== undefined;
  }

  /** Returns true when created, false when it already existed (a lost race counts as success). */
  async createRepository(
    name: string,
    settings: { immutable?: boolean; scanOnPush?: boolean } = {},
  ): Promise<boolean> {
    const out = await this.send(
      'CreateRepository',
      name,
      (c, m) =>
        c.send(
          new m.CreateRepositoryCommand({
            repositoryName: name,
            imageTagMutability: (settings.immutable ?? true) ? 'IMMUTABLE' : 'MUTABLE',
            imageScanningConfiguration: { scanOnPush: settings.scanOnPush ?? true },
          }),
        ),
      'RepositoryAlreadyExists',
    );
    if (out) this.log.info(`Created ECR repository ${name}`);
    return out !== undefined;
  }

  private client(): Promise<{ mod: EcrModule; client: ECRClient }> {
    // Loaded on first use so that bundles (and runs) without AWS never pay for the SDK.
    this.sdk ??= Promise.all([
      import('@aws-sdk/client-ecr'),
      awsRequestHandler(process.env, AWS_TIMEOUTS),
    ]).then(([mod, requestHandler]) => ({
      mod,
      client: new mod.ECRClient({
        region: this.options.region,
        credentials: this.options.credentials,
        // Ours is the only retry loop: the SDK's would also retry LimitExceeded, a quota.
        maxAttempts: 1,
        requestHandler: requestHandler ?? AWS_TIMEOUTS,
      }),
    }));
    return this.sdk;
  }

  /** Runs one call with retries. `expected` is an error code that means "no result", not failure. */
  private async send<T>(
    operation: string,
    repository: string | undefined,
    fn: (client: ECRClient, mod: EcrModule) => Promise<T>,
    expected?: string,
  ): Promise<T | undefined> {
    const { mod, client } = await this.client();
    const attempts = this.options.retry?.attempts ?? 4;
    try {
      return await retry(() => fn(client, mod), {
        attempts,
        baseMs: this.options.retry?.baseMs ?? 500,
        capMs: this.options.retry?.capMs ?? 10_000,
        budgetMs: AWS_RETRY_BUDGET_MS,
        sleep: this.options.retry?.sleep,
        retryable: isRetryableAwsError,
        onRetry: (error, attempt, delay) =>
          this.log.warning(
            `ECR ${operation} attempt ${attempt}/${attempts} failed (${describeAwsError(error)}); retrying in ${delay} ms`,
          ),
      });
    } catch (error) {
      if (expected && awsErrorCode(error) === expected) return undefined;
      throw ecrError(operation, repository, this.options.region, error);
    }
  }
}

/** Wraps an SDK error in one the user can act on; the SDK error stays reachable as `cause`. */
export function ecrError(
  operation: string,
  repository: string | undefined,
  region: string,
  error: unknown,
): Error {
  const code = awsErrorCode(error);
  const detail = describeAwsError(error);
  const what = repository ? `'${repository}'` : `the registry in ${region}`;
  switch (code) {
    case 'RepositoryNotFound':
      return new UserError(
        `ECR repository '${repository}' does not exist in ${region}. Create it (aws ecr create-repository ` +
          `--repository-name ${repository}), or set ${setting('create-repository', 'true')} where the action has it.`,
        { cause: error },
      );
    case 'AccessDenied':
      return new UserError(
        `ECR denied ecr:${operation} on ${what}: ${detail}. Grant ecr:${operation} to the role or credentials in use.`,
        { cause: error },
      );
    case 'UnrecognizedClient':
    case 'ExpiredToken':
      return new UserError(`ECR rejected the AWS credentials: ${detail}`, { cause: error });
    case 'InvalidSignature':
    case 'SignatureDoesNotMatch':
      return new UserError(
        `ECR rejected the request signature for ${what}: ${detail}. If the signature expired, the runner's clock is off ` +
          `(local time ${new Date().toISOString()}).`,
        { cause: error },
      );
    case 'CredentialsProviderError':
      return new UserError(
        `No AWS credentials found: set ${setting('role-to-assume')}, or provide credentials the AWS SDK finds by itself ` +
          `(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE, a profile or an instance role). ${detail}`,
        { cause: error },
      );
    case 'LimitExceeded':
    case 'InvalidParameter':
    case 'InvalidTagParameter':
    case 'TooManyTags':
    case 'Validation':
    case 'Kms':
      return new UserError(`ECR ${operation} on ${what} failed: ${detail}`, { cause: error });
    default:
      return new Error(`ECR ${operation} on ${what} failed: ${detail}`, { cause: error });
  }
}
