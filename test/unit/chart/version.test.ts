import { describe, expect, it } from 'vitest';
import { chartReference, namespaceProblem } from '../../../src/core/chart/oci.ts';
import { isStrictSemver, ociTag, suggestVersion, versionProblem } from '../../../src/core/chart/version.ts';

describe('chart versions', () => {
  it.each([
    ['1.2.3', true],
    ['0.0.0', true],
    ['1.2.3-rc.1', true],
    ['1.2.3+build.1', true],
    ['1.2.3-rc.1+build.5', true],
    ['1.2.3-0a.b-c', true],
    ['v1.2.3', false], // Helm pushes it as-is; pull/list never see it
    ['1.2', false],
    ['1', false],
    ['01.2.3', false],
    ['1.2.3-01', false], // numeric prerelease part with a leading zero
    ['1.2.3+', false],
    [' 1.2.3', false],
    ['1.2.3.4', false],
  ])('%s strict semver: %s', (version, expected) => {
    expect(isStrictSemver(version)).toBe(expected);
    expect(versionProblem(version) === undefined).toBe(expected);
  });

  it('explains a near miss with the fix', () => {
    expect(versionProblem('v1.2')).toMatch(
      /^'v1.2' is not a strict semantic version .*; write 1\.2\.0\. Helm would push it/,
    );
    expect(suggestVersion('v1.2.3-rc.1')).toBe('1.2.3-rc.1');
    expect(suggestVersion('1')).toBe('1.0.0');
    expect(suggestVersion('latest')).toBeUndefined();
  });

  it('refuses a version too long for a tag', () => {
    expect(versionProblem(`1.2.3-${'a'.repeat(130)}`)).toMatch(/too long for an OCI tag/);
  });
});

describe('OCI tag and reference', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2.3+build.1', '1.2.3_build.1'],
    ['1.2.3-rc.1+a.b+c', '1.2.3-rc.1_a.b_c'],
  ])('%s → tag %s', (version, tag) => {
    expect(ociTag(version)).toBe(tag);
  });

  it('appends the chart name to the namespace, + written as _', () => {
    expect(
      chartReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'charts', 'my-app', '1.2.3+build.1'),
    ).toEqual({
      host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      repository: 'charts/my-app',
      tag: '1.2.3_build.1',
      ref: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/my-app:1.2.3_build.1',
    });
    expect(chartReference('127.0.0.1:5000', '/team/charts/', 'app', '0.1.0').ref).toBe(
      'oci://127.0.0.1:5000/team/charts/app:0.1.0',
    );
    expect(chartReference('ghcr.io', '', 'app', '0.1.0').ref).toBe('oci://ghcr.io/app:0.1.0');
  });

  it.each([
    ['charts', undefined],
    ['team/charts', undefined],
    ['', undefined],
    ['Charts', /component 'Charts'/],
    ['oci://ghcr.io/org', /without scheme or host/],
    ['a//b', /empty path component/],
    ['a_-b', /component 'a_-b'/],
  ])('namespace %j', (namespace, problem) => {
    const result = namespaceProblem(namespace);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });
});
