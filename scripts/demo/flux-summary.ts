/**
 * "What Flux would deploy" from a checkout of the GitOps repository, with the registry as it is now:
 * the product's Flux module reads the objects and picks the chart version and the image tag, the
 * product's registry client lists what the registry holds.
 */

import { parseAllDocuments } from 'yaml';
import { ociTag } from '../../src/core/chart/version.ts';
import { type DeployedRelease, type FluxDeployment, whatFluxWillDeploy } from '../../src/core/flux/deploy.ts';
import { label, readFluxObjects, repositoryOfPolicy, type SourceFile } from '../../src/core/flux/objects.ts';
import { releaseCharts } from '../../src/core/flux/releases.ts';
import { readYamlFiles } from '../../src/core/flux/workspace.ts';
import type { RegistryClient } from '../../src/core/registry/client.ts';
import { bold, green, say, yellow } from './output.ts';

export interface FluxView {
  deployment: FluxDeployment;
  /** appVersion inside the chart each release picks, by release label. */
  appVersions: Map<string, string>;
  /** replicaCount in the release's values, by release label. */
  replicas: Map<string, number>;
  imageTags: Map<string, string[]>;
}

/** Reads the Flux objects of `checkout` and asks `client` (the registry at `registry`) what it holds. */
export async function fluxView(
  checkout: string,
  registry: string,
  client: RegistryClient,
): Promise<FluxView> {
  const { files } = await readYamlFiles(checkout);
  const objects = readFluxObjects(files);
  // The module's choice is synchronous over known lists: list the registry's tags first.
  const inRegistry = (ref: string) =>
    ref.startsWith(`${registry}/`) ? ref.slice(registry.length + 1) : undefined;
  const listed = async (refs: (string | undefined)[]) => {
    const tags = new Map<string, string[]>();
    for (const ref of new Set(refs)) {
      const repository = ref && inRegistry(ref.replace(/^oci:\/\//, ''));
      if (repository) tags.set(ref!, await client.tags(repository));
    }
    return tags;
  };
  const chartTags = await listed(releaseCharts(objects).map((chart) => chart.ociUrl));
  const imageTags = await listed(objects.imagePolicies.map((p) => repositoryOfPolicy(objects, p)?.image));
  const deployment = whatFluxWillDeploy(objects, {
    chartVersions: (url) => chartTags.get(url),
    imageTags: (image) => imageTags.get(image),
  });

  const appVersions = new Map<string, string>();
  for (const release of deployment.releases) {
    const repository = release.ociUrl && inRegistry(release.ociUrl.replace(/^oci:\/\//, ''));
    if (!repository || !release.version) continue;
    const appVersion = await chartAppVersion(client, repository, release.version);
    if (appVersion) appVersions.set(release.release, appVersion);
  }
  return { deployment, appVersions, replicas: replicaCounts(files), imageTags };
}

/** `appVersion` from the chart's config blob (Chart.yaml as JSON). */
async function chartAppVersion(client: RegistryClient, repository: string, version: string) {
  const manifest = await client.getManifest(repository, ociTag(version));
  if (!manifest) return undefined;
  const config = (JSON.parse(manifest.body.toString('utf8')) as { config?: { digest?: string } }).config;
  if (!config?.digest) return undefined;
  const chart = JSON.parse((await client.getBlob(repository, config.digest)).toString('utf8'));
  return typeof chart.appVersion === 'string' ? chart.appVersion : undefined;
}

/**
 * Helm values are not Flux's business, so the module does not read them: the replica count is the
 * last `spec.values.replicaCount` a HelmRelease document sets, in path order, which for the example
 * is the production patch over the base.
 */
function replicaCounts(files: SourceFile[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of files.filter((f) => f.text.includes('HelmRelease'))) {
    for (const doc of parseAllDocuments(file.text)) {
      const data = doc.toJS() as {
        kind?: string;
        metadata?: { name?: string; namespace?: string };
        spec?: { values?: { replicaCount?: unknown } };
      } | null;
      const count = data?.spec?.values?.replicaCount;
      if (data?.kind !== 'HelmRelease' || !data.metadata?.name || typeof count !== 'number') continue;
      counts.set(
        label({ kind: 'HelmRelease', name: data.metadata.name, namespace: data.metadata.namespace }),
        count,
      );
    }
  }
  return counts;
}

export function printFluxView(
  { deployment, appVersions, replicas, imageTags }: FluxView,
  title: string,
): void {
  say();
  say(bold(`What Flux would deploy (${title})`));
  for (const release of deployment.releases) {
    say(`  ${release.release}, ${replicas.get(release.release) ?? 1} replica(s)`);
    say(
      `    chart  ${release.ociUrl ?? `${release.from}/${release.chart}`} ${release.rule} → ${picked(release, appVersions)}`,
    );
  }
  for (const image of deployment.images) {
    const inGit = image.inGit[0]?.value;
    const present = image.image && inGit && imageTags.get(image.image)?.includes(inGit);
    say(
      `    image  ${image.image}:${inGit} (${present ? green('in the registry') : yellow('not in the registry')})`,
    );
  }
  for (const image of deployment.images) {
    if (!image.selected) continue;
    const inGit = image.inGit[0]?.value;
    const agrees = image.selected === inGit ? green('same tag as in Git') : yellow(`Git has ${inGit}`);
    say(`  ${image.policy} over the registry's tags → ${image.selected} (${agrees})`);
  }
}

function picked(release: DeployedRelease, appVersions: Map<string, string>): string {
  if (!release.version) return yellow('no matching chart in the registry yet');
  const appVersion = appVersions.get(release.release);
  return `${release.version}${appVersion ? ` (appVersion ${appVersion})` : ''}`;
}
