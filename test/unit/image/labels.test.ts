import { describe, expect, it } from 'vitest';
import { imageLabels, labelKeyOrder, labelLines } from '../../../src/core/image/labels.ts';
import { Expressions } from '../../../src/core/image/tags.ts';

const facts = {
  title: 'Hello-World',
  description: 'This your first repo!',
  url: 'https://github.com/octocat/Hello-World',
  version: '1.2.3',
  created: '2020-01-10T00:30:00.000Z',
  revision: '860c1904a1ce19322e91ac35af1ab07466440c37',
  licenses: 'MIT',
};
const exp = new Expressions({
  sha: facts.revision,
  commitTime: Date.parse('2020-01-09T23:15:42Z') / 1000,
  ref: 'refs/tags/v1.2.3',
  now: new Date('2020-01-10T00:30:00Z'),
});

describe('imageLabels', () => {
  it("gives metadata-action's README labels for refs/tags/v1.2.3, sorted by key", () => {
    expect(labelLines(imageLabels(facts, [], 'labels', exp))).toEqual([
      'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
      'org.opencontainers.image.description=This your first repo!',
      'org.opencontainers.image.licenses=MIT',
      'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
      'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.title=Hello-World',
      'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.version=1.2.3',
    ]);
  });

  it('lets the user override and add labels, with global expressions and = in values', () => {
    const labels = imageLabels(
      facts,
      [
        'org.opencontainers.image.title=MyCustomTitle',
        "org.opencontainers.image.created={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}",
        'org.opencontainers.image.vendor=MyCompany',
        'query=a=b',
      ],
      'labels',
      exp,
    );
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': 'MyCustomTitle',
      'org.opencontainers.image.created': '2020-01-09T23:15:42.000Z',
      'org.opencontainers.image.vendor': 'MyCompany',
      query: 'a=b',
    });
    expect(Object.keys(labels)).toEqual([...Object.keys(labels)].sort((a, b) => a.localeCompare(b)));
  });

  it('keeps every key, empty when unknown, as metadata-action does', () => {
    const labels = imageLabels({ ...facts, description: '', licenses: '' }, [], 'annotations', exp);
    expect(labels['org.opencontainers.image.description']).toBe('');
    expect(labels['org.opencontainers.image.licenses']).toBe('');
  });

  it.each([
    ['no-equals', /Input 'annotations': 'no-equals' is not key=value/],
    ['a={{nope}}', /Input 'annotations': .*unknown expression \{\{nope\}\}/],
  ])('rejects %s naming the input', (line, message) => {
    expect(() => imageLabels(facts, [line], 'annotations', exp)).toThrow(message);
  });
});

describe('label key order', () => {
  // Keys with the shapes labels take: OCI keys, prefixes of each other, '-' and '.' next to letters
  // and digits, and keys outside the fast path (upper case, '_', non-ASCII).
  const keys = [
    'org.opencontainers.image.title',
    'org.opencontainers.image.source',
    'org.opencontainers.image.revision',
    'org.opencontainers.image.ref.name',
    'org.opencontainers',
    'org-opencontainers',
    'org0',
    'orga',
    'a',
    'a-b',
    'a.b',
    'a0',
    'ab',
    'a--b',
    'com.example.1',
    'com.example.10',
    'com.example.9',
    'Maintainer',
    'maintainer',
    'my_label',
    'über',
    '',
  ];
  it.each(keys.flatMap((a) => keys.map((b) => [a, b] as const)))(
    '%j vs %j: as localeCompare orders them',
    (a, b) => {
      expect(Math.sign(labelKeyOrder(a, b))).toBe(Math.sign(a.localeCompare(b)));
    },
  );
});
