import { InputError, UserError } from '../core/errors.ts';
import type { ActionDefinition } from '../definition.ts';

export interface ParsedArgs {
  flags: Map<string, string>;
  json: boolean;
  help: boolean;
  sha?: string;
  ref?: string;
  defaultBranch?: string;
  summary?: string;
}

/** Options of the command line itself (not inputs), by flag name. An action's own input wins. */
export const GLOBAL_OPTIONS = {
  sha: 'sha',
  ref: 'ref',
  'default-branch': 'defaultBranch',
  summary: 'summary',
} as const;
type GlobalOption = keyof typeof GLOBAL_OPTIONS;

export const globalOptions = (definition: ActionDefinition) =>
  (Object.keys(GLOBAL_OPTIONS) as GlobalOption[]).filter((name) => !definition.inputs[name]);

/**
 * `--name value`, `--name=value`; a boolean input may stand alone (`--dry-run`). Repeating a list
 * input adds lines (`--tags type=sha --tags type=raw,value=x`). Unknown flags are errors.
 */
export function parseArgs(definition: ActionDefinition, argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Map(), json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      parsed.help = true;
      continue;
    }
    if (!arg.startsWith('--'))
      throw new UserError(`Unexpected argument '${arg}' (inputs are given as --<input> <value>)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (name === 'json' || name === 'help') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new UserError(`--${name} takes no value, or true/false (got '${inline}')`);
      }
      parsed[name] = inline !== 'false';
      continue;
    }
    const spec = Object.hasOwn(definition.inputs, name) ? definition.inputs[name] : undefined;
    const isGlobal = !spec && Object.hasOwn(GLOBAL_OPTIONS, name);
    if (!spec && !isGlobal) {
      throw new UserError(
        `Unknown option '--${name}' for ${definition.name} (see golden-actions ${definition.name} --help)`,
      );
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (spec?.type === 'boolean' && (next === undefined || next.startsWith('--'))) value = 'true';
      else if (next === undefined) {
        throw isGlobal ? new UserError(`--${name} needs a value`) : new InputError(name, 'needs a value');
      } else value = argv[++i];
    }
    if (isGlobal) parsed[GLOBAL_OPTIONS[name as GlobalOption]] = value;
    else {
      const previous = parsed.flags.get(name);
      parsed.flags.set(
        name,
        previous !== undefined && spec?.type === 'list' ? `${previous}\n${value}` : value!,
      );
    }
  }
  return parsed;
}
