import { assumeRoleWithWebIdentity, defaultCredentials, validateRoleArn } from '../aws/credentials.ts';
import { Ecr, preloadEcrSdk } from '../aws/ecr.ts';
import { InputError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { registryHost } from './hosts.ts';

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` */
const ECR_HOST = /^\d{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The region an ECR registry host names (`…dkr.ecr.eu-west-1.amazonaws.com` → `eu-west-1`). */
export function ecrRegion(registry: string): string | undefined {
  return ECR_HOST.exec(registryHost(registry))?.[2];
}

export interface ResolveRegistryOptions {
  registry: string;
  registryUsername: string;
  registryPassword: string;
  /** The `aws-region` input, or the caller's environment fallback (AWS_REGION, AWS_DEFAULT_REGION). */
  awsRegion: string;
  roleToAssume: string;
  roleSessionName: string;
  audience: string;
  /** `role-duration-seconds`: lifetime of the assumed role's session (STS default when undefined). */
  durationSeconds?: number;
  /** The platform's OIDC token for an audience; called once per STS attempt. */
  idToken: (audience: string) => Promise<string>;
  mask: (value: string) => void;
  log?: Logger;
}

export interface RegistryTarget {
  /** `host[:port]`, no scheme. */
  host: string;
  username: string;
  password: string;
  /** Set when the registry is ECR, for repository lookups and creation. */
  ecr?: Ecr;
}

/**
 * Where to push and with which credentials: a registry named with username/password (AWS is then
 * never touched), or ECR reached with OIDC web identity or the SDK's default chain.
 * Every check that needs no network comes first.
 */
export async function resolveRegistry(options: ResolveRegistryOptions): Promise<RegistryTarget> {
  const log = options.log ?? silentLogger;
  const registry = registryHost(options.registry ?? '');
  if (options.registryPassword) options.mask(options.registryPassword);

  if (options.registryUsername) {
    if (!registry) {
      throw new InputError(
        'registry',
        'is required with registry-username (the host to log in to, e.g. ghcr.io)',
      );
    }
    if (!options.registryPassword) {
      throw new InputError('registry-password', 'is required with registry-username');
    }
    log.info(`Registry ${registry} as ${options.registryUsername}`);
    return { host: registry, username: options.registryUsername, password: options.registryPassword };
  }
  if (options.registryPassword) {
    throw new InputError('registry-username', 'is required with registry-password');
  }

  // A registry that is not ECR, named without credentials and without a role: pull/push anonymously
  // (a local registry, a CI service container).
  if (registry && !ECR_HOST.test(registry) && !options.roleToAssume.trim()) {
    log.info(`Registry ${registry} (anonymous)`);
    return { host: registry, username: '', password: '' };
  }

  const region = options.awsRegion.trim() || ecrRegion(registry) || '';
  if (!region) {
    throw new InputError(
      'aws-region',
      'is required for ECR (or set AWS_REGION, or name the registry by its ECR host, which holds the region); for another registry set registry, registry-username and registry-password',
    );
  }
  const roleArn = options.roleToAssume.trim() ? validateRoleArn(options.roleToAssume) : undefined;

  preloadEcrSdk();
  let credentials = defaultCredentials();
  if (roleArn) {
    const audience = options.audience.trim() || 'sts.amazonaws.com';
    credentials = await assumeRoleWithWebIdentity({
      roleArn,
      sessionName: options.roleSessionName,
      region,
      audience,
      token: () => options.idToken(audience),
      durationSeconds: options.durationSeconds,
      log,
    });
    options.mask(credentials.secretAccessKey);
    if (credentials.sessionToken) options.mask(credentials.sessionToken);
  } else {
    log.info('No role-to-assume: using the AWS SDK default credentials');
  }

  const ecr = new Ecr({ region, credentials, log, mask: options.mask });
  const auth = await ecr.authorization();
  const host = registry || auth.host;
  log.info(`Registry ${host} (ECR, ${region})`);
  return { host, username: auth.username, password: auth.password, ecr };
}
