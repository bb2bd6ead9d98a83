import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ArchiveFile, readArchive } from '../../../src/core/chart/archive.ts';
import { contentOf, firstDifference } from '../../../src/core/chart/content.ts';
import { packageChart } from '../../../src/core/chart/package.ts';

const HELM_FIXTURES = '/work/shared/fixtures/helm';
const HELLO = join(import.meta.dirname, '../../fixtures/charts/hello');
const scratch = mkdtempSync(join(tmpdir(), 'ga-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const byName = (files: ArchiveFile[]) => new Map(files.map((f) => [f.name, f.data]));
const helmArchive = (name: string) => readFileSync(join(HELM_FIXTURES, `${name}-2.1.8.tgz`));

/** The 512-byte headers of a tar stream, in order, with each entry's name. */
function tarHeaders(tar: Buffer): { name: string; header: Buffer }[] {
  const out: { name: string; header: Buffer }[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const size = Number.parseInt(header.subarray(124, 136).toString('latin1'), 8);
    out.push({ name, header });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** A header with the fields that legitimately differ blanked: size (when told), mtime, checksum. */
function layout(header: Buffer, maskSize: boolean): Buffer {
  const copy = Buffer.from(header);
  if (maskSize) copy.fill(0, 124, 136);
  copy.fill(0, 136, 156);
  return copy;
}

describe("packaging Helm's fixture charts like helm package", () => {
  /*
   * Why the .tgz bytes still differ from Helm's:
   * 1. tar mtimes: Helm v3 stamps the time of packaging (2020-04-03 here); we write 0 on purpose, so
   *    that the same chart always gives the same bytes. The checksum field follows.
   * 2. the deflate stream: Go's compress/flate and zlib compress the same tar differently (both at level 6).
   * 3. source drift: these fixture folders were edited upstream after the archives were made
   *    (values.yaml "Wordpress" → "WordPress", the stable repo URL moved to charts.helm.sh), and the
   *    compressed-dependencies folder ships only Chart.yaml, requirements.* and charts/ — the archive
   *    was made from a fuller copy (values.yaml, README.md, templates/NOTES.txt, .helmignore).
   * Everything else is the same: gzip header, entry names and order, tar header layout (USTAR, mode
   * 0644, uid/gid 0, no user names, device fields), the re-marshalled Chart.yaml byte for byte, and
   * sub-charts written expanded.
   */
  const DRIFTED = ['values.yaml', 'requirements.lock', 'requirements.yaml'];

  it('chart-with-uncompressed-dependencies: same files, same Chart.yaml bytes, Go tar header layout', async () => {
    const name = 'chart-with-uncompressed-dependencies';
    const ours = await packageChart(join(HELM_FIXTURES, name), name);
    expect(ours.filename).toBe(`${name}-2.1.8.tgz`);
    const helmFiles = await readArchive(helmArchive(name));
    const ourFiles = await readArchive(ours.archive);
    // Same entries in the same order (Chart.yaml, values.yaml, templates/, other files, sub-charts).
    expect(ourFiles.map((f) => f.name)).toEqual(helmFiles.map((f) => f.name));

    const helm = byName(helmFiles);
    const differing = ourFiles
      .filter((f) => !f.data.equals(helm.get(f.name)!))
      .map((f) => f.name.slice(name.length + 1));
    expect(differing).toEqual(DRIFTED);
    // Chart.yaml (root and sub-chart) re-marshalled exactly as Helm did: apiVersion added, `engine` dropped,
    // keys sorted, the long description folded at 80 columns.
    expect(byName(ourFiles).get(`${name}/Chart.yaml`)!.toString()).toBe(
      helm.get(`${name}/Chart.yaml`)!.toString(),
    );
    expect(parse(byName(ourFiles).get(`${name}/charts/mariadb/Chart.yaml`)!.toString())).toEqual(
      parse(helm.get(`${name}/charts/mariadb/Chart.yaml`)!.toString()),
    );

    const ourTar = tarHeaders(gunzipSync(ours.archive));
    const helmTar = tarHeaders(gunzipSync(helmArchive(name)));
    expect(ourTar.map((h) => h.name)).toEqual(helmTar.map((h) => h.name));
    ourTar.forEach((h, i) => {
      const drifted = DRIFTED.some((d) => h.name.endsWith(`/${d}`));
      expect(layout(h.header, drifted).equals(layout(helmTar[i]!.header, drifted)), h.name).toBe(true);
    });
    // Same end-of-archive: two zero blocks, no padding to a 10 KiB record.
    expect(gunzipSync(ours.archive).length % 512).toBe(0);
  });

  it('writes the gzip header Helm writes (comment Helm, Helm extra field, MTIME 0, OS 255)', async () => {
    const name = 'chart-with-uncompressed-dependencies';
    const ours = await packageChart(join(HELM_FIXTURES, name), name);
    const headerLength = 10 + 2 + 41 + 'Helm\0'.length;
    expect(ours.archive.subarray(0, headerLength).equals(helmArchive(name).subarray(0, headerLength))).toBe(
      true,
    );
  });

  it('chart-with-compressed-dependencies: the vendored .tgz is written expanded, file for file as Helm did', async () => {
    const name = 'chart-with-compressed-dependencies';
    const ours = await packageChart(join(HELM_FIXTURES, name), name);
    const helmFiles = await readArchive(helmArchive(name));
    const ourFiles = await readArchive(ours.archive);
    const missingFromSource = ['values.yaml', 'templates/NOTES.txt', '.helmignore', 'README.md'].map(
      (f) => `${name}/${f}`,
    );
    expect(ourFiles.map((f) => f.name)).toEqual(
      helmFiles.map((f) => f.name).filter((f) => !missingFromSource.includes(f)),
    );
    expect(ourFiles.some((f) => f.name.endsWith('.tgz'))).toBe(false);

    const sub = (files: ArchiveFile[]) => files.filter((f) => f.name.startsWith(`${name}/charts/`));
    expect(firstDifference(contentOf(sub(ourFiles)), contentOf(sub(helmFiles)))).toBeUndefined();

    // The root Chart.yaml: same identity; the archive's has the fields of the fuller source it came from.
    const ourChart = parse(byName(ourFiles).get(`${name}/Chart.yaml`)!.toString());
    const helmChart = parse(byName(helmFiles).get(`${name}/Chart.yaml`)!.toString());
    expect(ourChart).toEqual({ apiVersion: 'v1', name, version: '2.1.8' });
    expect(helmChart).toMatchObject(ourChart);
    // v1 charts: the dependencies stay in requirements.yaml, written as read, not in Chart.yaml...
    const requirements = readFileSync(join(HELM_FIXTURES, name, 'requirements.yaml'));
    expect(byName(ourFiles).get(`${name}/requirements.yaml`)!.equals(requirements)).toBe(true);
    // ...but Helm's config blob (metadata loaded back from the archive) carries them.
    expect(ours.metadata.dependencies?.map((d) => d.name)).toEqual(['mariadb']);
  });

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
