import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chartConfigJson, goJsonStringify, goMap } from '../../../src/core/chart/gojson.ts';
import type { ChartMetadata } from '../../../src/core/chart/metadata.ts';
import { buildChartArtifact, chartAnnotations, MEDIA_TYPE } from '../../../src/core/chart/oci.ts';

const md: ChartMetadata = {
  apiVersion: 'v2',
  name: 'hello',
  version: '0.3.0+build.1',
  appVersion: '1.2.3',
  description: 'Says <hello> & waves',
  home: 'https://example.com',
  sources: ['https://github.com/org/hello', 'https://mirror.example/hello'],
  keywords: ['a'],
  maintainers: [{ name: 'Dev', email: 'dev@example.com' }, { email: 'ops@example.com' }, { name: 'Solo' }],
  deprecated: false,
  annotations: {
    'z.example/last': 'z',
    'a.example/first': 'a',
    'org.opencontainers.image.title': 'not allowed',
  },
  dependencies: [{ name: 'common', repository: '', version: '1.x', tags: ['t'], enabled: true, alias: 'c' }],
  type: 'application',
};

describe('config blob (Go json.Marshal of chart metadata)', () => {
  it('uses Go struct field order, omitempty, sorted annotations and HTML escaping', () => {
    expect(chartConfigJson(md).toString()).toBe(
      '{"name":"hello","home":"https://example.com","sources":["https://github.com/org/hello","https://mirror.example/hello"],' +
        '"version":"0.3.0+build.1","description":"Says \\u003chello\\u003e \\u0026 waves","keywords":["a"],' +
        '"maintainers":[{"name":"Dev","email":"dev@example.com"},{"email":"ops@example.com"},{"name":"Solo"}],' +
        '"apiVersion":"v2","appVersion":"1.2.3",' +
        '"annotations":{"a.example/first":"a","org.opencontainers.image.title":"not allowed","z.example/last":"z"},' +
        '"dependencies":[{"name":"common","version":"1.x","repository":"","tags":["t"],"enabled":true,"alias":"c"}],' +
        '"type":"application"}',
    );
  });

  it('escapes like Go: U+2028/2029, control characters; sorts map keys by bytes', () => {
    expect(goJsonStringify('a\u2028b\u2029c\u0001\n')).toBe('"a\\u2028b\\u2029c\\u0001\\n"');
    expect(goJsonStringify(goMap({ b: 1, a: 2, '10': 3, '9': 4, é: 5, z: 6 }))).toBe(
      '{"10":3,"9":4,"a":2,"b":1,"z":6,"é":5}',
    );
  });
});

describe('manifest (what helm push uploads)', () => {
  const archive = Buffer.from('pretend this is a chart archive');
  const created = new Date(Date.UTC(2025, 10, 24, 16, 0, 0));
  const artifact = buildChartArtifact(archive, md, created);

  it("has Helm's media types, descriptors with only mediaType/digest/size, and no mediaType field", () => {
    const manifest = JSON.parse(artifact.manifest.toString());
    expect(Object.keys(manifest)).toEqual(['schemaVersion', 'config', 'layers', 'annotations']);
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.config).toEqual({
      mediaType: MEDIA_TYPE.config,
      digest: `sha256:${createHash('sha256').update(chartConfigJson(md)).digest('hex')}`,
      size: chartConfigJson(md).length,
    });
    expect(manifest.layers).toEqual([
      {
        mediaType: MEDIA_TYPE.chart,
        digest: `sha256:${createHash('sha256').update(archive).digest('hex')}`,
        size: archive.length,
      },
    ]);
    expect(artifact.digest).toBe(`sha256:${createHash('sha256').update(artifact.manifest).digest('hex')}`);
    // Compact JSON: no line breaks, no space after separators.
    expect(artifact.manifest.toString()).not.toMatch(/\n|":\s|,\s"/);
  });

  it('annotations: sorted keys, authors, first source, created in RFC 3339 UTC, title/version not overridable', () => {
    expect([...chartAnnotations(md, created)]).toEqual([
      ['a.example/first', 'a'],
      ['org.opencontainers.image.authors', 'Dev (dev@example.com),  (ops@example.com), Solo'],
      ['org.opencontainers.image.created', '2025-11-24T16:00:00Z'],
      ['org.opencontainers.image.description', 'Says <hello> & waves'],
      ['org.opencontainers.image.source', 'https://github.com/org/hello'],
      ['org.opencontainers.image.title', 'hello'],
      ['org.opencontainers.image.url', 'https://example.com'],
      ['org.opencontainers.image.version', '0.3.0+build.1'],
      ['z.example/last', 'z'],
    ]);
    expect(artifact.manifest.toString()).toContain(
      '"org.opencontainers.image.description":"Says \\u003chello\\u003e \\u0026 waves"',
    );
  });

  it('a Chart.yaml annotation may replace created/description, and blank generated values are left out', () => {
    const annotations = chartAnnotations(
      {
        name: 'x',
        version: '1.0.0',
        description: '  ',
        annotations: { 'org.opencontainers.image.created': 'fixed' },
      },
      created,
    );
    expect(Object.fromEntries(annotations)).toEqual({
      'org.opencontainers.image.created': 'fixed',
      'org.opencontainers.image.title': 'x',
      'org.opencontainers.image.version': '1.0.0',
    });
  });

  it('is deterministic', () => {
    expect(buildChartArtifact(archive, md, created).manifest.equals(artifact.manifest)).toBe(true);
  });
});
