import type { ActionDefinition, InputSpec } from '../definition.ts';
import { globalOptions } from './args.ts';

/** What the command line's own options do (an action's input of the same name replaces one). */
const GLOBAL_HELP: Record<string, string> = {
  sha: '--sha <sha>: the commit (default: HEAD)',
  ref: '--ref <ref>: the full ref, e.g. refs/heads/main or refs/tags/v1.2.3 (default: from git)',
  'default-branch': "--default-branch <name>: the repository's default branch (default: origin/HEAD)",
  summary: '--summary <file>: append the Markdown job summary to the file',
};

export function actionHelp(definition: ActionDefinition): string {
  const globals = globalOptions(definition);
  const usage = globals.map((name) => `[${GLOBAL_HELP[name]!.split(':')[0]}]`).join(' ');
  const lines = [
    `golden-actions ${definition.name} [--<input> <value> ...] [--json] ${usage}`,
    '',
    definition.description,
  ];
  lines.push('', 'Inputs (also read from GA_INPUT_<NAME> variables, e.g. GA_INPUT_ROLE_TO_ASSUME):');
  for (const [name, spec] of Object.entries(definition.inputs)) {
    lines.push(`  --${name}${valueHint(spec)}`);
    lines.push(`      ${plain(spec.description)}${defaultHint(spec)}`);
  }
  const list = Object.keys(definition.inputs).find((name) => definition.inputs[name]!.type === 'list');
  const flag = Object.keys(definition.inputs).find((name) => definition.inputs[name]!.type === 'boolean');
  lines.push('');
  if (list) lines.push(`A list input may be repeated (--${list} a --${list} b).`);
  if (flag) lines.push(`A boolean input may stand alone (--${flag}).`);
  if (Object.values(definition.inputs).some((spec) => spec.secret))
    lines.push('Secrets are better passed as GA_INPUT_* variables than as flags.');
  lines.push('', 'Options:', '  --json: print the outputs as one JSON object, typed (true, 3, ["a"])');
  for (const name of globals) lines.push(`  ${GLOBAL_HELP[name]}`);
  lines.push('', 'Outputs (name=value lines on stdout, or one JSON object with --json):');
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
    'Usage: golden-actions <action> [--<input> <value> ...] [--json] [--summary <file>] [--sha <sha>] [--ref <ref>] [--default-branch <name>]',
    '       golden-actions <action> --help',
    '       golden-actions flux-check [<folder>] [--warn] [--json]   (Flux wiring check, for pre-commit)',
    '       golden-actions --version',
    '',
    'Actions:',
    ...definitions.map((d) => `  ${d.name.padEnd(width)}  ${d.title}`),
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
