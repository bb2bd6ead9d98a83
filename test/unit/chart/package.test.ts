import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveFile } from '../../../src/core/chart/archive.ts';
import { packageChart } from '../../../src/core/chart/package.ts';

const HELLO = join(import.meta.dirname, '../../fixtures/charts/hello');
const scratch = mkdtempSync(join(tmpdir(), 'ga-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const byName = (files: ArchiveFile[]) => new Map(files.map((f) => [f.name, f.data]));

describe('packaging the same chart twice', () => {
  it('is deterministic: same chart, same bytes, whatever the file times or the run', async () => {
    const copy = join(scratch, 'hello-copy');
    cpSync(HELLO, copy, { recursive: true });
    utimesSync(join(copy, 'values.yaml'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const a = await packageChart(HELLO, 'hello', { appVersion: '1.2.3' });
    const b = await packageChart(HELLO, 'hello', { appVersion: '1.2.3' });
    const c = await packageChart(copy, 'copy', { appVersion: '1.2.3' });
    expect(b.archive.equals(a.archive)).toBe(true);
    expect(c.archive.equals(a.archive)).toBe(true);
    const d = await packageChart(HELLO, 'hello', { appVersion: '1.2.4' });
    expect(d.archive.equals(a.archive)).toBe(false);
  });
});

describe('packaging a v2 chart', () => {
  it('follows Helm: layout, .helmignore, default rule, sub-chart .helmignore not applied, overrides', async () => {
    const pkg = await packageChart(HELLO, 'test/fixtures/charts/hello', {
      appVersion: '1764000000-abc1234',
      version: '0.3.1+build.7',
    });
    expect(pkg.filename).toBe('hello-0.3.1+build.7.tgz');
    expect(pkg.entries.map((e) => e.name)).toEqual([
      'hello/Chart.yaml',
      'hello/Chart.lock',
      'hello/values.yaml',
      'hello/values.schema.json',
      'hello/templates/NOTES.txt',
      'hello/templates/_helpers.tpl',
      'hello/templates/configmap.yaml',
      'hello/templates/deployment.yaml',
      // templates/.gitkeep: Helm's default rule; docs/: .helmignore
      'hello/.helmignore',
      'hello/README.md',
      'hello/charts/common/Chart.yaml',
      'hello/charts/common/templates/_labels.tpl',
      'hello/charts/common/.helmignore',
      'hello/charts/common/README.md',
    ]);
    const files = byName(pkg.entries);
    expect(files.get('hello/values.yaml')!.equals(readFileSync(join(HELLO, 'values.yaml')))).toBe(true);
    expect(files.get('hello/Chart.yaml')!.toString()).toBe(
      [
        'annotations:',
        '  artifacthub.io/license: MIT',
        '  example.com/notes: a & b <c>',
        'apiVersion: v2',
        'appVersion: 1764000000-abc1234',
        'dependencies:',
        '- name: common',
        '  repository: file://charts/common',
        '  version: 1.x.x',
        'description: A small chart used by the package-push-chart tests; its long description',
        '  is folded the way Helm folds it when the line passes eighty columns.',
        'keywords:',
        '- example',
        '- test',
        'maintainers:',
        '- email: platform@example.com',
        '  name: Platform Team',
        'name: hello',
        'type: application',
        'version: 0.3.1+build.7',
        '',
      ].join('\n'),
    );
    // Chart.lock re-marshalled: Go time form (trailing zeros of the fraction dropped), quoted.
    expect(files.get('hello/Chart.lock')!.toString()).toContain('generated: "2025-11-24T16:00:00.1234Z"\n');
  });

  it('strips a UTF-8 BOM and keeps .prov files in charts/ as plain files', async () => {
    const dir = join(scratch, 'bom');
    cpSync(HELLO, dir, { recursive: true });
    writeFileSync(
      join(dir, 'README.md'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# hi\n')]),
    );
    writeFileSync(join(dir, 'charts', 'common-1.0.0.tgz.prov'), 'signature');
    const pkg = await packageChart(dir, 'bom');
    const files = byName(pkg.entries);
    expect(files.get('hello/README.md')!.toString()).toBe('# hi\n');
    expect(files.get('hello/charts/common-1.0.0.tgz.prov')!.toString()).toBe('signature');
  });
});
