import { describe, expect, it } from 'vitest';
import { awsRegion, roleDuration } from '../../../actions/shared/registry.ts';
import { ecrRegion } from '../../../src/core/registry/target.ts';

describe('ecrRegion', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['https://123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/', 'us-gov-west-1'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['ghcr.io', undefined],
    ['', undefined],
  ])('%s -> %s', (host, region) => expect(ecrRegion(host)).toBe(region));
});

describe('awsRegion: input, then the ECR host, then the environment', () => {
  const inputs = (region: string, registry: string) =>
    ({ 'aws-region': region, registry }) as Parameters<typeof awsRegion>[0];
  it('prefers what is given, then what the host says', () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'us-east-1';
    try {
      expect(awsRegion(inputs('eu-central-1', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'))).toBe(
        'eu-central-1',
      );
      expect(awsRegion(inputs('', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'))).toBe('eu-west-1');
      expect(awsRegion(inputs('', 'ghcr.io'))).toBe('us-east-1');
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });
});

describe('roleDuration', () => {
  it.each([
    ['', undefined],
    ['900', 900],
    [' 3600 ', 3600],
    ['43200', 43200],
  ])('%j -> %s', (value, seconds) => expect(roleDuration(value)).toBe(seconds));
  it.each(['899', '43201', '1h', '1.5'])('%j is refused naming the input', (value) => {
    expect(() => roleDuration(value)).toThrow(/role-duration-seconds/);
  });
});
