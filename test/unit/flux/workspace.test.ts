import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readYamlFiles } from '../../../src/core/flux/workspace.ts';
import { isYamlName } from '../../../src/core/gitops/files.ts';

const root = mkdtempSync(join(tmpdir(), 'ga-flux-workspace-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const files = [
  'deploy/B.yaml',
  'deploy/a.yml',
  'deploy/apps/Kustomization',
  'deploy/apps/x.YAML',
  'deploy-old/c.yaml',
  'README.md',
  '.github/workflows/ci.yml',
  'node_modules/pkg/x.yaml',
  'src/Kustomization.ts',
];
for (const file of files) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), `# ${file}\n`);
}

describe('readYamlFiles', () => {
  const expected = [
    'deploy/a.yml',
    'deploy/apps/Kustomization',
    'deploy/apps/x.YAML',
    'deploy/B.yaml',
    'deploy-old/c.yaml',
  ];

  it('walks the folder: YAML and Kustomization files, no hidden folders or node_modules, folder by folder', async () => {
    const { files: read } = await readYamlFiles(root);
    expect(read.map((f) => f.path)).toEqual(expected);
    expect(read[0]!.text).toBe('# deploy/a.yml\n');
  });

  it('reads the same files in the same order from a listing in git order, skipping what is gone', async () => {
    const gitOrder = [...files, 'deploy/deleted.yaml'].sort();
    const { files: read, notes } = await readYamlFiles(root, gitOrder);
    expect(read.map((f) => f.path)).toEqual(expected);
    expect(notes).toEqual([]);
  });
});

describe('isYamlName', () => {
  it.each([
    ['a.yaml', true],
    ['dir/a.YML', true],
    ['.yml', true],
    ['x/Kustomization', true],
    ['Kustomization', true],
    ['xKustomization', false],
    ['a.yamlx', false],
    ['yaml', false],
    ['a/b.ts', false],
    ['a.y', false],
  ])('%s: %s', (path, yaml) => {
    expect(isYamlName(path)).toBe(yaml);
  });
});
