import { describe, expect, it } from 'vitest';
import { decodeJwtClaims, stsFailureMessage } from '../../../src/core/aws/oidc-messages.ts';

const ROLE = 'arn:aws:iam::123456789012:role/ci';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVk`;
}

function sdkError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

const github = {
  sub: 'repo:org/app:ref:refs/heads/main',
  aud: 'sts.amazonaws.com',
  iss: 'https://token.actions.githubusercontent.com',
  exp: 1_900_000_000,
};

describe('decodeJwtClaims', () => {
  it('decodes the payload of a JWT', () => {
    expect(decodeJwtClaims(jwt(github))).toMatchObject(github);
  });

  it.each(['', 'not-a-jwt', 'a.b', 'a.!!!.c', `x.${Buffer.from('"str"').toString('base64url')}.y`])(
    'returns undefined for %j',
    (token) => {
      expect(decodeJwtClaims(token)).toBeUndefined();
    },
  );
});

describe('stsFailureMessage (docs/design/aws.md#oidc-failure-messages)', () => {
  it('AccessDenied: decoded sub/aud/iss, role, condition keys and the sub forms; never the token', () => {
    const token = jwt(github);
    const message = stsFailureMessage(
      sdkError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
      { roleArn: ROLE, audience: 'sts.amazonaws.com', token },
    );
    expect(message).toContain(ROLE);
    expect(message).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(message).toContain('sub "repo:org/app:ref:refs/heads/main"');
    expect(message).toContain('aud "sts.amazonaws.com"');
    expect(message).toContain('iss "https://token.actions.githubusercontent.com"');
    expect(message).toContain('"token.actions.githubusercontent.com:sub"');
    expect(message).toContain('"token.actions.githubusercontent.com:aud"');
    expect(message).toContain('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    expect(message).toContain('repo:<owner>@<ownerId>/<repo>@<repoId>');
    expect(message).toContain('2026-07-15');
    for (const part of token.split('.')) expect(message).not.toContain(part);
  });

  it('AccessDenied with an immutable-form sub says so', () => {
    const message = stsFailureMessage(sdkError('AccessDenied', 'Not authorized', 403), {
      roleArn: ROLE,
      audience: 'sts.amazonaws.com',
      token: jwt({ ...github, sub: 'repo:org@123/app@456:ref:refs/heads/main' }),
    });
    expect(message).toContain('sub "repo:org@123/app@456:ref:refs/heads/main"');
    expect(message).toMatch(/This token uses GitHub's immutable sub form/);
  });

  it('AccessDenied for a GitLab token names the GitLab condition key', () => {
    const message = stsFailureMessage(sdkError('AccessDenied', 'Not authorized', 403), {
      roleArn: 'arn:aws-cn:iam::123456789012:role/ci',
      audience: 'sts.amazonaws.com.cn',
      token: jwt({
        sub: 'project_path:group/app:ref_type:branch:ref:main',
        aud: 'sts.amazonaws.com.cn',
        iss: 'https://gitlab.example.com',
      }),
    });
    expect(message).toContain('"gitlab.example.com:sub"');
    expect(message).toContain('arn:aws-cn:iam::123456789012:oidc-provider/gitlab.example.com');
    expect(message).toContain('project_path:<group>/<project>');
  });

  it('Incorrect token audience: the audience sent versus the input to change', () => {
    const message = stsFailureMessage(sdkError('InvalidIdentityTokenException', 'Incorrect token audience'), {
      roleArn: ROLE,
      audience: 'my-audience',
      token: jwt({ ...github, aud: 'my-audience' }),
    });
    expect(message).toContain('InvalidIdentityToken: Incorrect token audience');
    expect(message).toContain(`The token's aud "my-audience"`);
    expect(message).toContain(`'audience' input`);
    expect(message).toContain('sts.amazonaws.com');
  });

  it('No OpenIDConnect provider: the issuer to register and the account', () => {
    const message = stsFailureMessage(
      sdkError(
        'InvalidIdentityTokenException',
        'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com',
      ),
      { roleArn: ROLE, audience: 'sts.amazonaws.com', token: jwt(github) },
    );
    expect(message).toContain(
      'Account 123456789012 has no IAM OIDC identity provider for https://token.actions.githubusercontent.com',
    );
  });

  it('ExpiredToken: when the token was fetched and used', () => {
    const message = stsFailureMessage(
      sdkError('ExpiredTokenException', 'Token expired: current date/time …'),
      {
        roleArn: ROLE,
        audience: 'sts.amazonaws.com',
        token: jwt(github),
        fetchedAt: new Date('2026-01-01T00:00:00Z'),
        usedAt: new Date('2026-01-01T00:00:01Z'),
      },
    );
    expect(message).toContain('fetched at 2026-01-01T00:00:00.000Z, used at 2026-01-01T00:00:01.000Z');
  });

  it('says so when the token is not a JWT, without printing it', () => {
    const message = stsFailureMessage(sdkError('InvalidIdentityTokenException', 'bad token'), {
      roleArn: ROLE,
      audience: 'sts.amazonaws.com',
      token: 'opaque-secret-token-value',
    });
    expect(message).toContain('could not be decoded');
    expect(message).not.toContain('opaque-secret-token-value');
  });
});
