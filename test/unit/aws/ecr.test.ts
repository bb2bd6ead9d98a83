import { describe, expect, it } from 'vitest';
import { ecrError } from '../../../src/core/aws/ecr.ts';
import { UserError } from '../../../src/core/errors.ts';

function sdkError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

describe('ecrError', () => {
  it('RepositoryNotFound names the repository and hints create-repository', () => {
    const cause = sdkError('RepositoryNotFoundException', "The repository with name 'app' does not exist");
    const error = ecrError('DescribeImages', 'app', 'eu-west-1', cause);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("ECR repository 'app' does not exist in eu-west-1");
    expect(error.message).toContain('create-repository');
    expect(error.cause).toBe(cause);
  });

  it('AccessDenied says which permission is missing', () => {
    const error = ecrError(
      'CreateRepository',
      'app',
      'eu-west-1',
      sdkError('AccessDeniedException', 'User is not authorized'),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('Grant ecr:CreateRepository');
  });

  it.each([
    ['LimitExceededException', 'quota reached'],
    ['InvalidParameterException', 'bad name'],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
  ])('%s is a user error', (name, message) => {
    const error = ecrError('CreateRepository', 'app', 'eu-west-1', sdkError(name, message));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(message);
  });

  it('a signature error mentions the clock', () => {
    const error = ecrError(
      'GetAuthorizationToken',
      undefined,
      'eu-west-1',
      sdkError('InvalidSignatureException', 'Signature expired'),
    );
    expect(error.message).toMatch(/clock/);
    expect(error.message).toContain('the registry in eu-west-1');
  });

  it('missing default credentials explain the options', () => {
    const error = ecrError(
      'GetAuthorizationToken',
      undefined,
      'eu-west-1',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('set `role-to-assume`');
  });

  it('an outage stays a plain error with the code', () => {
    const error = ecrError('DescribeImages', 'app', 'eu-west-1', sdkError('ServerException', 'boom', 500));
    expect(error).not.toBeInstanceOf(UserError);
    expect(error.message).toBe("ECR DescribeImages on 'app' failed: ServerException: boom");
  });
});
