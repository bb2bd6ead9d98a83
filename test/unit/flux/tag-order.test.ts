import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.ts';
import { expandTemplate, goRegExp } from '../../../src/core/flux/go-regexp.ts';
import {
  fluxSemver,
  type ImagePolicySpec,
  inferOrdering,
  parseGoFloat,
  policyOrdering,
} from '../../../src/core/flux/tag-order.ts';

describe('Go regexp translation', () => {
  it.each([
    ['^(?P<ts>[1-9][0-9]*)-[0-9a-f]{7}$', '1735689600-3f2c1ab', { ts: '1735689600' }],
    ['^main-[a-fA-F0-9]+-(?P<ts>[1-9][0-9]*)', 'main-abc1234-1700000000', { ts: '1700000000' }],
    ['(?i)^V(?P<v>.*)', 'v1.2', { v: '1.2' }],
    ['^[[:digit:]]+-(?P<rest>[[:alnum:]]+)$', '12-ab3', { rest: 'ab3' }],
    ['^\\Qa.b\\E(?P<x>\\d)', 'a.b7', { x: '7' }],
    ['\\Aprefix-(?P<x>[a-z]+)\\z', 'prefix-abc', { x: 'abc' }],
  ])('%s on %s', (pattern, tag, groups) => {
    const match = goRegExp(pattern).exec(tag);
    expect(match?.groups).toEqual(groups);
  });

  it('is unanchored like FindStringSubmatch', () => {
    expect(goRegExp('[0-9]+').exec('build-123-x')?.[0]).toBe('123');
  });

  it.each([
    ['(?=x)', /look-around/],
    ['(?<!x)a', /look-around/],
    ['(a)\\1', /backreferences/],
    ['(?<n>a)\\k<n>', /backreferences/],
    ['(?>a)', /atomic/],
    ['a++', /possessive/],
    ['(?U)a+', /ungreedy/],
    ['a(?i)b', /inline flag/],
    ['[[:nope:]]', /character class/],
    ['(unclosed', /not valid Go RE2/],
  ])('rejects %s', (pattern, message) => {
    expect(() => goRegExp(pattern)).toThrow(message);
  });

  it.each([
    ['$ts', '1700'],
    ['${ts}', '1700'],
    ['$1', '1700'],
    ['$$ts', '$ts'],
    ['x$tsy', 'x'], // $tsy: the longest name, unknown -> empty
    ['x${ts}y', 'x1700y'],
    ['$9', ''],
    ['$', '$'],
    ['${', '${'],
  ])('expands %s', (template, expected) => {
    const match = goRegExp('^(?P<ts>[0-9]+)-').exec('1700-abc')!;
    expect(expandTemplate(template, match)).toBe(expected);
  });
});

describe('ParseFloat and Flux semver', () => {
  it.each([
    ['1700000000', 1700000000],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['0x1p4', 16],
    ['Inf', Infinity],
    ['-infinity', -Infinity],
    ['1_000', undefined],
    ['abc', undefined],
    ['1700000000-abc', undefined],
    ['', undefined],
  ])('parseGoFloat(%s)', (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });
  it('NaN is a number to Go', () => expect(parseGoFloat('NaN')).toBeNaN());

  it.each([
    ['v1.2.3', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3-rc.1'],
    ['1.2.3+build', '1.2.3'],
    ['vv1.2.3', undefined],
    ['1.2', undefined],
    ['1.2.3.4', undefined],
    ['01.2.3', undefined],
    ['=1.2.3', undefined],
  ])('fluxSemver(%s)', (tag, version) => {
    expect(fluxSemver(tag)?.version).toBe(version);
  });
});

describe('inferred ordering (no ImagePolicy)', () => {
  it.each([
    ['1700000100-abc1234', '1700000000-def5678', 'newer'],
    ['1700000000-abc1234', '1700000100-def5678', 'older'],
    ['1700000000-abc1234', '1700000000-def5678', 'same'],
    ['999999999-abc1234', '1000000000-def5678', 'older'], // numeric, not string order
    ['1700000000-abc1234', 'latest', 'newer'], // current of another shape is replaced
    ['1700000000-abc1234', undefined, 'newer'],
    ['main-abc1234-1700000100', 'main-def5678-1700000000', 'newer'],
    ['main-abc1234-1700000000', 'main-def5678-1700000100', 'older'],
    ['main-abc1234-1700000000', 'dev-def5678-1800000000', 'newer'], // another branch's tag: not comparable
    ['v1.10.0', 'v1.9.0', 'newer'],
    ['1.2.3', 'v1.2.3', 'same'],
    ['1.2.3', '1.2.3-rc.1', 'newer'],
    ['1.2.3-rc.1', '1.2.2', 'newer'],
    ['1.2.3+b2', '1.2.3+b1', 'same'],
    ['2.0.0', '1700000000-abc1234', 'newer'],
  ] as const)('%s vs %s -> %s', (candidate, current, result) => {
    expect(inferOrdering(candidate).compare(candidate, current).result).toBe(result);
  });

  it.each(['latest', 'sha-abc1234', 'v1.2', 'release'])('refuses to guess for %s', (tag) => {
    expect(() => inferOrdering(tag)).toThrow(/only-if-newer: false/);
  });
});

describe('ImagePolicy ordering', () => {
  const numerical: ImagePolicySpec = {
    filterTags: { pattern: '^(?P<ts>[1-9][0-9]*)-[0-9a-f]{7}$', extract: '$ts' },
    policy: { numerical: { order: 'asc' } },
  };
  const cases: {
    name: string;
    spec: ImagePolicySpec;
    candidate: string;
    current?: string;
    result?: string;
    error?: RegExp;
  }[] = [
    {
      name: 'numerical asc newer',
      spec: numerical,
      candidate: '1700000100-abcdef1',
      current: '1700000000-abcdef1',
      result: 'newer',
    },
    {
      name: 'numerical asc older',
      spec: numerical,
      candidate: '1700000000-abcdef1',
      current: '1700000100-abcdef1',
      result: 'older',
    },
    {
      name: 'current filtered out is older',
      spec: numerical,
      candidate: '1700000000-abcdef1',
      current: 'latest',
      result: 'newer',
    },
    {
      name: 'candidate filtered out is refused',
      spec: numerical,
      candidate: '1700000000-abcdef12',
      current: '1',
      error: /does not match ImagePolicy/,
    },
    {
      name: 'numerical desc',
      spec: { ...numerical, policy: { numerical: { order: 'desc' } } },
      candidate: '1700000000-abcdef1',
      current: '1700000100-abcdef1',
      result: 'newer',
    },
    {
      name: 'numerical without filter on non-number',
      spec: { policy: { numerical: {} } },
      candidate: '17-abc',
      error: /not a number/,
    },
    {
      name: 'alphabetical asc',
      spec: { policy: { alphabetical: {} } },
      candidate: 'b',
      current: 'a',
      result: 'newer',
    },
    {
      name: 'alphabetical desc',
      spec: { policy: { alphabetical: { order: 'desc' } } },
      candidate: 'b',
      current: 'a',
      result: 'older',
    },
    {
      name: 'alphabetical on extracted date',
      spec: { filterTags: { pattern: '^main-(?P<d>\\d{8})-', extract: '$d' }, policy: { alphabetical: {} } },
      candidate: 'main-20240102-x',
      current: 'main-20240101-y',
      result: 'newer',
    },
    {
      name: 'semver in range',
      spec: { policy: { semver: { range: '>=1.0.0 <2.0.0' } } },
      candidate: 'v1.3.0',
      current: 'v1.2.9',
      result: 'newer',
    },
    {
      name: 'semver comma range (Masterminds)',
      spec: { policy: { semver: { range: '>=1.0.0, <2.0.0' } } },
      candidate: '1.1.0',
      current: '1.0.0',
      result: 'newer',
    },
    {
      name: 'semver out of range refused',
      spec: { policy: { semver: { range: '1.x' } } },
      candidate: '2.0.0',
      error: /outside the ImagePolicy semver range/,
    },
    {
      name: 'semver current out of range is older',
      spec: { policy: { semver: { range: '1.x' } } },
      candidate: '1.0.0',
      current: '2.0.0',
      result: 'newer',
    },
    {
      name: 'semver pre-release only with a pre-release range',
      spec: { policy: { semver: { range: '>=1.0.0' } } },
      candidate: '1.1.0-rc.1',
      error: /outside/,
    },
    {
      name: 'semver pre-release range',
      spec: { policy: { semver: { range: '>=1.0.0-0' } } },
      candidate: '1.1.0-rc.1',
      current: '1.0.0',
      result: 'newer',
    },
    { name: 'no policy kind', spec: {}, candidate: '1', error: /no numerical, alphabetical or semver/ },
  ];
  it.each(cases)('$name', ({ spec, candidate, current, result, error }) => {
    const run = () => {
      const ordering = policyOrdering('flux-system:app', spec);
      ordering.check(candidate);
      return ordering.compare(candidate, current).result;
    };
    if (error) expect(run).toThrow(error);
    else expect(run()).toBe(result);
  });

  it('errors are user errors', () => {
    expect(() =>
      policyOrdering('ns:p', { filterTags: { pattern: '(?=x)' }, policy: { numerical: {} } }),
    ).toThrow(UserError);
  });
});
