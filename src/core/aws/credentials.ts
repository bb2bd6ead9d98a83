import { InputError, UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { awsRequestHandler } from '../net/aws.ts';
import { type RetryOptions, retry } from '../util/retry.ts';
import {
  AWS_RETRY_BUDGET_MS,
  AWS_TIMEOUTS,
  awsErrorCode,
  awsHttpStatus,
  describeAwsError,
  isRetryableAwsError,
} from './errors.ts';
import { stsFailureMessage } from './oidc-messages.ts';

/** Temporary (or static) AWS keys, in the shape the SDK clients accept as `credentials`. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

const roleArnPattern =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\x21-\x2e\x30-\x7e]+\/)*)([\w+=,.@-]{1,64})$/;

/** Returns the trimmed ARN, or throws an InputError that says what is wrong with it. */
export function validateRoleArn(arn: string): string {
  const value = arn.trim();
  if (roleArnPattern.test(value)) return value;
  const expected = 'expected arn:aws:iam::<12-digit account id>:role/<name> (or role/<path>/<name>)';
  let why = 'is not an IAM role ARN';
  if (/^[\w+=,.@-]+$/.test(value)) why = 'is a role name, not a role ARN';
  else if (/^arn:[^:]+:sts::/.test(value)) why = 'is an STS assumed-role ARN; use the IAM role ARN';
  else if (/^arn:[^:]*:iam::[^:]*:/.test(value) && !/^arn:[^:]*:iam::\d{12}:/.test(value)) {
    why = 'has an account id that is not 12 digits (quote it in YAML so leading zeros survive)';
  } else if (/^arn:[^:]*:iam::\d{12}:(user|group|policy|oidc-provider)\//.test(value)) {
    why = 'names an IAM resource that is not a role';
  } else if (/^arn:(?!aws:|aws-cn:|aws-us-gov:)/.test(value)) why = 'has an unknown partition';
  throw new InputError('role-to-assume', `"${value}" ${why}; ${expected}.`);
}

export interface AssumeRoleOptions {
  roleArn: string;
  sessionName: string;
  region: string;
  /** Returns a new OIDC token. Called once per STS attempt: tokens are short-lived. */
  token: () => Promise<string>;
  /** The audience the token was requested for; only used to explain failures. */
  audience?: string;
  log?: Logger;
  durationSeconds?: number;
  /** Tuning of the retry loop (defaults: 4 attempts, full jitter from 500 ms, capped at 10 s). */
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'baseMs' | 'capMs' | 'sleep'>>;
}

/** How the STS loop treats an error. */
export type StsErrorClass = 'retry' | 'fresh-token-once' | 'fatal';

export function classifyStsError(error: unknown): StsErrorClass {
  const code = awsErrorCode(error);
  if (code === 'ExpiredToken') return 'fresh-token-once';
  if (code === 'IDPCommunicationError') return 'retry';
  if (code && fatalStsCodes.has(code)) return 'fatal';
  if (error instanceof UserError) return 'fatal';
  return isRetryableAwsError(error) ? 'retry' : 'fatal';
}

const fatalStsCodes = new Set([
  'AccessDenied',
  'InvalidIdentityToken',
  'IDPRejectedClaim',
  'MalformedPolicyDocument',
  'PackedPolicyTooLarge',
  'RegionDisabled',
  'ValidationError',
]);

/**
 * Exchanges the platform's OIDC token for temporary credentials (STS AssumeRoleWithWebIdentity,
 * an unsigned call). Ours is the only retry loop: the SDK's is switched off so that every attempt
 * carries a freshly requested token.
 */
export async function assumeRoleWithWebIdentity(options: AssumeRoleOptions): Promise<AwsCredentials> {
  const roleArn = validateRoleArn(options.roleArn);
  const sessionName = options.sessionName.trim();
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new InputError(
      'role-session-name',
      `"${sessionName}" must be 2-64 characters of letters, digits and +=,.@_-.`,
    );
  }
  const log = options.log ?? silentLogger;
  // The first token is requested while the SDK loads: its round trip overlaps the module compile.
  const firstToken = options.token();
  firstToken.catch(() => {}); // awaited in the first attempt; a failure is handled there
  const [{ STSClient, AssumeRoleWithWebIdentityCommand }, requestHandler] = await Promise.all([
    import('@aws-sdk/client-sts'),
    awsRequestHandler(process.env, AWS_TIMEOUTS),
  ]);
  const client = new STSClient({
    region: options.region,
    maxAttempts: 1,
    requestHandler: requestHandler ?? AWS_TIMEOUTS,
  });
  const attempts = options.retry?.attempts ?? 4;
  let expiredRetried = false;
  let last: { token?: string; fetchedAt?: Date; usedAt?: Date; attempt: number } = { attempt: 0 };
  let phase: 'token' | 'sts' = 'token';

  log.info(`Assuming role ${roleArn} with the OIDC token (session ${sessionName})`);
  try {
    const out = await retry(
      async (attempt) => {
        last = { attempt };
        phase = 'token';
        const token = await (attempt === 1 ? firstToken : options.token());
        phase = 'sts';
        last = { token, fetchedAt: new Date(), attempt };
        last.usedAt = new Date();
        return client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            WebIdentityToken: token,
            DurationSeconds: options.durationSeconds,
          }),
        );
      },
      {
        attempts,
        baseMs: options.retry?.baseMs ?? 500,
        capMs: options.retry?.capMs ?? 10_000,
        budgetMs: AWS_RETRY_BUDGET_MS,
        sleep: options.retry?.sleep,
        retryable: (error) => {
          const kind = classifyStsError(error);
          if (kind === 'fresh-token-once' && !expiredRetried) {
            expiredRetried = true;
            return true;
          }
          return kind === 'retry';
        },
        onRetry: (error, attempt, delay) =>
          log.warning(
            `STS attempt ${attempt}/${attempts} failed (${describeAwsError(error)}); retrying in ${delay} ms with a new token`,
          ),
      },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
    log.info(
      `Assumed ${out.AssumedRoleUser?.Arn ?? roleArn}${c.Expiration ? ` until ${c.Expiration.toISOString()}` : ''}`,
    );
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const suffix = last.attempt > 1 ? ` (after ${last.attempt} attempts)` : '';
    if (awsHttpStatus(error) !== undefined) {
      const message = stsFailureMessage(error, { roleArn, audience: options.audience ?? '', ...last });
      const fatal = classifyStsError(error) !== 'retry';
      if (fatal) throw new UserError(message.replace(/\n/, `${suffix}\n`), { cause: error });
      throw new Error(`${message}${suffix}`, { cause: error });
    }
    const what = phase === 'token' ? 'Could not get the OIDC token' : 'Could not reach STS';
    throw new Error(`${what}${suffix}: ${describeAwsError(error)}`, { cause: error });
  } finally {
    client.destroy();
  }
}

/**
 * Without `role-to-assume`: the SDK's default provider chain (environment keys, the web identity
 * token file as on IRSA runners, SSO/profile, container and instance roles). Returning undefined
 * lets each SDK client resolve that chain itself, lazily.
 */
export function defaultCredentials(): AwsCredentials | undefined {
  return undefined;
}
