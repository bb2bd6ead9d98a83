import type { ActionDefinition, InputSpec } from '../definition.ts';

export function actionHelp(definition: ActionDefinition): string {
  const lines = [
    `golden-actions ${definition.name} [--<input> <value> ...] [--json] [--sha <sha>] [--ref <ref>]`,
    '',
    definition.description,
  ];
  if (!definition.ready)
    lines.push('', 'Status: not implemented yet in this version; it fails with a clear message.');
  lines.push('', 'Inputs (also read from GA_INPUT_<NAME> variables, e.g. GA_INPUT_ROLE_TO_ASSUME):');
  for (const [name, spec] of Object.entries(definition.inputs)) {
    lines.push(`  --${name}${valueHint(spec)}`);
    lines.push(`      ${plain(spec.description)}${defaultHint(spec)}`);
  }
  lines.push(
    '',
    'A list input may be repeated (--tags a --tags b); a boolean input may stand alone (--dry-run).',
    'Secrets are better passed as GA_INPUT_* variables than as flags.',
    '',
    'Outputs (name=value lines on stdout, or one JSON object with --json):',
  );
  for (const [name, spec] of Object.entries(definition.outputs))
    lines.push(`  ${name}: ${plain(spec.description)}`);
  if (definition.dynamicOutputs) lines.push(`  ${plain(definition.dynamicOutputs)}`);
  lines.push('', 'Exit status: 0 success, 1 the action failed, 2 bad input.');
  return `${lines.join('\n')}\n`;
}

export function mainHelp(definitions: ActionDefinition[], version: string): string {
  const width = Math.max(...definitions.map((d) => d.name.length));
  return [
    `golden-actions ${version}: build, push and deploy through GitOps.`,
    '',
    'Usage: golden-actions <action> [--<input> <value> ...] [--json] [--sha <sha>] [--ref <ref>]',
    '       golden-actions <action> --help',
    '       golden-actions flux-check [<folder>] [--warn] [--json]   (Flux wiring check, for pre-commit)',
    '       golden-actions --version',
    '',
    'Actions:',
    ...definitions.map(
      (d) => `  ${d.name.padEnd(width)}  ${d.title}${d.ready ? '' : ' (not implemented yet)'}`,
    ),
    '',
  ].join('\n');
}

function valueHint(spec: InputSpec): string {
  if (spec.type === 'boolean') return ' <true|false>';
  if (spec.options) return ` <${spec.options.join('|')}>`;
  if (spec.type === 'number') return ' <number>';
  return ' <value>';
}

function defaultHint(spec: InputSpec): string {
  if (spec.required) return ' (required)';
  if (spec.default === undefined || spec.default === '') return '';
  return ` (default: ${String(spec.default).replace(/\n/g, '\\n')})`;
}

const plain = (markdown: string) => markdown.replace(/`/g, '');
