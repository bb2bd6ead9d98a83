import { describe, expect, it } from 'vitest';
import { formatDate } from '../../../src/core/image/date-format.ts';
import { generateTags, sanitizeTag, type TagSource } from '../../../src/core/image/tags.ts';

const sha = '860c1904a1ce19322e91ac35af1ab07466440c37';
/** 2020-01-10T00:30:00Z: the run time docker/metadata-action's README examples use. */
const now = new Date('2020-01-10T00:30:00Z');
const commitTime = Date.parse('2020-01-09T23:15:42Z') / 1000;
const base: TagSource = {
  sha,
  commitTime,
  ref: 'refs/heads/master',
  event: 'push',
  defaultBranch: 'master',
  now,
};
const push = (branch: string): TagSource => ({ ...base, ref: `refs/heads/${branch}` });
const tag = (name: string): TagSource => ({ ...base, ref: `refs/tags/${name}`, event: 'tag' });
const pr: TagSource = { ...base, ref: 'refs/pull/2/merge', event: 'pull_request', baseRef: 'master' };
const dispatch: TagSource = { ...base, event: 'manual' };
const schedule: TagSource = { ...base, event: 'schedule' };

/** metadata-action's default rules (what its README examples use when `tags` is empty). */
const upstreamDefaults = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr',
];
const semverExample = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
];

type Case = readonly [string, readonly string[], TagSource, readonly string[], (readonly string[])?];

/** [name, tags rules, event, expected tags, flavor] */
const readmeCases: Case[] = [
  // Usage › Basic
  ['basic: pull request', upstreamDefaults, pr, ['pr-2']],
  ['basic: push master', upstreamDefaults, push('master'), ['master']],
  ['basic: push releases/v1', upstreamDefaults, push('releases/v1'), ['releases-v1']],
  ['basic: push tag v1.2.3', upstreamDefaults, tag('v1.2.3'), ['v1.2.3', 'latest']],
  ['basic: push tag v2.0.8-beta.67', upstreamDefaults, tag('v2.0.8-beta.67'), ['v2.0.8-beta.67', 'latest']],
  ['basic: workflow_dispatch master', upstreamDefaults, dispatch, ['master']],
  ['basic: schedule', upstreamDefaults, schedule, ['nightly', 'master']],
  // Usage › Semver
  ['semver example: pull request', semverExample, pr, ['pr-2']],
  ['semver example: push master', semverExample, push('master'), ['master']],
  ['semver example: push releases/v1', semverExample, push('releases/v1'), ['releases-v1']],
  ['semver example: tag v1.2.3', semverExample, tag('v1.2.3'), ['1.2.3', '1.2', 'latest']],
  ['semver example: tag v2.0.8-beta.67', semverExample, tag('v2.0.8-beta.67'), ['2.0.8-beta.67']],
  // Usage › Bake definition
  [
    'bake example: tag v1.2.3',
    [...semverExample, 'type=sha'],
    tag('v1.2.3'),
    ['1.2.3', '1.2', 'sha-860c190', 'latest'],
  ],
  // type=schedule
  ['schedule minimal', ['type=schedule'], schedule, ['nightly']],
  ['schedule default pattern', ['type=schedule,pattern=nightly'], schedule, ['nightly']],
  ['schedule date', ["type=schedule,pattern={{date 'YYYYMMDD'}}"], schedule, ['20200110']],
  [
    'schedule date with time zone',
    ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"],
    schedule,
    ['20200110-093000'],
  ],
  ['schedule on a push gives nothing', ['type=schedule', 'type=sha'], push('master'), ['sha-860c190']],
  [
    'schedule extended defaults',
    ['type=schedule,enable=true,priority=1000,prefix=,suffix=,pattern=nightly'],
    schedule,
    ['nightly'],
  ],
  // type=semver
  ['semver {{raw}}', ['type=semver,pattern={{raw}}'], tag('v1.2.3'), ['v1.2.3', 'latest']],
  ['semver {{version}}', ['type=semver,pattern={{version}}'], tag('v1.2.3'), ['1.2.3', 'latest']],
  [
    'semver {{major}}.{{minor}}',
    ['type=semver,pattern={{major}}.{{minor}}'],
    tag('v1.2.3'),
    ['1.2', 'latest'],
  ],
  ['semver v{{major}}', ['type=semver,pattern=v{{major}}'], tag('v1.2.3'), ['v1', 'latest']],
  ['semver {{minor}}', ['type=semver,pattern={{minor}}'], tag('v1.2.3'), ['2', 'latest']],
  ['semver {{patch}}', ['type=semver,pattern={{patch}}'], tag('v1.2.3'), ['3', 'latest']],
  [
    'semver match on p1/v1.2.3',
    ['type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$'],
    tag('p1/v1.2.3'),
    ['1.2.3', 'latest'],
  ],
  ['semver prerelease {{raw}}', ['type=semver,pattern={{raw}}'], tag('v2.0.8-beta.67'), ['v2.0.8-beta.67']],
  [
    'semver prerelease {{version}}',
    ['type=semver,pattern={{version}}'],
    tag('v2.0.8-beta.67'),
    ['2.0.8-beta.67'],
  ],
  [
    'semver prerelease {{major}}',
    ['type=semver,pattern={{major}}'],
    tag('v2.0.8-beta.67'),
    ['2.0.8-beta.67'],
  ],
  [
    'semver prerelease {{major}}.{{minor}}',
    ['type=semver,pattern={{major}}.{{minor}}'],
    tag('v2.0.8-beta.67'),
    ['2.0.8-beta.67'],
  ],
  [
    'semver custom value',
    ['type=semver,pattern={{version}},value=v1.0.0'],
    push('master'),
    ['1.0.0', 'latest'],
  ],
  [
    'semver custom value and match',
    ['type=semver,pattern={{version}},value=p1/v1.0.0,match=v(\\d.\\d.\\d)$'],
    push('master'),
    ['1.0.0', 'latest'],
  ],
  [
    'semver on a branch gives nothing',
    ['type=semver,pattern={{version}}', 'type=sha'],
    push('master'),
    ['sha-860c190'],
  ],
  [
    'semver on a non-version tag gives nothing',
    ['type=semver,pattern={{version}}', 'type=sha'],
    tag('release'),
    ['sha-860c190'],
  ],
  // type=pep440
  ['pep440 {{raw}}', ['type=pep440,pattern={{raw}}'], tag('1.2.3'), ['1.2.3', 'latest']],
  ['pep440 {{version}}', ['type=pep440,pattern={{version}}'], tag('1.2.3'), ['1.2.3', 'latest']],
  ['pep440 v-prefixed {{version}}', ['type=pep440,pattern={{version}}'], tag('v1.2.3'), ['1.2.3', 'latest']],
  [
    'pep440 {{major}}.{{minor}}',
    ['type=pep440,pattern={{major}}.{{minor}}'],
    tag('1.2.3'),
    ['1.2', 'latest'],
  ],
  ['pep440 v{{major}}', ['type=pep440,pattern=v{{major}}'], tag('1.2.3'), ['v1', 'latest']],
  ['pep440 rc {{raw}}', ['type=pep440,pattern={{raw}}'], tag('v1.2.3rc2'), ['v1.2.3rc2']],
  ['pep440 rc {{version}}', ['type=pep440,pattern={{version}}'], tag('1.2.3rc2'), ['1.2.3rc2']],
  [
    'pep440 match on p1/v1.2.3',
    ['type=pep440,pattern={{version}},match=v(\\d.\\d.\\d)$'],
    tag('p1/v1.2.3'),
    ['1.2.3', 'latest'],
  ],
  [
    'pep440 rc {{major}}.{{minor}}',
    ['type=pep440,pattern={{major}}.{{minor}}'],
    tag('1.2.3rc2'),
    ['1.2.3rc2'],
  ],
  [
    'pep440 post {{major}}.{{minor}}',
    ['type=pep440,pattern={{major}}.{{minor}}'],
    tag('1.2.3post1'),
    ['1.2.3.post1'],
  ],
  [
    'pep440 beta {{major}}.{{minor}}',
    ['type=pep440,pattern={{major}}.{{minor}}'],
    tag('1.2.3beta2'),
    ['1.2.3b2'],
  ],
  [
    'pep440 dev {{major}}.{{minor}}',
    ['type=pep440,pattern={{major}}.{{minor}}'],
    tag('1.0dev4'),
    ['1.0.dev4'],
  ],
  [
    'pep440 custom value',
    ['type=pep440,pattern={{version}},value=1.0.0'],
    push('master'),
    ['1.0.0', 'latest'],
  ],
  // type=match
  ['match group 0', ['type=match,pattern=\\d.\\d.\\d'], tag('v1.2.3'), ['1.2.3', 'latest']],
  ['match group 1', ['type=match,pattern=v(.*),group=1'], tag('v2.0.8-beta.67'), ['2.0.8-beta.67', 'latest']],
  [
    'match narrower group',
    ['type=match,pattern=v(\\d.\\d),group=1'],
    tag('v2.0.8-beta.67'),
    ['2.0', 'latest'],
  ],
  ['match digits', ['type=match,pattern=\\d+'], tag('20200110-RC2'), ['20200110', 'latest']],
  [
    'match with slash',
    ['type=match,pattern=p1/v(\\d.\\d.\\d),group=1'],
    tag('p1/v1.2.3'),
    ['1.2.3', 'latest'],
  ],
  [
    'match custom value',
    ['type=match,pattern=v(.*),group=1,value=v1.0.0'],
    push('master'),
    ['1.0.0', 'latest'],
  ],
  ['match /regex/flags', ['type=match,pattern=/V(\\d+)/i,group=1'], tag('v7'), ['7', 'latest']],
  ['match without a match gives nothing', ['type=match,pattern=^x', 'type=sha'], tag('v1'), ['sha-860c190']],
  // type=edge
  ['edge on the default branch', ['type=edge'], push('master'), ['edge']],
  ['edge elsewhere gives nothing', ['type=edge', 'type=sha'], push('dev'), ['sha-860c190']],
  ['edge with branch=', ['type=edge,branch=main'], push('main'), ['edge']],
  [
    'edge extended defaults',
    ['type=edge,enable=true,priority=700,prefix=,suffix=,branch=master'],
    push('master'),
    ['edge'],
  ],
  // type=ref
  ['ref pr', ['type=ref,event=pr'], pr, ['pr-2']],
  ['ref branch', ['type=ref,event=branch'], push('master'), ['master']],
  ['ref branch my/branch', ['type=ref,event=branch'], push('my/branch'), ['my-branch']],
  ['ref tag', ['type=ref,event=tag'], tag('v1.2.3'), ['v1.2.3', 'latest']],
  ['ref tag prerelease', ['type=ref,event=tag'], tag('v2.0.8-beta.67'), ['v2.0.8-beta.67', 'latest']],
  ['ref branch on workflow_dispatch', ['type=ref,event=branch'], dispatch, ['master']],
  ['ref pr with its own prefix', ['type=ref,event=pr,prefix=mr-'], pr, ['mr-2']],
  // type=raw
  ['raw value', ['type=raw,value=foo', 'type=raw,value=bar'], push('master'), ['foo', 'bar']],
  ['raw bare field', ['type=raw,foo', 'type=raw,bar'], push('master'), ['foo', 'bar']],
  ['raw bare line', ['foo', 'bar'], push('master'), ['foo', 'bar']],
  // type=sha
  ['sha short', ['type=sha'], push('master'), ['sha-860c190']],
  ['sha long', ['type=sha,format=long'], push('master'), [`sha-${sha}`]],
  ['sha short length', ['type=sha'], { ...base, shortShaLength: 12 }, ['sha-860c1904a1ce']],
  // Notes › Latest tag
  [
    'latest on the default branch',
    ['type=raw,value=latest,enable={{is_default_branch}}'],
    push('master'),
    ['latest'],
  ],
  [
    'no latest elsewhere',
    ['type=raw,value=latest,enable={{is_default_branch}}', 'type=sha'],
    push('dev'),
    ['sha-860c190'],
  ],
  [
    'is_not_default_branch',
    ['type=raw,value=preview,enable={{is_not_default_branch}}', 'type=sha'],
    push('dev'),
    ['preview', 'sha-860c190'],
  ],
  [
    'a scheduled run is on the default branch',
    ['type=raw,value=latest,enable={{is_default_branch}}'],
    schedule,
    ['latest'],
  ],
  // Notes › priority attribute
  [
    'default priorities order the tags',
    ['type=sha', 'type=raw,value=r', 'type=ref,event=branch', 'type=edge'],
    push('master'),
    ['edge', 'master', 'r', 'sha-860c190'],
  ],
  [
    'priority= reorders',
    ['type=ref,event=branch', 'type=sha,priority=2000'],
    push('master'),
    ['sha-860c190', 'master'],
  ],
  // Notes › Global expressions
  ['{{branch}} as prefix', ['type=sha,prefix={{branch}}-'], push('master'), ['master-860c190']],
  [
    '{{branch}} and {{sha}} in a value',
    ['type=raw,value=mytag-{{branch}}-{{sha}}'],
    push('master'),
    ['mytag-master-860c190'],
  ],
  ['{{branch}} on a pull request is empty', ['type=raw,value=b{{branch}}'], pr, ['b']],
  ['{{branch}} my/branch', ['type=raw,value={{branch}}'], push('my/branch'), ['my-branch']],
  ['{{tag}} on a tag', ['type=raw,value={{tag}}'], tag('v1.2.3'), ['v1.2.3']],
  [
    '{{tag}} on a branch is empty: no tag',
    ['type=raw,value={{tag}}', 'type=sha'],
    push('master'),
    ['sha-860c190'],
  ],
  ['{{base_ref}} on a pull request', ['type=raw,value=to-{{base_ref}}'], pr, ['to-master']],
  ['{{base_ref}} on a branch is empty', ['type=raw,value=to-{{base_ref}}'], push('master'), ['to-']],
  ["{{date 'YYYYMMDD'}}", ["type=raw,value={{date 'YYYYMMDD'}}"], push('master'), ['20200110']],
  [
    "{{date 'dddd, MMMM Do YYYY, h:mm:ss a'}}",
    ['type=raw,"value={{date \'dddd, MMMM Do YYYY, h:mm:ss a\'}}"'],
    { ...base, now: new Date('2020-01-10T15:25:50Z') },
    ['Friday-January-10th-2020-3-25-50-pm'],
  ],
  [
    "{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
    ["type=raw,value={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"],
    push('master'),
    ['20200110-093000'],
  ],
  ["{{commit_date 'YYYYMMDD'}}", ["type=raw,value={{commit_date 'YYYYMMDD'}}"], push('master'), ['20200109']],
  [
    "{{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
    ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"],
    push('master'),
    ['20200110-081542'],
  ],
  [
    'commit_date falls back to the run time',
    ["type=raw,value={{commit_date 'YYYYMMDD'}}"],
    { ...base, commitTime: undefined },
    ['20200110'],
  ],
  // Notes › Major version zero (GitHub renders the enable= expression before the action runs)
  [
    'major zero: v0.1.2 gets 0.1.2 and 0.1, the disabled {{major}} nothing',
    [
      'type=semver,pattern={{version}}',
      'type=semver,pattern={{major}}.{{minor}}',
      'type=semver,pattern={{major}},enable=false',
    ],
    tag('v0.1.2'),
    ['0.1.2', '0.1', 'latest'],
  ],
  ['major zero: {{major}} alone gives 0', ['type=semver,pattern={{major}}'], tag('v0.1.2'), ['0', 'latest']],
  // flavor input
  ['flavor latest=false', ['type=semver,pattern={{version}}'], tag('v1.2.3'), ['1.2.3'], ['latest=false']],
  [
    'flavor latest=true on a branch',
    ['type=ref,event=branch'],
    push('dev'),
    ['dev', 'latest'],
    ['latest=true'],
  ],
  [
    'flavor latest=true on a prerelease',
    ['type=semver,pattern={{version}}'],
    tag('v2.0.0-rc.1'),
    ['2.0.0-rc.1', 'latest'],
    ['latest=true'],
  ],
  [
    'flavor prefix and suffix, not on latest (type=sha keeps its own sha- prefix)',
    ['type=semver,pattern={{version}}', 'type=sha'],
    tag('v1.2.3'),
    ['app-1.2.3-alpine', 'sha-860c190-alpine', 'latest'],
    ['prefix=app-', 'suffix=-alpine'],
  ],
  [
    'flavor suffix on latest too',
    ['type=semver,pattern={{version}}'],
    tag('v1.2.3'),
    ['1.2.3-alpine', 'latest-alpine'],
    ['latest=auto', 'suffix=-alpine,onlatest=true'],
  ],
  [
    'flavor prefix on latest, expressions expanded',
    ['type=ref,event=tag'],
    { ...tag('v1.2.3'), baseRef: 'master' },
    ['master-v1.2.3', 'latest'],
    ['prefix={{base_ref}}-,onlatest=false'],
  ],
  [
    "a rule's own prefix= wins over the flavor's, even empty",
    ['type=semver,pattern={{version}},prefix=', 'type=sha,suffix=-x'],
    tag('v1.2.3'),
    ['1.2.3-slim', 'sha-860c190-x', 'latest'],
    ['prefix=', 'suffix=-slim'],
  ],
  [
    'latest=auto follows the first tag: a branch first means no latest',
    ['type=ref,event=tag,priority=100', 'type=raw,value=first'],
    tag('v1.2.3'),
    ['first', 'v1.2.3'],
  ],
];

const ownCases: Case[] = [
  ['timestamp-sha', ['type=timestamp-sha'], push('main'), [`${commitTime}-860c190`]],
  [
    'timestamp-sha comes first, before semver',
    ['type=semver,pattern={{version}}', 'type=timestamp-sha'],
    tag('v1.2.3'),
    [`${commitTime}-860c190`, '1.2.3'],
  ],
  [
    'branch name sanitised',
    ['type=ref,event=branch'],
    push('feature/JIRA-1 new+ui'),
    ['feature-JIRA-1-new-ui'],
  ],
  ['branch with leading dot', ['type=ref,event=branch'], push('.hidden'), ['hidden']],
  ['GitLab merge request', ['type=ref,event=pr'], { ...base, ref: 'refs/merge-requests/7/head' }, ['pr-7']],
  [
    'duplicates collapse, order kept',
    ['type=raw,value=a', 'type=raw,value=b', 'type=raw,value=a'],
    push('main'),
    ['a', 'b'],
  ],
  ['a raw value is sanitised like upstream', ['type=raw,value=a/b c'], push('main'), ['a-b-c']],
  [
    'quoted value with comma',
    ['type=semver,pattern={{version}},"match=^svc-v(\\d+\\.\\d+\\.\\d+)$"'],
    tag('svc-v1.0.0'),
    ['1.0.0', 'latest'],
  ],
  ['quoted quote', ['type=raw,"value=a""b"'], push('main'), ['a-b']],
  [
    'build metadata dropped by {{version}}',
    ['type=semver,pattern={{version}}'],
    tag('v1.2.3+build.5'),
    ['1.2.3', 'latest'],
  ],
  [
    'explicit raw latest on a prerelease tag, as upstream',
    ['type=semver,pattern={{version}}', 'type=raw,value=latest'],
    tag('v2.0.0-rc.1'),
    ['2.0.0-rc.1', 'latest'],
  ],
];

describe('generateTags: docker/metadata-action README examples', () => {
  it.each(readmeCases.map((c) => ({ name: c[0], c })))(
    '$name',
    ({ c: [, rules, source, expected, flavor] }) => {
      expect(generateTags([...rules], source, [...(flavor ?? [])]).tags).toEqual(expected);
    },
  );
});

describe('generateTags: our own rules', () => {
  it.each(ownCases.map((c) => ({ name: c[0], c })))('$name', ({ c: [, rules, source, expected, flavor] }) => {
    expect(generateTags([...rules], source, [...(flavor ?? [])]).tags).toEqual(expected);
  });

  it('reports the version (first tag), latest and why a rule gave nothing', () => {
    const result = generateTags(
      ['type=semver,pattern={{version}}', 'type=ref,event=branch', 'type=sha'],
      tag('v1.2.3'),
    );
    expect(result).toMatchObject({ version: '1.2.3', latest: true });
    expect(result.skipped).toEqual([{ rule: 'type=ref,event=branch', reason: 'not a branch build' }]);
  });

  it('warns when {{is_default_branch}} cannot know the default branch', () => {
    const result = generateTags(['type=raw,value=latest,enable={{is_default_branch}}', 'type=sha'], {
      ...base,
      defaultBranch: undefined,
    });
    expect(result.tags).toEqual(['sha-860c190']);
    expect(result.warnings).toEqual([expect.stringContaining('default branch of the repository is unknown')]);
  });

  it.each([
    ['unknown type', ['type=nightly'], /Input 'tags': rule 'type=nightly': unknown type 'nightly'/],
    ['raw without value', ['type=raw'], /needs value=/],
    ['semver without pattern', ['type=semver'], /needs pattern=/],
    ['match without pattern', ['type=match'], /needs pattern=/],
    ['match with a bad group', ['type=match,pattern=x,group=one'], /group must be a number/],
    ['ref without valid event', ['type=ref,event=push'], /event must be branch, tag or pr/],
    ['sha with a bad format', ['type=sha,format=medium'], /format must be short or long/],
    ['an attribute the type does not take', ['type=sha,patern=x'], /type=sha has no attribute 'patern'/],
    ['a bad priority', ['type=sha,priority=high'], /priority must be a number/],
    ['invalid result', ['type=raw,value=-bad'], /'-bad', which is not a valid tag/],
    ['too long raw', [`type=raw,value=${'a'.repeat(129)}`], /not a valid tag/],
    ['bad regex', ['type=semver,pattern={{version}},match=(x'], /not a valid regular expression/],
    ['unbalanced quote', ['type=raw,"value=x'], /unbalanced double quote/],
    ['unknown expression', ['type=raw,value={{nope}}'], /unknown expression \{\{nope\}\}/],
    ['date without format', ['type=raw,value={{date}}'], /needs a format/],
    [
      'unknown time zone',
      ["type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}"],
      /'Mars\/Olympus' is not a known time zone/,
    ],
    ['unknown date attribute', ["type=raw,value={{date 'YYYY' zone='UTC'}}"], /the only attribute is tz=/],
    ['unknown semver placeholder', ['type=semver,pattern={{build}}'], /\{\{build\}\} is not one of/],
    [
      'enable that is not a boolean',
      ['type=raw,value=x,enable=maybe'],
      /enable must be true or false, got 'maybe'/,
    ],
  ] as const)('rejects %s', (_name, rules, message) => {
    expect(() => generateTags([...rules], tag('v1.0.0'))).toThrow(message);
  });

  it.each([
    ['latest=sometimes', /Input 'flavor': 'latest=sometimes': latest must be auto, true or false/],
    ['prefix=x,onlatest=yes', /onlatest must be true or false/],
    ['onlatest=true', /onlatest follows prefix= or suffix=/],
    ['colour=blue', /unknown entry 'colour'/],
    ['latest', /'latest' is not key=value/],
  ])('rejects flavor %s', (flavor, message) => {
    expect(() => generateTags(['type=sha'], base, [flavor])).toThrow(message);
  });

  it('timestamp-sha without commit time is a clear error', () => {
    expect(() => generateTags(['type=timestamp-sha'], { sha, ref: 'refs/heads/main' })).toThrow(
      /needs the commit time/,
    );
  });
});

describe('formatDate (moment.js tokens on Intl)', () => {
  const at = new Date('2020-01-10T15:25:50.123Z');
  it.each([
    ['YYYYMMDD', 'UTC', '20200110'],
    ['dddd, MMMM Do YYYY, h:mm:ss a', 'UTC', 'Friday, January 10th 2020, 3:25:50 pm'],
    ['YYYYMMDD-HHmmss', 'Asia/Tokyo', '20200111-002550'],
    ['YYYY-MM-DDTHH:mm:ss.SSS[Z]', 'UTC', '2020-01-10T15:25:50.123Z'],
    ['YYYY-MM-DDTHH:mm:ssZ', 'America/New_York', '2020-01-10T10:25:50-05:00'],
    ['HH:mm ZZ', 'Asia/Kolkata', '20:55 +0530'],
    ['[week] W [of] GGGG, Qo [quarter], DDDD', 'UTC', 'week 2 of 2020, 1st quarter, 010'],
    ['X x', 'UTC', '1578669950 1578669950123'],
    ['LLLL', 'UTC', 'Friday, January 10, 2020 3:25 PM'],
  ])('%s in %s', (format, tz, expected) => {
    expect(formatDate(at, format, tz)).toBe(expected);
  });

  it('follows daylight saving time', () => {
    expect(formatDate(new Date('2026-07-01T12:00:00Z'), 'HH:mm Z', 'Europe/Paris')).toBe('14:00 +02:00');
    expect(formatDate(new Date('2026-01-01T12:00:00Z'), 'HH:mm Z', 'Europe/Paris')).toBe('13:00 +01:00');
  });
});

describe('sanitizeTag', () => {
  it('cuts names over 128 characters deterministically, keeping them distinct', () => {
    const a = sanitizeTag(`feature/${'x'.repeat(200)}-a`);
    const b = sanitizeTag(`feature/${'x'.repeat(200)}-b`);
    expect(a).toHaveLength(128);
    expect(b).toHaveLength(128);
    expect(a).not.toEqual(b);
    expect(sanitizeTag(`feature/${'x'.repeat(200)}-a`)).toEqual(a);
    expect(a).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });

  it.each([
    ['main', 'main'],
    ['feature/login', 'feature-login'],
    ['dependabot/npm_and_yarn/@types/node-20', 'dependabot-npm_and_yarn-types-node-20'],
    ['-leading', 'leading'],
    ['日本', 'x'],
  ])('%s -> %s', (input, expected) => {
    expect(sanitizeTag(input)).toBe(expected);
  });
});
