/**
 * `golden-actions flux-check [<folder>] [--warn] [--json]`: the whole-wiring Flux check of a
 * repository (what verify-paths-filter runs), for a pre-commit hook. One line per finding
 * (`file:line: kind Kind ns/name: message`) on stderr; exit 1 when there is any, unless --warn.
 */
import { resolve } from 'node:path';
import { wiringCheck } from '../../actions/shared/flux.ts';
import { findingText } from '../core/flux/report.ts';

export const FLUX_CHECK_USAGE = `golden-actions flux-check [<folder>] [--warn] [--json]

Checks the Flux wiring of a repository (default: the current folder), as verify-paths-filter does:
setter markers -> ImagePolicy -> ImageRepository, the tags in Git against their policies, HelmRelease
-> HelmRepository/OCIRepository, and every pattern and range Flux reads.

  --warn   report findings but exit 0
  --json   print the findings as one JSON array on stdout

Exit status: 0 no finding (or --warn), 1 findings, 2 bad usage.
`;

export async function fluxCheckCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(FLUX_CHECK_USAGE);
    return 0;
  }
  const flags = args.filter((a) => a.startsWith('-'));
  const folders = args.filter((a) => !a.startsWith('-'));
  const unknown = flags.filter((f) => f !== '--warn' && f !== '--json');
  if (unknown.length || folders.length > 1) {
    process.stderr.write(
      `error: ${unknown.length ? `unknown flag ${unknown[0]}` : 'give at most one folder'}\n\n${FLUX_CHECK_USAGE}`,
    );
    return 2;
  }
  const root = resolve(folders[0] ?? '.');
  const { flux, findings } = await wiringCheck(root);
  for (const note of flux.notes) process.stderr.write(`note: ${note}\n`);
  for (const finding of findings) {
    process.stderr.write(`${finding.where.file}:${finding.where.line}: ${findingText(finding)}\n`);
  }
  if (flags.includes('--json')) process.stdout.write(`${JSON.stringify(findings)}\n`);
  const o = flux.objects;
  process.stderr.write(
    `flux-check: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${root} (${o.markers.length} setter markers, ${o.imagePolicies.length} ImagePolicies, ${o.helmReleases.length} HelmReleases, ${o.helmRepositories.length + o.ociRepositories.length} chart sources)\n`,
  );
  return findings.length > 0 && !flags.includes('--warn') ? 1 : 0;
}
