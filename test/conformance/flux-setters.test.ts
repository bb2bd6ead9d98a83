import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPolicies, type LatestImage } from '../../src/core/gitops/setters.ts';
import { YamlFile } from '../../src/core/gitops/yaml-file.ts';
import { sharedFixture } from './shared-fixtures.ts';

const FIXTURES = sharedFixture('flux-setters');

describe("Flux's setter fixtures (image-automation-controller internal/update/testdata/setters)", () => {
  // The policies of upstream update_test.go TestUpdateWithSetters.
  const policies = new Map<string, LatestImage>([
    ['automation-ns:policy', { name: 'index.repo.fake/updated', tag: 'v1.0.1' }],
    ['automation-ns:unchanged', { name: 'image', tag: 'v1.0.0' }],
    [
      'automation-ns:policy-with-digest',
      {
        name: 'image',
        tag: 'v1.0.0',
        digest: 'sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be',
      },
    ],
  ]);
  const originals = readdirSync(join(FIXTURES, 'original'));
  const expectedFiles = new Set(readdirSync(join(FIXTURES, 'expected')));

  it('changes exactly the files Flux changes', () => {
    const changed = originals.filter((name) => {
      const text = readFileSync(join(FIXTURES, 'original', name), 'utf8');
      return applyPolicies(YamlFile.parse(name, text), policies).text !== text;
    });
    expect(new Set(changed)).toEqual(expectedFiles);
  });

  it.each(originals)('%s: values equal Flux expected ones, bytes differ only in the values', (name) => {
    const original = readFileSync(join(FIXTURES, 'original', name), 'utf8');
    const { text, changes } = applyPolicies(YamlFile.parse(name, original), policies);
    if (!expectedFiles.has(name)) {
      expect(text).toBe(original);
      return;
    }
    const expected = readFileSync(join(FIXTURES, 'expected', name), 'utf8');
    // Same data as Flux produced...
    expect(YamlFile.parse(name, text).toJS()).toEqual(YamlFile.parse(name, expected).toJS());
    // ...and every byte outside the changed values is the original's.
    const before = original.split('\n');
    const after = text.split('\n');
    expect(after.length).toBe(before.length);
    const changedLines = new Set(changes.map((c) => c.line - 1));
    before.forEach((line, i) => {
      if (!changedLines.has(i)) {
        expect(after[i]).toBe(line);
        return;
      }
      const change = changes.find((c) => c.line - 1 === i)!;
      const column = line.indexOf(change.oldValue, line.indexOf(': ') + 2);
      expect(after[i]).toBe(
        line.slice(0, column) + change.newValue + line.slice(column + change.oldValue.length),
      );
    });
    // Flux's own output happens to need no reformatting for these files, so it matches byte for byte.
    expect(text).toBe(expected);
  });

  it('reports the same changes as upstream Result for kustomization.yml', () => {
    const name = 'kustomization.yml';
    const { changes } = applyPolicies(
      YamlFile.parse(name, readFileSync(join(FIXTURES, 'original', name), 'utf8')),
      policies,
    );
    expect(changes.map((c) => [c.setter, c.oldValue, c.newValue])).toEqual([
      ['automation-ns:policy:name', 'replaced', 'index.repo.fake/updated'],
      ['automation-ns:policy:tag', 'v1', 'v1.0.1'],
      [
        'automation-ns:policy-with-digest:digest',
        'sha256:1234567890abcdef',
        'sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be',
      ],
      [
        'automation-ns:policy-with-digest',
        'image',
        'image:v1.0.0@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be',
      ],
    ]);
  });
});
