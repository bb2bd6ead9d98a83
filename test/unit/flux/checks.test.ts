import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBump } from '../../../src/core/flux/bump-check.ts';
import { checkChartPush } from '../../../src/core/flux/chart-check.ts';
import { whatFluxWillDeploy } from '../../../src/core/flux/deploy.ts';
import { checkImageTag } from '../../../src/core/flux/image-check.ts';
import { readFluxObjects, type SourceFile } from '../../../src/core/flux/objects.ts';
import { checkWiring } from '../../../src/core/flux/wiring-check.ts';
import { readYamlFiles } from '../../../src/core/flux/workspace.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const IMAGE = `${ECR}/my-app`;

const repository = (image = IMAGE) => `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: { name: my-app, namespace: flux-system }
spec: { image: ${image} }
`;
const policy = (spec: string) => `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: { name: my-app, namespace: flux-system }
spec:
  imageRepositoryRef: { name: my-app }
${spec}`;
const NUMERICAL = policy(`  filterTags:
    pattern: '^(?P<ts>[1-9][0-9]*)-[0-9a-f]{7}$'
    extract: '$ts'
  policy: { numerical: { order: asc } }
`);
const markers = (tag: string, policyName = 'my-app', image = IMAGE) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: my-app, namespace: my-app }
spec:
  values:
    image:
      repository: ${image} # {"$imagepolicy": "flux-system:${policyName}:name"}
      tag: ${tag} # {"$imagepolicy": "flux-system:${policyName}:tag"}
`;
const release = (
  version: string,
  source = 'kind: HelmRepository\n        name: charts',
) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: my-app, namespace: my-app }
spec:
  chart:
    spec:
      chart: my-app
      version: "${version}"
      sourceRef:
        ${source}
`;
const helmRepository = (url: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: charts, namespace: my-app }
spec: { type: oci, url: "${url}" }
`;
const files = (entries: Record<string, string>): SourceFile[] =>
  Object.entries(entries).map(([path, text]) => ({ path, text }));
type Files = Record<string, string | undefined>;
const objectsOf = (entries: Files) => readFluxObjects(files(entries as Record<string, string>));

describe('the example repositories are consistent', () => {
  it('examples/my-app: no finding for its own image, chart, bump or wiring', async () => {
    const { files: yaml } = await readYamlFiles(join(ROOT, 'examples/my-app'));
    const objects = readFluxObjects(yaml);
    expect(objects.imagePolicies).toHaveLength(1);
    expect(objects.helmReleases).toHaveLength(2); // base and production patch
    expect(objects.markers).toHaveLength(2);
    expect(checkWiring(objects)).toEqual([]);
    const image = checkImageTag(objects, IMAGE, '1764000000-3f2c1ab', ['1735689600-3f2c1ab']);
    expect(image.findings).toEqual([]);
    expect(image.selections[0]).toMatchObject({ now: '1735689600-3f2c1ab', next: '1764000000-3f2c1ab' });
    const chart = checkChartPush(objects, {
      name: 'my-app',
      version: '1.0.0',
      location: `oci://${ECR}/charts`,
    });
    expect(chart.findings).toEqual([]);
    expect(chart.releases.map((r) => r.release.where)).toEqual([
      { file: 'deploy/base/helmrelease.yaml', line: 1 },
    ]);
    const bump = checkBump(objects, { image: IMAGE, tag: '1764000000-3f2c1ab', inFiles: () => true });
    expect(bump.findings).toEqual([]);
    expect(bump.markers.map((m) => m.field)).toEqual(['name', 'tag']);
  });

  it('examples/separate-gitops: no Flux object to disagree with', async () => {
    const { files: yaml } = await readYamlFiles(join(ROOT, 'examples/separate-gitops'));
    const objects = readFluxObjects(yaml);
    expect(objects.kustomizations).toHaveLength(2);
    expect(checkWiring(objects)).toEqual([]);
    expect(checkImageTag(objects, IMAGE, '1764000000-3f2c1ab', []).findings).toEqual([]);
    expect(
      checkBump(objects, { image: IMAGE, tag: '1764000000-3f2c1ab', inFiles: () => true }).findings,
    ).toEqual([]);
  });
});

describe('build-push-image: the pushed tag against the ImagePolicies of the image', () => {
  const objects = objectsOf({ 'r.yaml': repository(), 'p.yaml': NUMERICAL });
  it.each([
    { name: 'newer tag', tag: '1764000000-3f2c1ab', tags: ['1735689600-aaaaaaa'], kinds: [] },
    { name: 're-run of the current tag', tag: '1735689600-aaaaaaa', tags: ['1735689600-aaaaaaa'], kinds: [] },
    { name: 'empty registry', tag: '1764000000-3f2c1ab', tags: [], kinds: [] },
    { name: 'filtered (sha- tag)', tag: 'sha-3f2c1ab', tags: [], kinds: ['tag-filtered'] },
    {
      name: 'older than the selected tag',
      tag: '1700000000-3f2c1ab',
      tags: ['1735689600-aaaaaaa', 'main'],
      kinds: ['tag-not-newer'],
    },
  ])('$name', ({ tag, tags, kinds }) => {
    const result = checkImageTag(objects, IMAGE, tag, tags);
    expect(result.findings.map((f) => f.kind)).toEqual(kinds);
    for (const f of result.findings) expect(f.where).toEqual({ file: 'p.yaml', line: 7 });
  });

  it('says so when the registry tags are unknown, and still checks the filter', () => {
    const result = checkImageTag(objects, IMAGE, '1764000000-3f2c1ab', undefined);
    expect(result.findings).toEqual([]);
    expect(result.notes.join()).toMatch(/tags are unknown.*not checked/);
    expect(checkImageTag(objects, IMAGE, 'latest', undefined).findings.map((f) => f.kind)).toEqual([
      'tag-filtered',
    ]);
  });

  it('ignores policies of other images, and reports a pattern RE2 refuses', () => {
    expect(checkImageTag(objects, `${ECR}/other`, 'x', []).notes).toEqual([
      `no ImagePolicy watches ${ECR}/other`,
    ]);
    const bad = objectsOf({
      'r.yaml': repository(),
      'p.yaml': policy("  filterTags: { pattern: '^(?=x)' }\n  policy: { alphabetical: {} }\n"),
    });
    expect(checkImageTag(bad, IMAGE, 'x', []).findings.map((f) => f.kind)).toEqual(['invalid-spec']);
  });
});

describe('package-push-chart: the pushed version against the HelmReleases and OCIRepositories', () => {
  const at = { name: 'my-app', location: `oci://${ECR}/charts` };
  it.each([
    {
      name: 'in range',
      version: '1.2.0',
      yaml: { 'h.yaml': release('>=1.0.0 <2.0.0'), 's.yaml': helmRepository(`oci://${ECR}/charts`) },
      kinds: [],
    },
    {
      name: 'out of 0.1.x',
      version: '0.2.0',
      yaml: { 'h.yaml': release('0.1.x'), 's.yaml': helmRepository(`oci://${ECR}/charts`) },
      kinds: ['chart-out-of-range'],
    },
    {
      name: 'pre-release under *',
      version: '1.0.0-rc.1',
      yaml: { 'h.yaml': release('*'), 's.yaml': helmRepository(`oci://${ECR}/charts/`) },
      kinds: ['chart-out-of-range'],
    },
    {
      name: 'source elsewhere',
      version: '1.0.0',
      yaml: { 'h.yaml': release('1.x'), 's.yaml': helmRepository(`oci://${ECR}/helm`) },
      kinds: ['source-elsewhere'],
    },
    {
      name: 'other chart',
      version: '9.0.0',
      yaml: {
        'h.yaml': release('1.x').replace('chart: my-app', 'chart: other'),
        's.yaml': helmRepository('oci://elsewhere/charts'),
      },
      kinds: [],
    },
  ])('$name', ({ version, yaml, kinds }) => {
    const result = checkChartPush(objectsOf(yaml), { ...at, version });
    expect(result.findings.map((f) => f.kind)).toEqual(kinds);
  });

  it('names the file and line of the version rule and of the source URL', () => {
    const out = checkChartPush(
      objectsOf({ 'h.yaml': release('0.1.x'), 's.yaml': helmRepository(`oci://${ECR}/charts`) }),
      { ...at, version: '0.2.0' },
    );
    expect(out.findings[0]).toMatchObject({
      where: { file: 'h.yaml', line: 8 },
      object: { kind: 'HelmRelease', name: 'my-app', namespace: 'my-app' },
    });
    const elsewhere = checkChartPush(
      objectsOf({ 'h.yaml': release('1.x'), 's.yaml': helmRepository('oci://ghcr.io/x/charts') }),
      { ...at, version: '1.0.0' },
    );
    expect(elsewhere.findings[0]).toMatchObject({
      where: { file: 's.yaml', line: 4 },
      object: { kind: 'HelmRepository' },
    });
  });

  it('an overlay patch that narrows the range is checked with the base source', () => {
    const patch = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: my-app, namespace: my-app }
spec:
  chart:
    spec:
      version: "1.0.x"
`;
    const yaml = {
      'base/h.yaml': release('1.x'),
      'base/s.yaml': helmRepository(`oci://${ECR}/charts`),
      'prod/h.yaml': patch,
    };
    const result = checkChartPush(objectsOf(yaml), { ...at, version: '1.1.0' });
    expect(result.findings.map((f) => `${f.kind} ${f.where.file}:${f.where.line}`)).toEqual([
      'chart-out-of-range prod/h.yaml:7',
    ]);
  });

  it('OCIRepository: ref.semver, ref.tag, no ref (latest)', () => {
    const oci = (ref: string) => ({
      'o.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: my-app, namespace: my-app }
spec:
  url: oci://${ECR}/charts/my-app
${ref}`,
      'h.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: my-app, namespace: my-app }
spec:
  chartRef: { kind: OCIRepository, name: my-app }
`,
    });
    const kinds = (ref: string, version: string) =>
      checkChartPush(objectsOf(oci(ref)), { ...at, version }).findings.map((f) => f.kind);
    expect(kinds('  ref: { semver: "~1.2" }', '1.2.5')).toEqual([]);
    expect(kinds('  ref: { semver: "~1.2" }', '1.3.0')).toEqual(['chart-out-of-range']);
    expect(kinds('  ref: { tag: 1.2.3_build.1 }', '1.2.3+build.1')).toEqual([]);
    expect(kinds('  ref: { tag: 1.2.3 }', '1.2.4')).toEqual(['chart-out-of-range']);
    expect(kinds('', '1.2.4')).toEqual(['chart-out-of-range']);
    expect(kinds('  ref: { semver: "latest" }', '1.2.4')).toEqual(['invalid-spec']);
  });
});

describe('bump-gitops-tag: the markers of the bumped image', () => {
  const check = (yaml: Files, tag: string) =>
    checkBump(objectsOf(yaml), { image: IMAGE, tag, inFiles: (p) => p.startsWith('deploy/') }).findings.map(
      (f) => `${f.kind} ${f.where.file}:${f.where.line}`,
    );
  const wired = { 'c/r.yaml': repository(), 'c/p.yaml': NUMERICAL };
  it.each([
    {
      name: 'consistent',
      yaml: { ...wired, 'deploy/v.yaml': markers('1735689600-aaaaaaa') },
      tag: '1764000000-3f2c1ab',
      out: [],
    },
    {
      name: 'policy missing',
      yaml: { 'deploy/v.yaml': markers('1735689600-aaaaaaa') },
      tag: '1764000000-3f2c1ab',
      out: ['policy-missing deploy/v.yaml:7', 'policy-missing deploy/v.yaml:8'],
    },
    {
      name: 'repository missing',
      yaml: { 'c/p.yaml': NUMERICAL, 'deploy/v.yaml': markers('1735689600-aaaaaaa') },
      tag: '1764000000-3f2c1ab',
      out: ['repository-missing c/p.yaml:1'],
    },
    {
      name: 'policy watches another image',
      yaml: {
        'c/r.yaml': repository(`${ECR}/other`),
        'c/p.yaml': NUMERICAL,
        'deploy/v.yaml': markers('1735689600-aaaaaaa'),
      },
      tag: '1764000000-3f2c1ab',
      out: ['image-mismatch deploy/v.yaml:7', 'image-mismatch deploy/v.yaml:8'],
    },
    {
      name: 'tag filtered',
      yaml: { ...wired, 'deploy/v.yaml': markers('1735689600-aaaaaaa') },
      tag: 'main-3f2c1ab',
      out: ['tag-filtered deploy/v.yaml:8'],
    },
    {
      name: 'tag older than the one it replaces',
      yaml: { ...wired, 'deploy/v.yaml': markers('1735689600-aaaaaaa') },
      tag: '1700000000-3f2c1ab',
      out: ['tag-not-newer deploy/v.yaml:8'],
    },
    {
      name: 'markers of other images and outside the files are not ours',
      yaml: {
        ...wired,
        'deploy/v.yaml': markers('x', 'other', `${ECR}/other`),
        'elsewhere/v.yaml': markers('bad'),
      },
      tag: '1764000000-3f2c1ab',
      out: [],
    },
  ])('$name', ({ yaml, tag, out }) => {
    expect(check(yaml, tag)).toEqual(out);
  });
});

describe('the whole wiring', () => {
  const kinds = (yaml: Files) => checkWiring(objectsOf(yaml)).map((f) => f.kind);
  it.each([
    {
      name: 'a marker without policy',
      yaml: { 'v.yaml': markers('1735689600-aaaaaaa') },
      out: ['policy-missing', 'policy-missing'],
    },
    { name: 'a policy without repository', yaml: { 'p.yaml': NUMERICAL }, out: ['repository-missing'] },
    {
      name: 'a name marker of another image',
      yaml: {
        'r.yaml': repository(),
        'p.yaml': NUMERICAL,
        'v.yaml': markers('1735689600-aaaaaaa', 'my-app', `${ECR}/old-name`),
      },
      out: ['image-mismatch'],
    },
    {
      name: 'a tag in Git the policy rejects',
      yaml: { 'r.yaml': repository(), 'p.yaml': NUMERICAL, 'v.yaml': markers('latest') },
      out: ['tag-filtered'],
    },
    { name: 'a HelmRelease without its source', yaml: { 'h.yaml': release('1.x') }, out: ['source-missing'] },
    {
      name: 'a range Flux refuses',
      yaml: { 'h.yaml': release('1.x.y'), 's.yaml': helmRepository('oci://r/c') },
      out: ['invalid-spec'],
    },
    {
      name: 'a HelmRelease of a GitRepository chart is not followed',
      yaml: { 'h.yaml': release('*', 'kind: GitRepository\n        name: flux-system') },
      out: [],
    },
  ])('$name', ({ yaml, out }) => {
    expect(kinds(yaml)).toEqual(out);
  });
});

describe('what Flux will deploy', () => {
  it('picks the chart version and the image tag from what the registry holds', async () => {
    const { files: yaml } = await readYamlFiles(join(ROOT, 'examples/my-app'));
    const deployment = whatFluxWillDeploy(readFluxObjects(yaml), {
      chartVersions: (url) =>
        url === `oci://${ECR}/charts/my-app` ? ['0.9.0', '1.0.0', '1.1.0', '2.0.0'] : undefined,
      imageTags: (image) =>
        image === IMAGE ? ['1735689600-3f2c1ab', '1764000000-0000000', 'latest'] : undefined,
    });
    expect(deployment.releases).toEqual([
      expect.objectContaining({
        release: 'HelmRelease my-app/my-app',
        chart: 'my-app',
        ociUrl: `oci://${ECR}/charts/my-app`,
        rule: "version '>=1.0.0 <2.0.0'",
        version: '1.1.0',
      }),
    ]);
    expect(deployment.images).toEqual([
      expect.objectContaining({
        policy: 'ImagePolicy flux-system/my-app',
        image: IMAGE,
        selected: '1764000000-0000000',
        inGit: [
          {
            where: { file: 'deploy/production/helmrelease-patch.yaml', line: 11 },
            value: '1735689600-3f2c1ab',
          },
        ],
      }),
    ]);
  });
});
