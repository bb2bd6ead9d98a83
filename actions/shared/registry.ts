import { knownEnv } from '../../src/core/env-vars.ts';
import { InputError } from '../../src/core/errors.ts';
import { ecrRegion } from '../../src/core/registry/target.ts';
import type { RunArgs } from '../../src/definition.ts';
import type { registryInputs } from './registry-inputs.ts';

type RegistryInputValues = { [K in keyof typeof registryInputs]: string };

/**
 * The input, else the region an ECR registry host names (authoritative for that registry), else the
 * runner's AWS_REGION / AWS_DEFAULT_REGION. The action layer may read the environment; the core not.
 */
export function awsRegion(inputs: RegistryInputValues): string {
  return (
    inputs['aws-region'] ||
    ecrRegion(inputs.registry) ||
    knownEnv().AWS_REGION ||
    knownEnv().AWS_DEFAULT_REGION ||
    ''
  );
}

/** `role-duration-seconds`: empty for STS's default, else a whole number of seconds STS accepts. */
export function roleDuration(value: string): number | undefined {
  if (!value.trim()) return undefined;
  const seconds = Number(value.trim());
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200)
    throw new InputError(
      'role-duration-seconds',
      `must be a whole number from 900 to 43200 (got '${value}')`,
    );
  return seconds;
}

export function registryTargetOptions(inputs: RegistryInputValues, args: RunArgs<unknown>, region: string) {
  return {
    registry: inputs.registry,
    registryUsername: inputs['registry-username'],
    registryPassword: inputs['registry-password'],
    awsRegion: region,
    roleToAssume: inputs['role-to-assume'],
    roleSessionName: inputs['role-session-name'],
    durationSeconds: roleDuration(inputs['role-duration-seconds']),
    audience: inputs.audience,
    idToken: args.idToken,
    mask: args.mask,
    log: args.log,
  };
}
