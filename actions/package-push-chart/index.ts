import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildChartArtifact,
  type ChartReference,
  chartReference,
  namespaceProblem,
  rfc3339,
} from '../../src/core/chart/oci.ts';
import { packageChart } from '../../src/core/chart/package.ts';
import { type PushResult, pushChart } from '../../src/core/chart/push.ts';
import { ensureChartRepository, type RepositoryState } from '../../src/core/chart/repository.ts';
import { versionProblem } from '../../src/core/chart/version.ts';
import type { RunContext } from '../../src/core/context.ts';
import { knownEnv } from '../../src/core/env-vars.ts';
import { InputError } from '../../src/core/errors.ts';
import { checkChartPush } from '../../src/core/flux/chart-check.ts';
import { normalizeOciUrl } from '../../src/core/flux/releases.ts';
import type { Logger } from '../../src/core/log.ts';
import { RegistryClient } from '../../src/core/registry/client.ts';
import { resolveRegistry } from '../../src/core/registry/target.ts';
import type { Inputs, RunArgs } from '../../src/definition.ts';
import { DryRunChecks, uncheckedTarget } from '../shared/dry-run.ts';
import { finishFluxCheck, workspaceFlux } from '../shared/flux.ts';
import { awsRegion, registryTargetOptions } from '../shared/registry.ts';
import { workspacePath } from '../shared/workspace.ts';
import { definition } from './definition.ts';

export { definition };

export async function run(args: RunArgs<Inputs<typeof definition>>): Promise<Record<string, string>> {
  const { inputs, context, log } = args;
  // Everything that needs no network comes first: a bad input or chart touches no registry.
  const chart = chartFolder(context.workspace, inputs.chart);
  if (inputs.version) {
    const problem = versionProblem(inputs.version);
    if (problem) throw new InputError('version', problem);
  }
  if (/[\r\n]/.test(inputs['app-version'])) throw new InputError('app-version', 'must be one line');
  const namespaceIssue = namespaceProblem(inputs.namespace);
  if (namespaceIssue) throw new InputError('namespace', namespaceIssue);

  const pkg = await log.group(`Package ${chart.display}`, async () => {
    const result = await packageChart(chart.dir, chart.display, {
      version: inputs.version || undefined,
      appVersion: inputs['app-version'] || undefined,
    });
    for (const warning of result.warnings) log.warning(warning, { file: `${chart.display}/Chart.yaml` });
    log.info(`${result.filename}: ${result.entries.length} files, ${result.archive.length} bytes`);
    return result;
  });
  args.setOutput('name', pkg.name);
  args.setOutput('version', pkg.version);

  const created = creationTime(context, log);
  const artifact = buildChartArtifact(pkg.archive, pkg.metadata, created);
  const dryRun = inputs['dry-run'];
  const checks = new DryRunChecks(dryRun, log);
  const region = awsRegion(inputs);
  const target =
    (await checks.credentials('the registry login', () =>
      resolveRegistry(registryTargetOptions(inputs, args, region)),
    )) ?? uncheckedTarget(inputs.registry, region);
  const reference = chartReference(target.host, inputs.namespace, pkg.name, pkg.version);
  args.setOutput('ref', reference.ref);

  const client = new RegistryClient(
    target.host,
    { username: target.username, password: target.password },
    // A dry run asks once: offline, it says so at once instead of retrying.
    { logger: log, mask: args.mask, retry: dryRun ? { attempts: 1 } : undefined },
  );
  await fluxCheck(args, client, reference, pkg.name, pkg.version);

  let repository: RepositoryState | undefined;
  if (target.ecr) {
    const ecr = target.ecr;
    repository = await checks.registry(`whether the ECR repository ${reference.repository} exists`, () =>
      ensureChartRepository(ecr, reference.repository, {
        create: inputs['create-repository'],
        dryRun,
        log,
        host: target.host,
      }),
    );
  }
  const versionSource = inputs.version
    ? "the 'version' input"
    : `'version' in ${chart.display}/Chart.yaml, or the 'version' input`;
  const wouldPush: PushResult = { outcome: 'would-push', pushed: false, digest: artifact.digest };
  checks.skipped(`whether ${reference.ref} exists`);
  const result: PushResult =
    repository === 'would-create' || checks.unchecked.length > 0
      ? wouldPush
      : ((await checks.registry(`whether ${reference.ref} exists`, () =>
          pushChart(client, reference, artifact, pkg.entries, {
            ifExists: inputs['if-exists'],
            dryRun,
            log,
            versionSource,
          }),
        )) ?? wouldPush);
  if (result === wouldPush && dryRun)
    log.info(`Dry run: would push ${reference.ref} (manifest ${artifact.digest})`);
  checks.report();

  const outputs = {
    name: pkg.name,
    version: pkg.version,
    ref: reference.ref,
    digest: result.digest,
    pushed: String(result.pushed),
  };
  args.summary(
    summary(outputs, {
      appVersion: pkg.metadata.appVersion,
      created: rfc3339(created),
      outcome: describeOutcome(result, repository),
    }),
  );
  return outputs;
}

/**
 * Before the ECR repository is created or anything pushed: does every HelmRelease / OCIRepository
 * of this chart in the workspace take it from here, and admit this version?
 */
async function fluxCheck(
  args: RunArgs<Inputs<typeof definition>>,
  client: RegistryClient,
  reference: ChartReference,
  name: string,
  version: string,
) {
  const mode = args.inputs['flux-check'];
  if (mode === 'off') return;
  const flux = await workspaceFlux(args.context.workspace);
  const location = `oci://${reference.host}/${reference.repository.split('/').slice(0, -1).join('/')}`;
  const result = checkChartPush(flux.objects, { name, version, location });
  const notes = [...result.notes];
  // The versions already there, so the summary can say which one Flux picks once this one lands.
  let versions: string[] | undefined;
  if (result.releases.length > 0) {
    versions = await client.tags(reference.repository).catch((error: Error) => {
      notes.push(`the versions of ${reference.repository} could not be listed (${error.message})`);
      return undefined;
    });
  }
  const pushedTo = `${normalizeOciUrl(location)}/${name}`;
  finishFluxCheck(
    args,
    flux,
    {
      findings: result.findings,
      notes,
      known: {
        chartVersions: (url) => (url === pushedTo && versions ? [...versions, reference.tag] : undefined),
      },
    },
    { mode, scope: 'the workspace', stops: 'nothing was pushed' },
  );
}

/** The chart folder: the input (inside the workspace), or the single chart under `charts/`. */
function chartFolder(workspace: string, input: string): { dir: string; display: string } {
  if (input) {
    const { path: dir, display } = workspacePath(workspace, input, 'chart');
    if (!statSync(dir).isDirectory()) throw new InputError('chart', `${input} is not a folder`);
    if (!existsSync(join(dir, 'Chart.yaml'))) throw new InputError('chart', `${display} has no Chart.yaml`);
    return { dir, display };
  }
  const root = realpathSync(workspace);
  const charts = join(root, 'charts');
  const folders = existsSync(charts)
    ? readdirSync(charts, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
        .sort()
    : [];
  const withChart = folders.filter((name) => existsSync(join(charts, name, 'Chart.yaml')));
  if (withChart.length === 1) return { dir: join(charts, withChart[0]!), display: `charts/${withChart[0]}` };
  if (withChart.length === 0) {
    const seen = folders.length
      ? `; folders without Chart.yaml: ${folders.map((name) => `charts/${name}`).join(', ')}`
      : '';
    throw new InputError(
      'chart',
      `not set, and there is no chart folder in charts/${seen}. Set chart to the chart's folder`,
    );
  }
  throw new InputError(
    'chart',
    `not set, and charts/ holds several charts (${withChart.map((name) => `charts/${name}`).join(', ')}). Set chart to one of them`,
  );
}

/**
 * The manifest's `created` annotation must not change between re-runs of a commit, so it is not
 * "now": SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else the commit's
 * committer time, else the epoch.
 */
function creationTime(context: RunContext, log: Logger): Date {
  const epoch = knownEnv().SOURCE_DATE_EPOCH?.trim();
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  if (context.commitTime !== undefined) return new Date(context.commitTime * 1000);
  log.warning(
    'The commit time is unknown and SOURCE_DATE_EPOCH is not set: the chart is annotated as created at the epoch',
  );
  return new Date(0);
}

function describeOutcome(result: PushResult, repository: RepositoryState | undefined): string {
  switch (result.outcome) {
    case 'pushed':
      return repository === 'created' ? 'pushed (ECR repository created)' : 'pushed';
    case 'would-push':
      return repository === 'would-create'
        ? 'dry run: would create the ECR repository and push'
        : 'dry run: would push';
    case 'unchanged':
      return 'already in the registry with the same content: not pushed';
    case 'skipped-different':
      return 'version exists with different content: left as it is (if-exists: skip)';
  }
}

function summary(
  outputs: { name: string; version: string; ref: string; digest: string },
  extra: { appVersion?: string; created: string; outcome: string },
): string {
  // Inside a table cell a pipe must be escaped; a backtick would end the code span.
  const cell = (value: string) => `\`${value.replaceAll('|', '\\|').replaceAll('`', "'")}\``;
  const rows: [string, string][] = [
    ['Chart', cell(outputs.name)],
    ['Version', cell(outputs.version)],
    ...(extra.appVersion ? [['App version', cell(extra.appVersion)] as [string, string]] : []),
    ['Reference', cell(outputs.ref)],
    ['Digest', cell(outputs.digest)],
    ['Created', cell(extra.created)],
    ['Result', extra.outcome],
  ];
  return [
    `### Helm chart ${outputs.name} ${outputs.version}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([key, value]) => `| ${key} | ${value} |`),
    '',
  ].join('\n');
}
