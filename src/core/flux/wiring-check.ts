/**
 * The whole wiring of a repository, with no push in view (verify-paths-filter and
 * `golden-actions flux-check`): every setter marker reaches an ImagePolicy, every ImagePolicy an
 * ImageRepository, every value in Git passes its policy; every HelmRelease reaches its chart source,
 * and every range and pattern is one Flux accepts.
 */
import { type Finding, uniqueFindings } from './finding.ts';
import { checkMarker } from './marker-check.ts';
import { type FluxObjects, label, repositoryOfPolicy } from './objects.ts';
import { isFinding, orderingOf } from './policy.ts';
import { releaseCharts } from './releases.ts';
import { parseRange } from './semver-range.ts';

export function checkWiring(objects: FluxObjects): Finding[] {
  const findings: Finding[] = [];
  const add = (finding: Finding) => findings.push(finding);

  for (const marker of objects.markers) {
    for (const finding of checkMarker(objects, marker, { tagRole: 'the tag in Git' })) add(finding);
  }
  for (const policy of objects.imagePolicies) {
    if (!repositoryOfPolicy(objects, policy)) {
      add({
        kind: 'repository-missing',
        object: policy,
        where: policy.where,
        message: `${label(policy)} watches ImageRepository ${policy.repositoryRef?.name ?? '(none given)'}, which is not in the repository: the policy selects nothing`,
      });
    }
    const ordering = orderingOf(policy);
    if (isFinding(ordering)) add(ordering);
  }
  for (const chart of releaseCharts(objects)) {
    const ref = chart.sourceRef;
    const checkable = ref && (ref.kind === 'HelmRepository' || ref.kind === 'OCIRepository');
    if (checkable && !chart.source) {
      add({
        kind: 'source-missing',
        object: chart.release,
        where: chart.release.where,
        message: `${label(chart.release)} takes its chart from ${label({ ...ref, namespace: ref.namespace ?? chart.release.namespace })}, which is not in the repository: Flux cannot install it`,
      });
    }
    if (chart.rule.semver !== undefined && !parseRange(chart.rule.semver)) {
      add({
        kind: 'invalid-spec',
        object: chart.source && !chart.release.chart ? chart.source : chart.release,
        where: chart.ruleWhere,
        message: `${label(chart.release)}: '${chart.rule.semver}' is not a valid semver range: Flux fails the chart`,
      });
    }
  }
  for (const repository of objects.ociRepositories) {
    const range = repository.ref?.semver;
    if (range !== undefined && !parseRange(range)) {
      add({
        kind: 'invalid-spec',
        object: repository,
        where: { file: repository.where.file, line: repository.ref?.line ?? repository.where.line },
        message: `${label(repository)}: ref.semver '${range}' is not a valid semver range: Flux fails the source`,
      });
    }
  }
  return uniqueFindings(findings);
}
