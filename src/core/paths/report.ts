/** Job-summary Markdown for the change filters and the loop guard. File names are escaped. */

import type { GuardResult } from '../loop-guard/loop-guard.ts';
import type { Location } from '../loop-guard/model.ts';
import type { Comparison } from './changes.ts';
import type { FilterResult } from './filters.ts';
import type { Dialect } from './glob.ts';

const SHOWN = 5;

export function code(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;');
  return `<code>${escaped.replace(/\n/g, '\\n')}</code>`;
}

const at = (where?: Location) => (where ? `${where.file}${where.line ? `:${where.line}` : ''}` : '');

export interface DialectDifference {
  name: string;
  other: Dialect;
  onlyHere: string[];
  onlyThere: string[];
  /** Set when only a sample of `compared` changed files was compared. */
  compared?: number;
}

export function filtersSummary(
  comparison: Comparison,
  changed: number,
  dialect: Dialect,
  results: readonly FilterResult[],
  differences: readonly DialectDifference[],
): string {
  const lines = [
    '### Change filters',
    '',
    `${comparison.reason}: ${changed} changed file${changed === 1 ? '' : 's'}, dialect \`${dialect}\`.`,
    '',
    '| Filter | Matched | Files | First files |',
    '|---|---|---|---|',
  ];
  for (const { name, files } of results) {
    const shown = files.slice(0, SHOWN).map(code).join(', ') + (files.length > SHOWN ? ', …' : '');
    lines.push(`| ${code(name)} | ${files.length > 0 ? 'true' : 'false'} | ${files.length} | ${shown} |`);
  }
  for (const diff of differences) {
    const examples = [
      ...diff.onlyHere.map((f) => `${code(f)} (only ${dialect})`),
      ...diff.onlyThere.map((f) => `${code(f)} (only ${diff.other})`),
    ];
    lines.push(
      '',
      `Note: filter ${code(diff.name)} matches differently under the \`${diff.other}\` dialect: ${examples.slice(0, SHOWN).join(', ')}${examples.length > SHOWN ? ', …' : ''}${diff.compared ? ` (compared on a sample of ${diff.compared} of the changed files)` : ''}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function guardSummary(result: GuardResult, enforced: boolean): string {
  const loops = result.findings.filter((f) => f.kind === 'loop');
  const latent = result.findings.filter((f) => f.kind === 'latent');
  const lines = ['### Commit-loop guard', ''];
  if (loops.length > 0) {
    lines.push(
      `**Loop risk: ${loops.length} build trigger${loops.length === 1 ? ' fires' : 's fire'} on paths that automation writes.**${enforced ? '' : ' (loop-guard is off: not failing)'}`,
    );
  } else {
    lines.push('No loop risk found.');
  }
  if (result.findings.length > 0) {
    lines.push('', '| | Trigger (line to fix) | Path | Written by | Why |', '|---|---|---|---|---|');
    for (const finding of [...loops, ...latent]) {
      lines.push(
        `| ${finding.kind === 'loop' ? 'loop' : 'latent'} | ${code(at(finding.firing.where))} | ${code(finding.path)} | ${code(finding.writer.label)} | ${finding.firing.why}; ${finding.effect.why} |`,
      );
    }
  }
  lines.push('', `Writers found: ${result.writers.length === 0 ? 'none' : ''}`);
  for (const writer of result.writers) {
    const effects = Object.entries(writer.ci)
      .map(([platform, effect]) => `${platform}: ${effect.starts ? 'starts pipelines' : 'starts none'}`)
      .join(', ');
    lines.push(`- ${writer.label} (${effects})`);
  }
  lines.push('', `Build triggers found: ${result.triggers.length === 0 ? 'none' : ''}`);
  for (const trigger of result.triggers) lines.push(`- ${trigger.label} at ${code(at(trigger.where))}`);
  if (result.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const note of result.notes) lines.push(`- ${note.message}`);
  }
  return `${lines.join('\n')}\n`;
}
