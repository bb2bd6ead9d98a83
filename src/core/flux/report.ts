/**
 * How a Flux check speaks: one annotation per finding at its file:line, a job-summary section
 * "What Flux will deploy", and with `flux-check: fail` an error before anything is pushed.
 */
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { FluxDeployment } from './deploy.ts';
import type { Finding, FluxCheckMode } from './finding.ts';
import { label } from './objects.ts';

export interface FluxReport {
  /** What was read, e.g. "the workspace" or "owner/gitops (main)". */
  scope: string;
  findings: Finding[];
  notes: string[];
  deployment: FluxDeployment;
}

export const findingText = (finding: Finding) =>
  `${finding.kind} ${label(finding.object)} (${finding.where.file}:${finding.where.line}): ${finding.message}`;

/** Annotations and log lines; then, in `fail` mode, stops the action. */
export function reportFlux(report: FluxReport, mode: FluxCheckMode, log: Logger, what: string): void {
  for (const finding of report.findings) {
    const where = { file: finding.where.file, line: finding.where.line, title: `Flux: ${finding.kind}` };
    if (mode === 'fail') log.error(findingText(finding), where);
    else log.warning(findingText(finding), where);
  }
  for (const note of report.notes) log.info(`Flux check: ${note}`);
  const count = report.findings.length;
  log.info(
    `Flux check of ${report.scope}: ${count} finding${count === 1 ? '' : 's'}, ${report.deployment.releases.length} HelmRelease(s), ${report.deployment.images.length} ImagePolicy(s)`,
  );
  if (mode === 'fail' && count > 0) {
    throw new UserError(
      `Flux check: ${count} finding${count === 1 ? '' : 's'} (see the annotations); ${what}. Fix the Flux configuration, or set flux-check: warn to only report.`,
    );
  }
}

const code = (value: string) => `\`${value.replaceAll('|', '\\|').replaceAll('`', "'")}\``;
const at = (where: { file: string; line: number }) => `${where.file}:${where.line}`;

export function fluxSummary(report: FluxReport): string {
  const { releases, images } = report.deployment;
  const lines = ['### What Flux will deploy', '', `From ${report.scope}.`, ''];
  if (releases.length === 0 && images.length === 0) {
    lines.push('No HelmRelease or ImagePolicy found.', '');
  }
  if (releases.length) {
    lines.push('| HelmRelease | chart | from | rule | picks |', '|---|---|---|---|---|');
    for (const r of releases) {
      const picks = r.version
        ? code(r.version)
        : r.versionsKnown
          ? 'nothing in the registry fits'
          : 'versions not listed';
      const applied = r.appliedBy.length ? `<br>applied by ${r.appliedBy.join(', ')}` : '';
      lines.push(
        `| ${r.release} (${code(at(r.where))})${applied} | ${code(r.chart ?? '?')} | ${code(r.from ?? '?')} | ${code(r.rule)} | ${picks} |`,
      );
    }
    lines.push('');
  }
  if (images.length) {
    lines.push('| ImagePolicy | image | rule | picks | in Git |', '|---|---|---|---|---|');
    for (const i of images) {
      const picks = i.selected ? code(i.selected) : i.tagsKnown ? 'no tag passes' : 'tags not listed';
      const git = i.inGit.map((m) => `${code(m.value)} (${code(at(m.where))})`).join('<br>') || '(no marker)';
      lines.push(`| ${i.policy} | ${code(i.image ?? '?')} | ${code(i.rule)} | ${picks} | ${git} |`);
    }
    lines.push('');
  }
  if (report.findings.length) {
    lines.push('Flux check findings:', '');
    for (const f of report.findings)
      lines.push(`- **${f.kind}** ${label(f.object)} (${code(at(f.where))}): ${f.message}`);
    lines.push('');
  }
  if (report.notes.length) {
    lines.push('Not checked or worth knowing:', '', ...report.notes.map((n) => `- ${n}`), '');
  }
  return lines.join('\n');
}
