import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ArchiveFile, readArchive } from '../../src/core/chart/archive.ts';
import { contentOf, firstDifference } from '../../src/core/chart/content.ts';
import { packageChart } from '../../src/core/chart/package.ts';
import { sharedFixture } from './shared-fixtures.ts';

// Helm's own test charts and the archives `helm package` made of them (helm/helm pkg/chart testdata).
const HELM_FIXTURES = sharedFixture('helm');

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
});
