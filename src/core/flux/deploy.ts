/**
 * What Flux will deploy from a repository: per HelmRelease the chart, its source and version rule,
 * and the version Flux picks when the registry's versions are known; per ImagePolicy the image, its
 * rule, the tag it picks from the registry's tags, and the values its setter markers hold in Git.
 */
import { type FluxObjects, label, policyOfMarker, repositoryOfPolicy, type Where } from './objects.ts';
import { isFinding, orderingOf } from './policy.ts';
import { releaseCharts } from './releases.ts';
import { parseRange } from './semver-range.ts';
import { selectLatest } from './tag-order.ts';

export interface DeployedRelease {
  release: string;
  where: Where;
  chart?: string;
  /** The source's URL (`oci://host/path` or an HTTP index). */
  from?: string;
  /** Where the chart itself is, for an OCI source (`oci://host/path/chart`, host in lower case). */
  ociUrl?: string;
  /** `version '>=1.0.0 <2.0.0'`, `tag 1.2.3`, ... */
  rule: string;
  /** The version Flux picks from the known versions; undefined when they are not known or none fits. */
  version?: string;
  versionsKnown: boolean;
  appliedBy: string[];
}

export interface DeployedImage {
  policy: string;
  where: Where;
  image?: string;
  rule: string;
  /** The tag the policy picks from the known tags. */
  selected?: string;
  tagsKnown: boolean;
  /** Values its setter markers hold now. */
  inGit: { where: Where; value: string }[];
}

export interface FluxDeployment {
  releases: DeployedRelease[];
  images: DeployedImage[];
}

export interface KnownArtifacts {
  /** Chart versions in the registry, by `oci://host/path/name` (tags as listed; `_` stands for `+`). */
  chartVersions?: (ociUrl: string) => string[] | undefined;
  /** Image tags in the registry, by image name. */
  imageTags?: (image: string) => string[] | undefined;
  /** Folder-to-Kustomization mapping (see applied.ts). */
  appliedBy?: (file: string) => string[];
}

export function whatFluxWillDeploy(objects: FluxObjects, known: KnownArtifacts = {}): FluxDeployment {
  const releases = releaseCharts(objects).map((chart): DeployedRelease => {
    const versions = chart.ociUrl ? known.chartVersions?.(chart.ociUrl) : undefined;
    const { semver, tag, digest } = chart.rule;
    let version: string | undefined;
    if (versions) {
      const plain = versions.map((v) => v.replaceAll('_', '+'));
      if (semver !== undefined) version = parseRange(semver)?.best(plain);
      else if (!digest) version = plain.find((v) => v === (tag ?? 'latest'));
    }
    return {
      release: label(chart.release),
      where: chart.release.where,
      chart: chart.chart,
      from: chart.source?.url,
      ociUrl: chart.ociUrl,
      rule: digest
        ? `digest ${digest}`
        : semver !== undefined
          ? `version '${semver}'`
          : `tag ${tag ?? 'latest'}`,
      version,
      versionsKnown: versions !== undefined,
      appliedBy: known.appliedBy?.(chart.release.where.file) ?? [],
    };
  });
  const images = objects.imagePolicies.map((policy): DeployedImage => {
    const image = repositoryOfPolicy(objects, policy)?.image;
    const ordering = orderingOf(policy);
    const tags = image ? known.imageTags?.(image) : undefined;
    return {
      policy: label(policy),
      where: policy.where,
      image,
      rule: isFinding(ordering) ? 'invalid' : ordering.describe.replace(/^ImagePolicy [^:]+: /, ''),
      selected: tags && !isFinding(ordering) ? selectLatest(ordering, tags) : undefined,
      tagsKnown: tags !== undefined,
      inGit: objects.markers
        .filter((m) => policyOfMarker(objects, m.policy) === policy && m.field !== 'name')
        .map((m) => ({ where: m.where, value: m.value })),
    };
  });
  return { releases, images };
}
