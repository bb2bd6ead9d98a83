import { InputError } from './core/errors.ts';
import { parseList } from './core/util/list.ts';
import type { ActionDefinition, InputSpec, Inputs } from './definition.ts';

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/**
 * Reads and checks every input of a definition. `raw` returns what the face received (undefined or
 * '' when unset). Secrets are handed to `mask` before anything else happens with them.
 */
export function parseInputs<D extends ActionDefinition>(
  definition: D,
  raw: (name: string) => string | undefined,
  mask: (value: string) => void,
): Inputs<D> {
  const result: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const given = raw(name);
    if (spec.secret && given) mask(given);
    const text = given === undefined || given === '' ? defaultText(spec) : given;
    if (spec.required && text.trim() === '') throw new InputError(name, 'is required');
    result[name] = parseValue(name, spec, text);
  }
  return result as Inputs<D>;
}

function defaultText(spec: InputSpec): string {
  return spec.default === undefined ? '' : String(spec.default);
}

function parseValue(name: string, spec: InputSpec, text: string): unknown {
  switch (spec.type ?? 'string') {
    case 'boolean': {
      const value = text.trim();
      if (TRUE.includes(value)) return true;
      if (FALSE.includes(value)) return false;
      throw new InputError(name, `must be true or false (got '${value}')`);
    }
    case 'number': {
      const value = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(value))
        throw new InputError(name, `must be a number (got '${text}')`);
      return value;
    }
    case 'list':
      return parseList(text, spec.multiline ?? false);
    default: {
      const value = text.trim();
      if (spec.options && !spec.options.includes(value)) {
        throw new InputError(name, `must be one of ${spec.options.join(', ')} (got '${value}')`);
      }
      return value;
    }
  }
}
