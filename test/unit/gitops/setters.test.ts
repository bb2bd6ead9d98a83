import { describe, expect, it } from 'vitest';
import { applyPolicies, parseMarker } from '../../../src/core/gitops/setters.ts';
import { YamlFile } from '../../../src/core/gitops/yaml-file.ts';

describe('parseMarker (kyaml rules)', () => {
  it.each([
    [' {"$imagepolicy": "ns:app"}', { policy: 'ns:app', field: 'full' }],
    ['{"$imagepolicy":"ns:app:tag"}', { policy: 'ns:app', field: 'tag' }],
    ['# {"$imagepolicy": "ns:app:name"}', { policy: 'ns:app', field: 'name' }],
    ['   {"$imagepolicy": "ns:app:digest"}   ', { policy: 'ns:app', field: 'digest' }],
    [' {"$imagepolicy": "ns:app", "other": "x"}', { policy: 'ns:app', field: 'full' }],
    [' {"$imagepolicy": "ns:app"} keep', undefined],
    [' x {"$imagepolicy": "ns:app"}', undefined],
    [' {"$imagepolicy": "ns:app", "x": 1}', undefined],
    [" {'$imagepolicy': 'ns:app'}", undefined],
    [' {"$imagepolicy": ""}', undefined],
    [' {"$imagepolicy": "app"}', undefined],
    [' {"$imagepolicy": "ns:app:full"}', undefined],
    [' {"$imagepolicy": "ns:app:bogus"}', undefined],
    [' {"$image-policy": "ns:app"}', undefined],
    [' # {"$imagepolicy": "ns:app"}', undefined],
  ])('%s', (comment, expected) => {
    const marker = parseMarker(comment);
    expect(marker ? { policy: marker.policy, field: marker.field } : undefined).toEqual(expected);
  });
});

describe('setter markers on sequence items', () => {
  it('reads a one-line head comment only on sequence items, and only without a line comment', () => {
    const text = [
      'list:',
      '  # {"$imagepolicy": "ns:p:tag"}',
      '  - v1',
      '  # {"$imagepolicy": "ns:p:tag"}',
      '  - v1 # other',
      'map:',
      '  # {"$imagepolicy": "ns:p:tag"}',
      '  key: v1',
      '',
    ].join('\n');
    const { changes } = applyPolicies(
      YamlFile.parse('t.yaml', text),
      new Map([['ns:p', { name: 'x', tag: 'v2' }]]),
    );
    expect(changes.map((c) => c.line)).toEqual([3]);
  });
});
