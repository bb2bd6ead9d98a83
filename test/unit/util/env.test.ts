import { describe, expect, it } from 'vitest';
import { buildah } from '../../../src/core/image/builders/buildah.ts';
import { docker } from '../../../src/core/image/builders/docker.ts';
import { childEnv } from '../../../src/core/util/env.ts';

const hostile = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/runner',
  INPUT_REGISTRY_PASSWORD: 'secret',
  GA_INPUT_TOKEN: 'secret',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret',
  REGISTRY_AUTH_FILE: '/nonsense/auth.json',
  REGISTRY_HTTP_ADDR: 'nonsense:0',
  REGISTRY_STORAGE: 'nonsense',
  DOCKER_HOST: 'tcp://nonsense:1',
  DOCKER_CONTENT_TRUST: '1',
  DOCKER_DEFAULT_PLATFORM: 'nonsense/arch',
  BUILDAH_ISOLATION: 'chroot',
  BUILDAH_FORMAT: 'nonsense',
  BUILDAH_LAYERS: 'nonsense',
};

describe('childEnv: what other programs get from the environment', () => {
  it('keeps the inputs, the OIDC request and every REGISTRY_/DOCKER_/BUILDAH_ variable away by default', () => {
    expect(childEnv(hostile)).toEqual({ PATH: '/usr/bin:/bin', HOME: '/home/runner' });
  });

  it("lets through exactly the variables a builder honours: the runner's daemon and isolation, the user's logins", () => {
    expect(Object.keys(childEnv(hostile, docker.meantEnv)).sort()).toEqual(['DOCKER_HOST', 'HOME', 'PATH']);
    expect(Object.keys(childEnv(hostile, buildah.meantEnv)).sort()).toEqual([
      'BUILDAH_ISOLATION',
      'HOME',
      'PATH',
      'REGISTRY_AUTH_FILE',
    ]);
  });
});
