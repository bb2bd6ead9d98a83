/** The OCI reference grammar (src/core/registry/reference.ts), valid and invalid per the distribution spec. */
import { describe, expect, it } from 'vitest';
import {
  digestProblem,
  hostProblem,
  isValidImageName,
  isValidTag,
  nameProblem,
  normalizeImageName,
  parseImageRef,
  referenceProblem,
  repositoryProblem,
  splitHost,
} from '../../../src/core/registry/reference.ts';

const HEX64 = 'a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4';
const HEX128 = `${HEX64}${HEX64}`;

describe('repository names (no host)', () => {
  it.each([
    ['a'],
    ['0'],
    ['my-app'],
    ['my--app'],
    ['my---app'],
    ['my__app'],
    ['my_app'],
    ['my.app'],
    ['app1.2'],
    ['team/my-app'],
    ['a/b/c/d/e'],
    ['ghcr.io/org/app'], // without a host in front, dots are separators: a valid path
    ['a'.repeat(255)],
  ])('%s is valid', (name) => {
    expect(repositoryProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /is empty/],
    ['My-App', /component 'My-App'/],
    ['my_-app', /component 'my_-app'/],
    ['my-_app', /component 'my-_app'/],
    ['my._app', /component 'my._app'/],
    ['my___app', /component 'my___app'/],
    ['my..app', /component 'my..app'/],
    ['-app', /component '-app'/],
    ['app-', /component 'app-'/],
    ['_app', /component '_app'/],
    ['.app', /component '.app'/],
    ['a//b', /empty path component/],
    ['/a', /empty path component/],
    ['a/', /empty path component/],
    ['my app', /component 'my app'/],
    ['app:1', /component 'app:1'/],
    ['app@sha256', /component 'app@sha256'/],
    ['café', /component 'café'/],
    ['a'.repeat(256), /longer than 255/],
  ])('%j is invalid', (name, problem) => {
    expect(repositoryProblem(name)).toMatch(problem);
  });
});

describe('registry hosts', () => {
  it.each([
    'ghcr.io',
    'localhost',
    'localhost:5000',
    'registry',
    'a-b.example.com',
    'Registry.Example.COM',
    '127.0.0.1',
    '127.0.0.1:5000',
    '[::1]',
    '[::1]:5000',
    '[2001:db8::1]:443',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    'reg.io:0',
    'reg.io:65535',
  ])('%s is valid', (host) => {
    expect(hostProblem(host)).toBeUndefined();
  });

  it.each([
    ['', /no host name/],
    [':5000', /no host name/],
    ['reg.io:', /port ''/],
    ['reg.io:65536', /port '65536'/],
    ['reg.io:http', /port 'http'/],
    ['-reg.io', /not a host name/],
    ['reg-.io', /not a host name/],
    ['reg..io', /not a host name/],
    ['reg_io.com', /not a host name/],
    ['reg.io/path', /not a host name/],
    ['[::1', /not a bracketed IPv6 address/],
    ['[zz::1]:5000', /not a bracketed IPv6 address/],
  ])('%j is invalid', (host, problem) => {
    expect(hostProblem(host)).toMatch(problem);
  });
});

describe('tags', () => {
  it.each([
    ['latest', true],
    ['v1.2.3', true],
    ['1735689600-3f2c1ab', true],
    ['_x', true],
    ['A_b-c.d', true],
    ['1.2.3_build.1', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['', false],
    ['-x', false],
    ['.x', false],
    ['a/b', false],
    ['a:b', false],
    ['a b', false],
    ['1.2.3+build', false],
    ['tág', false],
  ])('%j valid: %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe('digests', () => {
  it.each([
    `sha256:${HEX64}`,
    `sha512:${HEX128}`,
    // Unregistered algorithms follow the grammar only.
    'sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564',
    'multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8',
  ])('%s is valid', (digest) => {
    expect(digestProblem(digest)).toBeUndefined();
  });

  it.each([
    [`sha256:${HEX64.slice(1)}`, /64 lowercase hex/],
    [`sha256:${HEX64}0`, /64 lowercase hex/],
    [`sha256:${HEX64.toUpperCase()}`, /64 lowercase hex/],
    [`sha512:${HEX64}`, /128 lowercase hex/],
    [`SHA256:${HEX64}`, /not a digest/],
    ['sha256', /not a digest/],
    ['sha256:', /not a digest/],
    [`:${HEX64}`, /not a digest/],
    [`sha256::${HEX64}`, /not a digest/],
  ])('%j is invalid', (digest, problem) => {
    expect(digestProblem(digest)).toMatch(problem);
  });
});

describe('image names: host as docker reads it, then the repository', () => {
  it.each([
    ['app', { repository: 'app' }],
    ['team/app', { repository: 'team/app' }],
    ['ghcr.io/org/app', { host: 'ghcr.io', repository: 'org/app' }],
    ['localhost/app', { host: 'localhost', repository: 'app' }],
    ['localhost:5000/app', { host: 'localhost:5000', repository: 'app' }],
    ['registry:5000/app', { host: 'registry:5000', repository: 'app' }],
    ['[::1]:5000/app', { host: '[::1]:5000', repository: 'app' }],
    // No repository holds upper case, so an upper-case first part can only be a host.
    ['MyOrg/app', { host: 'MyOrg', repository: 'app' }],
  ])('split %s', (name, parts) => {
    expect(splitHost(name)).toEqual(parts);
  });

  it.each([
    ['ghcr.io/org/my__app', true],
    ['localhost:5000/my--app', true],
    ['127.0.0.1:5000/a/b', true],
    [`reg.io/${'a'.repeat(248)}`, true],
    [`reg.io/${'a'.repeat(249)}`, false], // host, `/` and path: 256 characters
    ['reg.io:99999/app', false],
    ['reg_io.com/app', false],
    ['ghcr.io/Org/app', false],
    ['ghcr.io/', false],
    ['App', false],
  ])('%s valid: %s', (name, valid) => {
    expect(isValidImageName(name)).toBe(valid);
  });
});

describe('full references', () => {
  it.each([
    ['reg.io/app:1.0', { name: 'reg.io/app', tag: '1.0' }],
    ['localhost:5000/app', { name: 'localhost:5000/app' }],
    [
      `localhost:5000/team/app:v1@sha256:${HEX64}`,
      { name: 'localhost:5000/team/app', tag: 'v1', digest: `sha256:${HEX64}` },
    ],
    [`app@sha256:${HEX64}`, { name: 'app', digest: `sha256:${HEX64}` }],
    ['[::1]:5000/app:2', { name: '[::1]:5000/app', tag: '2' }],
  ])('parse %s', (text, ref) => {
    expect(JSON.parse(JSON.stringify(parseImageRef(text)))).toEqual(ref);
    expect(referenceProblem(text)).toBeUndefined();
  });

  it.each([
    ['reg.io/My-App:1', /^name 'reg.io\/My-App' component 'My-App'/],
    ['reg.io/app:-1', /^tag '-1' is not a valid OCI tag/],
    ['reg.io/app@sha256:abc', /^digest 'sha256:abc' is not a sha256 digest/],
    ['reg.io:x/app:1', /^name 'reg.io:x\/app' port 'x'/],
  ])('%s is refused, naming the part', (text, problem) => {
    expect(referenceProblem(text)).toMatch(problem);
  });

  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['org/app', 'docker.io/org/app'],
    ['REG.io/app', 'reg.io/app'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
  ])('normalize %s', (name, normal) => {
    expect(normalizeImageName(name)).toBe(normal);
  });

  it('a name problem says what is wrong', () => {
    expect(nameProblem('ghcr.io/org/my_-app')).toMatch(/component 'my_-app' must be lowercase/);
  });
});
