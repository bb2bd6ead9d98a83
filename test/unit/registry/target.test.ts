import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { type ResolveRegistryOptions, resolveRegistry } from '../../../src/core/registry/target.ts';
import { recordConnections } from '../../harness/connections.ts';

function options(overrides: Partial<ResolveRegistryOptions> = {}) {
  const idToken = vi.fn(async () => 'token');
  const mask = vi.fn();
  return {
    idToken,
    mask,
    options: {
      registry: '',
      registryUsername: '',
      registryPassword: '',
      awsRegion: '',
      roleToAssume: '',
      roleSessionName: 'golden-actions',
      audience: 'sts.amazonaws.com',
      idToken,
      mask,
      ...overrides,
    },
  };
}

async function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('resolveRegistry without the network', () => {
  it('takes a named registry with username/password and never touches AWS', async () => {
    const connections = recordConnections();
    const {
      options: o,
      idToken,
      mask,
    } = options({
      registry: 'https://ghcr.io/',
      registryUsername: 'bot',
      registryPassword: 'ghp_secret',
      roleToAssume: 'arn:aws:iam::123456789012:role/ci',
      awsRegion: 'eu-west-1',
    });
    await expect(resolveRegistry(o)).resolves.toEqual({
      host: 'ghcr.io',
      username: 'bot',
      password: 'ghp_secret',
    });
    expect(mask).toHaveBeenCalledWith('ghp_secret');
    expect(idToken).not.toHaveBeenCalled();
    expect(connections.hosts()).toEqual([]);
    connections.restore();
  });

  it('takes a non-ECR registry named without credentials or role as anonymous', async () => {
    const { options: o, idToken } = options({ registry: '127.0.0.1:5000' });
    await expect(resolveRegistry(o)).resolves.toEqual({ host: '127.0.0.1:5000', username: '', password: '' });
    expect(idToken).not.toHaveBeenCalled();
  });

  it('still goes to AWS for an ECR host named without credentials, in the region the host names', async () => {
    const { options: o } = options({ registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' });
    await expect(resolveRegistry(o)).rejects.toThrow(/No AWS credentials found/);
  });

  it('needs registry with registry-username', async () => {
    const { options: o } = options({ registryUsername: 'bot', registryPassword: 'x' });
    expect((await inputErrorOf(resolveRegistry(o))).input).toBe('registry');
  });

  it('needs registry-password with registry-username, and the reverse', async () => {
    expect(
      (await inputErrorOf(resolveRegistry(options({ registry: 'ghcr.io', registryUsername: 'bot' }).options)))
        .input,
    ).toBe('registry-password');
    const { options: o, mask } = options({ registry: 'ghcr.io', registryPassword: 'pw-only' });
    expect((await inputErrorOf(resolveRegistry(o))).input).toBe('registry-username');
    expect(mask).toHaveBeenCalledWith('pw-only');
  });

  it('needs a region for ECR', async () => {
    const error = await inputErrorOf(
      resolveRegistry(options({ roleToAssume: 'arn:aws:iam::123456789012:role/ci' }).options),
    );
    expect(error.input).toBe('aws-region');
    expect(error.message).toMatch(/AWS_REGION/);
  });

  it('validates the role ARN before any token or network call', async () => {
    const connections = recordConnections();
    const { options: o, idToken } = options({
      awsRegion: 'eu-west-1',
      roleToAssume: 'arn:aws:iam::123:role/ci',
    });
    expect((await inputErrorOf(resolveRegistry(o))).input).toBe('role-to-assume');
    expect(idToken).not.toHaveBeenCalled();
    expect(connections.hosts()).toEqual([]);
    connections.restore();
  });
});
