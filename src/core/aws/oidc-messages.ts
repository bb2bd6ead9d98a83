import { awsErrorCode } from './errors.ts';

/** The claims of an OIDC token that decide whether a trust policy matches. */
export interface TokenClaims {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  iat?: number;
  exp?: number;
}

/**
 * Decodes a JWT's payload without verifying it: only to tell the user what they sent.
 * The raw token (which is a bearer credential) is never part of any message.
 */
export function decodeJwtClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? (payload as TokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

export interface StsFailureContext {
  roleArn: string;
  /** The audience requested from the platform (the `audience` input). */
  audience: string;
  /** The token that STS refused; only its decoded claims are printed. */
  token?: string;
  fetchedAt?: Date;
  usedAt?: Date;
}

/** One message that says what was sent, what AWS answered, and what to change. */
export function stsFailureMessage(error: unknown, ctx: StsFailureContext): string {
  const code = awsErrorCode(error) ?? 'Error';
  const awsMessage = redact(String((error as Error | undefined)?.message ?? ''), ctx.token);
  const claims = ctx.token ? decodeJwtClaims(ctx.token) : undefined;
  const iss = claims?.iss ?? '(unknown issuer)';
  const issuerHost = iss.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const account = accountOf(ctx.roleArn);
  const sent = describeClaims(claims);
  const head = `STS AssumeRoleWithWebIdentity for role ${ctx.roleArn} failed: ${code}: ${awsMessage}`;

  switch (code) {
    case 'AccessDenied':
      return [
        head,
        sent,
        `The role's trust policy must allow sts:AssumeRoleWithWebIdentity for the federated principal ` +
          `${providerArn(ctx.roleArn, issuerHost)} with conditions that match these values: ` +
          `"${issuerHost}:sub" (StringEquals needs the exact value; use StringLike for wildcards such as ` +
          `"repo:<owner>/<repo>:*") and "${issuerHost}:aud".`,
        subjectHint(claims),
      ].join('\n');
    case 'InvalidIdentityToken':
      if (/audience/i.test(awsMessage)) {
        return [
          head,
          sent,
          `The token's aud ${quote(audienceOf(claims) ?? ctx.audience)} (requested through the 'audience' input ` +
            `${quote(ctx.audience)}) is not an audience (client ID) of the IAM OIDC provider for ${iss} in account ` +
            `${account}. Add it to the provider's audiences, or set the 'audience' input to one the provider lists ` +
            `(AWS default: sts.amazonaws.com; China regions: sts.amazonaws.com.cn).`,
        ].join('\n');
      }
      if (/no openidconnect provider/i.test(awsMessage)) {
        return [
          head,
          sent,
          `Account ${account} has no IAM OIDC identity provider for ${iss}. Create one with provider URL ${iss} ` +
            `and audience ${quote(ctx.audience)}, or check that 'role-to-assume' names a role in the right account.`,
        ].join('\n');
      }
      return [head, sent, `Check the IAM OIDC provider for ${iss} in account ${account}.`].join('\n');
    case 'ExpiredToken':
      return [
        head,
        `The OIDC token expired before STS used it (fetched at ${iso(ctx.fetchedAt)}, used at ${iso(ctx.usedAt)}` +
          `${claims?.exp ? `, token exp ${iso(new Date(claims.exp * 1000))}` : ''}). A fresh token was requested ` +
          `and also refused: check the runner's clock.`,
      ].join('\n');
    case 'IDPRejectedClaim':
      return [head, sent, `The identity provider ${iss} rejected a claim of this token.`].join('\n');
    default:
      return [head, sent].join('\n');
  }
}

function subjectHint(claims: TokenClaims | undefined): string {
  const sub = claims?.sub ?? '';
  const github = (claims?.iss ?? '').includes('token.actions.githubusercontent.com');
  if (github && /^repo:[^/:]+@\d+\/[^:]+@\d+:/.test(sub)) {
    return (
      `This token uses GitHub's immutable sub form (repo:<owner>@<ownerId>/<repo>@<repoId>:…); a condition ` +
      `written for repo:<owner>/<repo>:… does not match it.`
    );
  }
  if (github) {
    return (
      `GitHub's sub depends on the job: environment jobs get repo:<owner>/<repo>:environment:<name>, pull ` +
      `requests repo:<owner>/<repo>:pull_request, branches repo:<owner>/<repo>:ref:refs/heads/<branch>. ` +
      `Repositories created, renamed or transferred on or after 2026-07-15 (or opted in) use the immutable ` +
      `form repo:<owner>@<ownerId>/<repo>@<repoId>:…; match the sub printed above.`
    );
  }
  return `Match the sub printed above exactly (GitLab: project_path:<group>/<project>:ref_type:<type>:ref:<ref>).`;
}

function describeClaims(claims: TokenClaims | undefined): string {
  if (!claims) return 'The OIDC token could not be decoded (it is not a JWT).';
  return `The OIDC token sent has sub ${quote(claims.sub)}, aud ${quote(audienceOf(claims))}, iss ${quote(claims.iss)}.`;
}

function audienceOf(claims: TokenClaims | undefined): string | undefined {
  const aud = claims?.aud;
  return Array.isArray(aud) ? aud.join(', ') : aud;
}

function accountOf(roleArn: string): string {
  return roleArn.split(':')[4] || '(unknown account)';
}

function providerArn(roleArn: string, issuerHost: string): string {
  const partition = roleArn.split(':')[1] || 'aws';
  return `arn:${partition}:iam::${accountOf(roleArn)}:oidc-provider/${issuerHost}`;
}

function quote(value: string | undefined): string {
  return value === undefined ? '(missing)' : `"${value}"`;
}

function iso(date: Date | undefined): string {
  return date ? date.toISOString() : '(unknown)';
}

function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}
