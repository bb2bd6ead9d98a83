import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  containersAuthFiles,
  dockerConfigDir,
  readAuthFile,
  userCredentials,
  writeDockerConfig,
} from '../../../src/core/registry/docker-config.ts';

describe('writeDockerConfig', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-docker-config-'));
    dirs.push(dir);
    return dir;
  };

  it('writes Docker auths readable by the owner only', async () => {
    const dir = join(tempDir(), 'config');
    const path = await writeDockerConfig(dir, [
      { host: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', username: 'AWS', password: 'p:a:s:s' },
      { host: '127.0.0.1:5000', username: 'u', password: 'secret' },
    ]);
    expect(path).toBe(join(dir, 'config.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      auths: {
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com': {
          auth: Buffer.from('AWS:p:a:s:s').toString('base64'),
        },
        '127.0.0.1:5000': { auth: Buffer.from('u:secret').toString('base64') },
      },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('tightens an existing file before writing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{}', { mode: 0o644 });
    const path = await writeDockerConfig(dir, { host: 'ghcr.io', username: 'u', password: 'p' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain(Buffer.from('u:p').toString('base64'));
  });

  it('puts our login on top of the user config, replacing their entry for the same registry', async () => {
    const dir = tempDir();
    const path = await writeDockerConfig(
      dir,
      { host: '127.0.0.1:5000', username: 'u', password: 'p' },
      {
        auths: { 'ghcr.io': { auth: 'Z2g6cA==' } },
        credHelpers: { 'public.ecr.aws': 'ecr-login' },
      },
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      auths: {
        'ghcr.io': { auth: 'Z2g6cA==' },
        '127.0.0.1:5000': { auth: Buffer.from('u:p').toString('base64') },
      },
      credHelpers: { 'public.ecr.aws': 'ecr-login' },
    });
  });
});

describe('userCredentials', () => {
  const ours = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const user = {
    auths: {
      'https://index.docker.io/v1/': { auth: 'aHViOmh1Yg==' },
      [`https://${ours}`]: { auth: 'b2xkOm9sZA==' },
      'ghcr.io': { auth: 'Z2g6Zmlyc3Q=' },
    },
    credHelpers: { [ours]: 'ecr-login', 'gcr.io': 'gcloud' },
    credsStore: 'desktop',
    currentContext: 'ignored',
  };

  it('docker: copies auths, credHelpers and credsStore, and pins our registry to the file store', () => {
    expect(userCredentials([user], [ours], 'docker')).toEqual({
      auths: {
        'https://index.docker.io/v1/': { auth: 'aHViOmh1Yg==' },
        'ghcr.io': { auth: 'Z2g6Zmlyc3Q=' },
      },
      credHelpers: { 'gcr.io': 'gcloud', [ours]: '' },
      credsStore: 'desktop',
    });
  });

  it('docker: no pin when no helper could catch our registry', () => {
    const plain = { auths: { 'ghcr.io': { auth: 'eA==' } } };
    expect(userCredentials([plain], [ours], 'docker')).toEqual(plain);
  });

  it('containers: no credsStore (they ignore it) and no helper for our registry', () => {
    expect(userCredentials([user], [ours], 'containers')).toEqual({
      auths: {
        'https://index.docker.io/v1/': { auth: 'aHViOmh1Yg==' },
        'ghcr.io': { auth: 'Z2g6Zmlyc3Q=' },
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
  });

  it('the first file that names a registry wins, as in containers-auth.json(5)', () => {
    const later = {
      auths: { 'https://ghcr.io': { auth: 'Z2g6bGF0ZXI=' }, 'quay.io': { auth: 'cTpx' } },
      credHelpers: { 'gcr.io': 'other' },
    };
    expect(userCredentials([user, later], [ours], 'containers')).toEqual({
      auths: {
        'https://index.docker.io/v1/': { auth: 'aHViOmh1Yg==' },
        'ghcr.io': { auth: 'Z2g6Zmlyc3Q=' },
        'quay.io': { auth: 'cTpx' },
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
  });
});

describe('where the user logins live', () => {
  it('docker: $DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/cfg', HOME: '/home/u' })).toBe('/cfg');
    expect(dockerConfigDir({ HOME: '/home/u' })).toBe('/home/u/.docker');
  });

  it('containers: REGISTRY_AUTH_FILE alone, else runtime, config home, docker config in that order', () => {
    expect(containersAuthFiles({ REGISTRY_AUTH_FILE: '/a.json', HOME: '/home/u' })).toEqual(['/a.json']);
    expect(
      containersAuthFiles({ XDG_RUNTIME_DIR: '/run/user/1000', HOME: '/home/u', DOCKER_CONFIG: '/d' }),
    ).toEqual([
      '/run/user/1000/containers/auth.json',
      '/home/u/.config/containers/auth.json',
      '/d/config.json',
    ]);
    expect(containersAuthFiles({ HOME: '/home/u', XDG_CONFIG_HOME: '/xdg' })).toEqual([
      `/run/containers/${process.getuid?.() ?? 0}/containers/auth.json`,
      '/xdg/containers/auth.json',
      '/home/u/.docker/config.json',
    ]);
  });

  it('a missing auth file is empty; a broken one is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-docker-config-'));
    try {
      expect(await readAuthFile(join(dir, 'none.json'))).toEqual({});
      writeFileSync(join(dir, 'bad.json'), '{"auths": ');
      await expect(readAuthFile(join(dir, 'bad.json'))).rejects.toThrow(
        `${join(dir, 'bad.json')} is not a JSON object`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
