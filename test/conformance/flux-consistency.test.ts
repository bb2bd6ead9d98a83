/**
 * The Flux check against a real Flux repository layout (the upstream flux2-kustomize-helm-example,
 * kept beside the clone, see shared-fixtures.ts): a consistent repository gives no finding, and the model reads what
 * Flux reads there (HelmRelease overlays, HelmRepository and OCIRepository sources, semver ranges).
 */
import { describe, expect, it } from 'vitest';
import { appliedBy } from '../../src/core/flux/applied.ts';
import { checkChartPush } from '../../src/core/flux/chart-check.ts';
import { whatFluxWillDeploy } from '../../src/core/flux/deploy.ts';
import { readFluxObjects } from '../../src/core/flux/objects.ts';
import { checkWiring } from '../../src/core/flux/wiring-check.ts';
import { readYamlFiles } from '../../src/core/flux/workspace.ts';
import { sharedFixture } from './shared-fixtures.ts';

// fluxcd/flux2-kustomize-helm-example (Apache-2.0), read-only.
const EXAMPLE = sharedFixture('flux-example');

describe('The Flux check on the flux2-kustomize-helm-example layout', async () => {
  const { files, notes } = await readYamlFiles(EXAMPLE);
  const objects = readFluxObjects(files);

  it('reads every file and finds no inconsistency in the wiring', () => {
    expect(notes).toEqual([]);
    expect(objects.unreadable).toEqual([]);
    expect(objects.helmReleases.map((r) => `${r.namespace}/${r.name}`).sort()).toEqual([
      'cert-manager/cert-manager',
      'envoy-gateway-system/envoy-gateway',
      'podinfo/podinfo',
      'podinfo/podinfo',
      'podinfo/podinfo',
    ]);
    expect(checkWiring(objects)).toEqual([]);
  });

  it('versions the sources admit give no finding; the ones they do not are caught', () => {
    const push = (name: string, version: string, location: string) =>
      checkChartPush(objects, { name, version, location }).findings.map((f) => f.kind);
    expect(push('cert-manager', '1.19.1', 'oci://quay.io/jetstack/charts')).toEqual([]);
    expect(push('cert-manager', '2.0.0', 'oci://quay.io/jetstack/charts')).toEqual(['chart-out-of-range']);
    expect(push('gateway-helm', '1.8.0-rc.1', 'oci://docker.io/envoyproxy')).toEqual([]);
    expect(push('gateway-helm', '1.7.2', 'oci://docker.io/envoyproxy')).toEqual(['chart-out-of-range']);
    // podinfo comes from an HTTP Helm repository: a push to a registry is not what Flux installs.
    expect(push('podinfo', '6.9.0', 'oci://ghcr.io/stefanprodan/charts')).toEqual([
      'source-elsewhere',
      'source-elsewhere',
      'source-elsewhere',
    ]);
  });

  it('what Flux will deploy: each release with its source, rule and applying Kustomization', () => {
    const deployment = whatFluxWillDeploy(objects, {
      chartVersions: (url) =>
        url === 'oci://quay.io/jetstack/charts/cert-manager'
          ? ['1.18.0', '1.19.1', '2.0.0-alpha.1']
          : undefined,
      appliedBy: appliedBy(objects, files),
    });
    const certManager = deployment.releases.find(
      (r) => r.release === 'HelmRelease cert-manager/cert-manager',
    );
    expect(certManager).toMatchObject({
      chart: 'cert-manager',
      from: 'oci://quay.io/jetstack/charts/cert-manager',
      // An OCIRepository's URL is the chart itself: no name appended.
      ociUrl: 'oci://quay.io/jetstack/charts/cert-manager',
      rule: "version '1.x'",
      version: '1.19.1',
    });
    const podinfo = deployment.releases.filter((r) => r.release === 'HelmRelease podinfo/podinfo');
    expect(podinfo.map((r) => r.rule).sort()).toEqual(
      ["version '*'", "version '>=1.0.0'", "version '>=1.0.0-alpha'"].sort(),
    );
  });
});
