import { describe, expect, it } from 'vitest';
import { isLoopbackHost, registryBaseUrl, registryHost } from '../../../src/core/registry/hosts.ts';

describe('registry hosts', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['127.1.2.3:443', true],
    ['127.0.0.1', true],
    ['localhost:5000', true],
    ['LOCALHOST:5000', true],
    ['[::1]:5000', true],
    ['http://127.0.0.1:5000/', true],
    ['128.0.0.1:5000', false],
    ['127.0.0.1.nip.io:5000', false],
    ['localhost.example.com', false],
    ['ghcr.io', false],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', false],
    ['[::2]:5000', false],
  ])('isLoopbackHost(%j) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000', 'http://localhost:5000'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['ghcr.io', 'https://ghcr.io'],
    ['docker.io', 'https://registry-1.docker.io'],
    [
      'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    ],
    ['http://registry.internal:5000', 'http://registry.internal:5000'],
  ])('registryBaseUrl(%j) = %s', (host, url) => {
    expect(registryBaseUrl(host)).toBe(url);
  });

  it('strips scheme and trailing slashes', () => {
    expect(registryHost(' https://ghcr.io/ ')).toBe('ghcr.io');
  });
});
