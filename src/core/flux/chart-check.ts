/**
 * package-push-chart, before the push: every HelmRelease or OCIRepository that deploys a chart of
 * this name must take it from where it is pushed, and its version rule must admit the version.
 */
import type { Finding } from './finding.ts';
import { type FluxObjects, label, type ObjectRef } from './objects.ts';
import { normalizeOciUrl, type ReleaseChart, releaseCharts } from './releases.ts';
import { parseRange } from './semver-range.ts';

type Candidate = Pick<ReleaseChart, 'rule' | 'ruleWhere' | 'source' | 'ociUrl'> & {
  deployer: ObjectRef;
  of?: ReleaseChart;
};

export interface ChartCheck {
  findings: Finding[];
  notes: string[];
  /** The releases that deploy exactly this chart from this location. */
  releases: ReleaseChart[];
}

/** `location`: `oci://<registry>/<namespace>` the chart is pushed under. */
export function checkChartPush(
  objects: FluxObjects,
  chart: { name: string; version: string; location: string },
): ChartCheck {
  const pushedTo = `${normalizeOciUrl(chart.location)}/${chart.name}`;
  const result: ChartCheck = { findings: [], notes: [], releases: [] };
  // Each HelmRelease of this chart, then OCIRepositories of it that no HelmRelease uses.
  const releases = releaseCharts(objects).filter((r) => r.chart === chart.name);
  const candidates: Candidate[] = releases.map((r) => ({ ...r, deployer: r.release, of: r }));
  for (const repository of objects.ociRepositories) {
    const url = repository.url ? normalizeOciUrl(repository.url) : '';
    if (url.split('/').pop() !== chart.name || releases.some((r) => r.source === repository)) continue;
    candidates.push({
      deployer: repository,
      rule: repository.ref ?? {},
      ruleWhere: { file: repository.where.file, line: repository.ref?.line ?? repository.where.line },
      source: repository,
      ociUrl: url,
    });
  }
  for (const candidate of candidates) {
    const name = label(candidate.deployer);
    if (!candidate.source) {
      result.notes.push(`${name}: its chart source is not in the repository; not checked`);
      continue;
    }
    if (candidate.ociUrl !== pushedTo) {
      const from = candidate.ociUrl ?? candidate.source.url ?? '(no url)';
      result.findings.push({
        kind: 'source-elsewhere',
        object: candidate.source,
        where: {
          file: candidate.source.where.file,
          line: candidate.source.urlLine ?? candidate.source.where.line,
        },
        message: `${name} takes chart ${chart.name} from ${from}, but it is pushed to ${pushedTo}: Flux never sees this push`,
      });
      continue;
    }
    if (candidate.of) result.releases.push(candidate.of);
    const problem = ruleProblem(candidate.rule, chart.version);
    if (problem) {
      result.findings.push({
        kind: problem.kind,
        object: candidate.deployer,
        where: candidate.ruleWhere,
        message: `${name}: chart ${chart.name} ${chart.version} ${problem.message}`,
      });
    }
  }
  return result;
}

/** Why Flux would not pick `version` under this rule, or undefined when it may. */
export function ruleProblem(
  rule: ReleaseChart['rule'],
  version: string,
): { kind: 'chart-out-of-range' | 'invalid-spec'; message: string } | undefined {
  if (rule.digest)
    return { kind: 'chart-out-of-range', message: `is not deployed: the source pins digest ${rule.digest}` };
  if (rule.semver !== undefined) {
    const range = parseRange(rule.semver);
    if (!range)
      return {
        kind: 'invalid-spec',
        message: `cannot be checked: '${rule.semver}' is not a valid semver range, Flux fails the source`,
      };
    return range.satisfies(version)
      ? undefined
      : {
          kind: 'chart-out-of-range',
          message: `lies outside the range '${rule.semver}': Flux never deploys it`,
        };
  }
  // OCI tags cannot hold `+`: Helm and Flux write it as `_`.
  const tag = rule.tag ?? 'latest';
  return tag === version.replaceAll('+', '_')
    ? undefined
    : {
        kind: 'chart-out-of-range',
        message: `is not deployed: the source follows tag '${tag}'${rule.tag ? '' : ' (no ref given)'}`,
      };
}
