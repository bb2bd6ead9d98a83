import type { InputSpec } from '../../src/definition.ts';

/** Inputs of every action that talks to a registry: AWS OIDC, ECR, or any other registry. */
export const registryInputs = {
  'aws-region': {
    description:
      'AWS region of the ECR registry. Default: the region in `registry` when it is an ECR host, else AWS_REGION / AWS_DEFAULT_REGION.',
    default: '',
  },
  'role-to-assume': {
    description:
      "IAM role ARN to assume with the CI platform's OIDC token (STS AssumeRoleWithWebIdentity). Empty: the AWS SDK default credential chain.",
    default: '',
  },
  'role-duration-seconds': {
    description:
      "Lifetime of the assumed role's session in seconds (900 up to the role's maximum, at most 43200). Default: STS's (one hour).",
    default: '',
  },
  'role-session-name': {
    description: 'Session name for the assumed role (2-64 characters of [\\w+=,.@-]).',
    default: 'golden-actions',
  },
  audience: {
    description:
      'Audience (`aud`) of the OIDC token exchanged with STS; must be an audience of the IAM OIDC provider.',
    default: 'sts.amazonaws.com',
    // GitLab's convention (its AWS guide, IAM providers set up for GitLab): the instance URL.
    gitlabDefault: 'https://$CI_SERVER_FQDN',
  },
  registry: {
    description:
      'Registry host (e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com). Default: the ECR registry of the assumed account.',
    default: '',
  },
  'registry-username': {
    description: 'User for a non-ECR registry (ghcr.io, a local registry). With it, AWS is not used.',
    default: '',
  },
  'registry-password': {
    description: 'Password or token for a non-ECR registry. Masked; handed to programs on stdin only.',
    default: '',
    secret: true,
  },
} as const satisfies Record<string, InputSpec>;

export const dryRunInput = {
  'dry-run': {
    description:
      'Do everything but write to a registry or a Git remote, and say what would be done. A registry that cannot be reached (offline, no credentials) is reported as not checked instead of failing the run.',
    type: 'boolean',
    default: false,
  },
} as const satisfies Record<string, InputSpec>;
