import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeDockerConfig } from '../../../src/core/registry/docker-config.ts';

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
});
