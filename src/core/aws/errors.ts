import { isRetryableStatus, isTransientNetworkError } from '../util/retry.ts';

/**
 * An endpoint that is down or black-holed fails within a bounded time: the SDK's HTTP handler
 * gives up connecting after 10 s and waiting for an answer after 20 s, and our retry loop starts
 * no attempt after 40 s (STS and ECR answer in well under a second when they are up).
 */
export const AWS_TIMEOUTS = { connectionTimeout: 10_000, requestTimeout: 20_000 };
export const AWS_RETRY_BUDGET_MS = 40_000;

/** The parts of an AWS SDK v3 service error we classify on (the SDK class is never imported here). */
interface AwsErrorLike {
  name?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * The error code without the SDK's `Exception` suffix, so modeled (`InvalidIdentityTokenException`)
 * and unmodeled (`AccessDenied`) errors compare the same way.
 */
export function awsErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as AwsErrorLike;
  // Plain JS errors are named `Error`/`TypeError`; their `code` (ECONNRESET, …) is not an AWS code.
  const raw = e.name && !/^(Type)?Error$/.test(e.name) ? e.name : e.Code;
  if (!raw) return undefined;
  return raw.replace(/Exception$/, '');
}

export function awsHttpStatus(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  return (error as AwsErrorLike).$metadata?.httpStatusCode;
}

// The SDK's throttling list (docs/design/aws.md#retries) minus LimitExceeded: for ECR that is a quota, and
// waiting does not raise a quota.
const throttlingCodes = new Set([
  'Throttling',
  'Throttled',
  'RequestThrottled',
  'TooManyRequests',
  'RequestLimitExceeded',
  'SlowDown',
  'BandwidthLimitExceeded',
  'EC2Throttled',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceeded',
]);

const serverCodes = new Set(['InternalFailure', 'InternalError', 'ServiceUnavailable', 'Server']);

/** Throttling, 5xx and network errors: the failures a later attempt may not see. */
export function isRetryableAwsError(error: unknown): boolean {
  if (isTransientNetworkError(error)) return true;
  const code = awsErrorCode(error);
  if (code && (throttlingCodes.has(code) || serverCodes.has(code))) return true;
  const status = awsHttpStatus(error);
  if (status !== undefined) return isRetryableStatus(status);
  return (error as AwsErrorLike | undefined)?.$fault === 'server';
}

/** `<SDK error name>: <message>` for logs and messages (the name as the SDK gives it). */
export function describeAwsError(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  const message = e?.message ?? String(error);
  const name = e?.name && !/^(Type)?Error$/.test(e.name) ? e.name : awsErrorCode(error);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}
