import { describe, expect, it, vi } from 'vitest';
import {
  assumeRoleWithWebIdentity,
  classifyStsError,
  validateRoleArn,
} from '../../../src/core/aws/credentials.ts';
import { awsErrorCode, isRetryableAwsError } from '../../../src/core/aws/errors.ts';
import { InputError, UserError } from '../../../src/core/errors.ts';

/** An error shaped like the SDK's: name, $fault, $metadata.httpStatusCode. */
function sdkError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('validateRoleArn', () => {
  it.each([
    'arn:aws:iam::123456789012:role/ci',
    'arn:aws-cn:iam::123456789012:role/ci',
    'arn:aws-us-gov:iam::123456789012:role/ci',
    'arn:aws:iam::012345678901:role/github/actions/deploy',
    'arn:aws:iam::123456789012:role/name+with=all,the.allowed@chars_-',
    `arn:aws:iam::123456789012:role/${'r'.repeat(64)}`,
    '  arn:aws:iam::123456789012:role/ci\n',
  ])('accepts %j', (arn) => {
    expect(validateRoleArn(arn)).toBe(arn.trim());
  });

  it.each([
    ['', /is not an IAM role ARN/],
    ['ci', /is a role name, not a role ARN/],
    ['arn:aws:iam::12345678901:role/ci', /not 12 digits/],
    ['arn:aws:iam::1234567890123:role/ci', /not 12 digits/],
    ['arn:aws:iam::12345678901a:role/ci', /not 12 digits/],
    ['arn:aws:sts::123456789012:assumed-role/ci/session', /assumed-role ARN/],
    ['arn:aws:iam::123456789012:user/ci', /not a role/],
    ['arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com', /not a role/],
    ['arn:azure:iam::123456789012:role/ci', /unknown partition/],
    ['arn:aws:iam::123456789012:role/', /is not an IAM role ARN/],
    ['arn:aws:iam::123456789012:role/has space', /is not an IAM role ARN/],
    [`arn:aws:iam::123456789012:role/${'r'.repeat(65)}`, /is not an IAM role ARN/],
    ['arn:aws:iam:eu-west-1:123456789012:role/ci', /is not an IAM role ARN/],
  ])('rejects %j', (arn, why) => {
    let error: unknown;
    try {
      validateRoleArn(arn);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('role-to-assume');
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toContain('arn:aws:iam::<12-digit account id>:role/<name>');
  });
});

describe('classifyStsError (docs/design/aws.md#retries)', () => {
  it.each([
    [sdkError('AccessDenied', 403), 'fatal'],
    [sdkError('InvalidIdentityTokenException', 400), 'fatal'],
    [sdkError('IDPRejectedClaimException', 403), 'fatal'],
    [sdkError('MalformedPolicyDocumentException', 400), 'fatal'],
    [sdkError('PackedPolicyTooLargeException', 400), 'fatal'],
    [sdkError('RegionDisabledException', 403), 'fatal'],
    [sdkError('ValidationError', 400), 'fatal'],
    [new UserError('add permissions: id-token: write'), 'fatal'],
    [sdkError('ExpiredTokenException', 400), 'fresh-token-once'],
    [sdkError('IDPCommunicationErrorException', 400), 'retry'],
    [sdkError('Throttling', 400, 'Rate exceeded'), 'retry'],
    [sdkError('ThrottlingException', 400), 'retry'],
    [sdkError('InternalFailure', 500), 'retry'],
    [sdkError('ServiceUnavailable', 503), 'retry'],
    [sdkError('SomethingNew', 502), 'retry'],
    [sdkError('SomethingNew', 429), 'retry'],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'retry'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'retry'],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'retry'],
    [new Error('something else'), 'fatal'],
  ])('%s -> %s', (error, expected) => {
    expect(classifyStsError(error)).toBe(expected);
  });
});

describe('isRetryableAwsError (ECR)', () => {
  it('never retries a quota, an access error or a validation error', () => {
    expect(isRetryableAwsError(sdkError('LimitExceededException', 400))).toBe(false);
    expect(isRetryableAwsError(sdkError('AccessDeniedException', 400))).toBe(false);
    expect(isRetryableAwsError(sdkError('InvalidParameterException', 400))).toBe(false);
    expect(isRetryableAwsError(sdkError('RepositoryNotFoundException', 400))).toBe(false);
  });

  it('retries throttling and server errors', () => {
    expect(isRetryableAwsError(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isRetryableAwsError(sdkError('TooManyRequestsException', 400))).toBe(true);
    expect(isRetryableAwsError(sdkError('ServerException', 500))).toBe(true);
  });

  it('reads codes from modeled and unmodeled errors alike', () => {
    expect(awsErrorCode(sdkError('InvalidIdentityTokenException', 400))).toBe('InvalidIdentityToken');
    expect(awsErrorCode(sdkError('AccessDenied', 403))).toBe('AccessDenied');
    expect(awsErrorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
  });
});

describe('assumeRoleWithWebIdentity input checks', () => {
  it('rejects a malformed role ARN before asking for a token', async () => {
    const token = vi.fn(async () => 'never');
    await expect(
      assumeRoleWithWebIdentity({ roleArn: 'ci', sessionName: 'gha', region: 'eu-west-1', token }),
    ).rejects.toMatchObject({ input: 'role-to-assume' });
    expect(token).not.toHaveBeenCalled();
  });

  it.each(['a', 'x'.repeat(65), 'has space', 'slash/no'])('rejects session name %j', async (sessionName) => {
    const token = vi.fn(async () => 'never');
    await expect(
      assumeRoleWithWebIdentity({
        roleArn: 'arn:aws:iam::123456789012:role/ci',
        sessionName,
        region: 'eu-west-1',
        token,
      }),
    ).rejects.toMatchObject({ input: 'role-session-name' });
    expect(token).not.toHaveBeenCalled();
  });
});
