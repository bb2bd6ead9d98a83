import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFlux } from '../../src/core/loop-guard/flux.ts';
import { checkLoops } from '../../src/core/loop-guard/loop-guard.ts';
import { memoryView } from '../../src/core/loop-guard/repo-view.ts';
import { sharedFixture } from './shared-fixtures.ts';

// fluxcd/flux2-kustomize-helm-example (Apache-2.0), read-only.
const FIXTURE = sharedFixture('flux-example');

function readTree(root: string, dir = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir))) {
    const path = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) Object.assign(out, readTree(root, path));
    else out[path] = readFileSync(join(root, path), 'utf8');
  }
  return out;
}

const automation = (path: string) =>
  [
    'apiVersion: image.toolkit.fluxcd.io/v1',
    'kind: ImageUpdateAutomation',
    'metadata: { name: podinfo, namespace: flux-system }',
    'spec:',
    '  sourceRef: { kind: GitRepository, name: flux-system }',
    '  git: { push: { branch: main } }',
    `  update: { path: ${path} }`,
    '',
  ].join('\n');

describe('ImageUpdateAutomation spec.update.path in the flux2-kustomize-helm-example layout', () => {
  const tree = readTree(FIXTURE);
  it.each([
    [
      'repo-root path, manifest anywhere',
      'clusters/staging/image-automation.yaml',
      './apps/staging',
      'apps/staging',
      'repository root',
    ],
    ['root path "./"', 'clusters/staging/image-automation.yaml', './', '', 'repository root'],
    [
      'path seen through the applying Kustomization (apps → ExternalArtifact apps: staging/ = apps/staging/)',
      'apps/staging/image-automation.yaml',
      './staging',
      'apps/staging',
      'the source of Kustomization flux-system/apps',
    ],
    [
      'another copy rule of the same artifact (base/ = apps/base/)',
      'apps/staging/image-automation.yaml',
      'base/podinfo',
      'apps/base/podinfo',
      'the source of Kustomization flux-system/apps',
    ],
    [
      'artifact copied to its root (infrastructure/** → @artifact/)',
      'infrastructure/controllers/image-automation.yaml',
      './configs',
      'infrastructure/configs',
      'the source of Kustomization flux-system/infra-controllers',
    ],
    [
      'a path that exists nowhere',
      'clusters/staging/image-automation.yaml',
      './nope',
      'nope',
      'not found; taken from the repository root',
    ],
  ])('%s', async (_title, file, path, dir, via) => {
    const scan = await scanFlux(memoryView({ ...tree, [file]: automation(path) }));
    expect(scan.automations).toHaveLength(1);
    expect(scan.automations[0]).toMatchObject({
      dir,
      resolvedVia: via,
      branch: 'main',
      where: { file, line: 1 },
    });
  });

  it('the fixture itself has no automation and no markers', async () => {
    expect(await scanFlux(memoryView(tree))).toMatchObject({ automations: [], markerFiles: [] });
  });

  it('guards a build on the app folder against Flux writing through the artifact path', async () => {
    const marked = tree['apps/staging/podinfo-values.yaml']!.replace(
      '      version: ">=1.0.0-alpha"',
      '      version: ">=1.0.0-alpha" # {"$imagepolicy": "flux-system:podinfo:tag"}',
    );
    const build = (paths: string) =>
      `on:\n  push:\n    paths: [${paths}]\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: docker build .\n`;
    const files = {
      ...tree,
      'apps/staging/podinfo-values.yaml': marked,
      'apps/staging/image-automation.yaml': automation('./staging'),
    };
    const wide = await checkLoops(memoryView({ ...files, '.github/workflows/b.yml': build("'apps/**'") }));
    expect(wide.findings.map((f) => [f.kind, f.path, f.firing.where.line])).toEqual([
      ['loop', 'apps/staging/podinfo-values.yaml', 3],
    ]);
    const tight = await checkLoops(
      memoryView({ ...files, '.github/workflows/b.yml': build("'apps/base/**'") }),
    );
    expect(tight.findings).toEqual([]);
  });
});
