import { describe, expect, it } from 'vitest';
import { bypasses, proxyConfigured, proxyFor } from '../../../src/core/net/proxy-env.ts';

describe('proxyFor: the proxy a URL goes through, as curl picks it', () => {
  const env = { https_proxy: 'http://proxy.corp:3128', HTTP_PROXY: 'proxy.corp:8080' };
  it.each([
    ['https://api.github.com/repos', env, 'http://proxy.corp:3128'],
    ['http://registry.corp:5000/v2/', env, 'http://proxy.corp:8080'],
    ['https://x.test', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }, 'http://lower:2'],
    ['https://x.test', { ALL_PROXY: 'http://all:1' }, 'http://all:1'],
    ['https://x.test', { http_proxy: 'http://only-http:1' }, undefined],
    ['https://x.test', {}, undefined],
    ['https://x.test', { https_proxy: 'http://p:1', no_proxy: '*' }, undefined],
    [
      'https://sts.eu-west-1.amazonaws.com',
      { https_proxy: 'http://p:1', NO_PROXY: '.amazonaws.com' },
      undefined,
    ],
  ])('%s with %o -> %s', (url, vars, expected) => {
    expect(proxyFor(url, vars)).toBe(expected);
  });

  it('is configured only when a proxy variable is set', () => {
    expect(proxyConfigured({ NO_PROXY: 'x' })).toBe(false);
    expect(proxyConfigured({ HTTPS_PROXY: 'http://p:1' })).toBe(true);
  });
});

describe('bypasses: no_proxy rules', () => {
  it.each([
    // host names: the name and its subdomains, never a name that merely ends the same
    ['example.com', 443, 'example.com', true],
    ['api.example.com', 443, 'example.com', true],
    ['notexample.com', 443, 'example.com', false],
    ['api.example.com', 443, '.example.com', true],
    ['example.com', 443, '.example.com', true],
    ['api.example.com', 443, '*.example.com', true],
    ['EXAMPLE.com.', 443, 'example.COM', true],
    // ports
    ['registry.corp', 5000, 'registry.corp:5000', true],
    ['registry.corp', 443, 'registry.corp:5000', false],
    // IP addresses and CIDR blocks, IPv4 and IPv6; names are never resolved to match them
    ['10.1.2.3', 443, '10.0.0.0/8', true],
    ['11.1.2.3', 443, '10.0.0.0/8', false],
    ['192.168.1.7', 80, '192.168.1.7', true],
    ['192.168.1.7', 80, '192.168.1.7:8080', false],
    ['localhost', 80, '127.0.0.0/8', false],
    ['[::1]', 80, '::1', true],
    ['fd00::5', 80, 'fd00::/8', true],
    ['fe80::1', 80, 'fd00::/8', false],
    ['[fd00::5]', 5000, '[fd00::5]:5000', true],
    // lists: commas and white space
    ['b.test', 443, 'a.test, b.test', true],
    ['c.test', 443, 'a.test b.test', false],
    ['c.test', 443, '', false],
  ])('%s:%i against %j -> %s', (host, port, rules, expected) => {
    expect(bypasses(host, port, rules)).toBe(expected);
  });
});
