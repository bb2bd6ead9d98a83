import type { RunArgs } from '../../src/definition.ts';
import type { registryInputs } from './registry-inputs.ts';

type RegistryInputValues = { [K in keyof typeof registryInputs]: string };

/** The action layer may read the runner's environment; the core only gets values. */
export function awsRegion(inputs: RegistryInputValues): string {
  return inputs['aws-region'] || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || '';
}

export function registryTargetOptions(inputs: RegistryInputValues, args: RunArgs<unknown>, region: string) {
  return {
    registry: inputs.registry,
    registryUsername: inputs['registry-username'],
    registryPassword: inputs['registry-password'],
    awsRegion: region,
    roleToAssume: inputs['role-to-assume'],
    roleSessionName: inputs['role-session-name'],
    audience: inputs.audience,
    idToken: args.idToken,
    mask: args.mask,
    log: args.log,
  };
}
