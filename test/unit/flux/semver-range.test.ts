import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../src/core/flux/semver-range.ts';

/** Masterminds/semver v3 constraint syntax, as Flux reads chart versions and OCI/ImagePolicy ranges. */
const cases: { range: string; in: string[]; out: string[] }[] = [
  { range: '0.1.x', in: ['0.1.0', '0.1.9'], out: ['0.2.0', '0.0.9', '0.1.1-rc.1'] },
  { range: '1.x', in: ['1.0.0', '1.99.3'], out: ['2.0.0', '0.9.9', '1.5.0-rc.1'] },
  { range: '>=1.0.0 <2.0.0', in: ['1.0.0', '1.9.9'], out: ['2.0.0', '0.9.0', '1.5.0-rc.1'] },
  { range: '>=1.0.0, <2.0.0', in: ['1.2.3'], out: ['2.0.0'] },
  { range: '>= 1.0.0, < 2.0.0', in: ['1.2.3'], out: ['2.0.0'] },
  { range: '~1.2', in: ['1.2.0', '1.2.9'], out: ['1.3.0', '1.1.9'] },
  { range: '~1.2.3', in: ['1.2.3', '1.2.9'], out: ['1.3.0', '1.2.2'] },
  { range: '~>1.2', in: ['1.2.5'], out: ['1.3.0'] },
  { range: '~1', in: ['1.0.0', '1.9.0'], out: ['2.0.0'] },
  { range: '^1.2', in: ['1.2.0', '1.9.9'], out: ['2.0.0', '1.1.0'] },
  { range: '^0.2.3', in: ['0.2.3', '0.2.9'], out: ['0.3.0'] },
  { range: '^0.0.3', in: ['0.0.3'], out: ['0.0.4'] },
  { range: '^0', in: ['0.0.0', '0.9.9'], out: ['1.0.0'] },
  { range: '*', in: ['0.0.1', '99.0.0'], out: ['1.0.0-rc.1'] },
  { range: '1.2', in: ['1.2.0', '1.2.7'], out: ['1.3.0'] },
  { range: '1.2.3', in: ['1.2.3'], out: ['1.2.4'] },
  { range: '=1.2.3', in: ['1.2.3'], out: ['1.2.4'] },
  { range: 'v1.2.3', in: ['1.2.3'], out: ['1.2.4'] },
  { range: '=>1.2.3', in: ['1.2.3', '5.0.0'], out: ['1.2.2'] },
  { range: '=<1.2.3', in: ['1.2.3', '0.1.0'], out: ['1.2.4'] },
  { range: '!=1.2.3', in: ['1.2.4', '1.2.2'], out: ['1.2.3'] },
  { range: '>1.2', in: ['1.3.0'], out: ['1.2.9'] },
  { range: '<=1.2', in: ['1.2.9'], out: ['1.3.0'] },
  { range: '1.2 - 1.4.5', in: ['1.2.0', '1.4.5'], out: ['1.4.6', '1.1.9'] },
  { range: '1.2.3 - 2.3', in: ['2.3.9'], out: ['2.4.0'] },
  { range: '<1.0.0 || >=2.0.0', in: ['0.5.0', '2.0.0'], out: ['1.5.0'] },
  // Pre-releases: any comparator of the alternative carrying one admits every pre-release in bounds.
  { range: '>= 1.8.0-rc.0', in: ['1.8.0-rc.0', '1.8.0', '1.9.0-rc.1'], out: ['1.7.9', '1.8.0-beta.1'] },
  // ...and compared plainly, so 2.0.0-rc.1 (< 2.0.0) is in, where npm would keep it out.
  { range: '>=1.0.0-0 <2.0.0', in: ['1.5.0-rc.1', '1.0.0', '2.0.0-rc.1'], out: ['2.0.0', '0.9.0-rc.1'] },
  { range: '^1.2.3-beta', in: ['1.2.3-beta', '1.5.0-rc.1', '1.9.0'], out: ['2.0.0-rc.1', '1.2.3-alpha'] },
  { range: '1.x || >=2.0.0-0', in: ['2.1.0-rc.1', '1.2.0'], out: ['1.2.0-rc.1'] },
  // Build metadata never decides (charts pushed as 1.2.3+build.5 arrive as tags 1.2.3_build.5).
  { range: '1.2.x', in: ['1.2.3+build.5'], out: ['1.3.0+build.1'] },
];

describe('Flux (Masterminds) semver ranges', () => {
  for (const c of cases) {
    it(`'${c.range}' admits ${c.in.join(', ')} and not ${c.out.join(', ')}`, () => {
      const range = parseRange(c.range);
      expect(range, 'a valid range').toBeDefined();
      for (const version of c.in) expect(range!.satisfies(version), version).toBe(true);
      for (const version of c.out) expect(range!.satisfies(version), version).toBe(false);
    });
  }

  it.each(['', 'latest', '>=', '1.2.3.4', '>=1.0.0 <', '~x.y', '|| 1.0.0', 'abc'])("refuses '%s'", (text) => {
    expect(parseRange(text)).toBeUndefined();
  });

  it('picks the highest admitted version, as Flux picks a chart', () => {
    const range = parseRange('>=1.0.0 <2.0.0')!;
    expect(range.best(['0.9.0', '1.2.0', '1.10.0', '2.0.0', '1.11.0-rc.1', 'junk'])).toBe('1.10.0');
    expect(range.best(['2.0.0'])).toBeUndefined();
  });
});
