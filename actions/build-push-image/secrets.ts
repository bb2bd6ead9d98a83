import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../src/core/errors.ts';
import type { BuildSecret } from '../../src/core/image/builders/builder.ts';

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Secret files are small (tokens, .npmrc): larger or binary ones are not masked line by line. */
const MASKED_FILE_LIMIT = 64 * 1024;

/**
 * Parses `secrets` lines, `id=<id>,env=<VAR>` or `id=<id>,src=<file>` (docker/build-push-action's
 * `secret-envs` / `secret-files` in one list), and masks every value before anything can print it.
 */
export function parseSecrets(
  lines: string[],
  workspace: string,
  env: NodeJS.ProcessEnv,
  mask: (value: string) => void,
): BuildSecret[] {
  const secrets: BuildSecret[] = [];
  for (const line of lines) {
    const fields = new Map<string, string>();
    for (const field of line.split(',')) {
      const eq = field.indexOf('=');
      const key = field.slice(0, eq).trim();
      if (eq <= 0 || fields.has(key)) throw problem(line, 'expected id=<id>,env=<VAR> or id=<id>,src=<file>');
      fields.set(key, field.slice(eq + 1).trim());
    }
    const id = fields.get('id') ?? '';
    const unknown = [...fields.keys()].filter((key) => !['id', 'env', 'src'].includes(key));
    if (unknown.length) throw problem(line, `unknown key ${unknown.join(', ')} (use id, env or src)`);
    if (!ID.test(id)) throw problem(line, 'id must be letters, digits, _ . -');
    if (secrets.some((secret) => secret.id === id)) throw problem(line, `id '${id}' is used twice`);
    const name = fields.get('env');
    const src = fields.get('src');
    if ((name === undefined) === (src === undefined)) throw problem(line, 'give exactly one of env= or src=');
    if (name !== undefined) {
      if (!ENV_NAME.test(name)) throw problem(line, 'env= must name an environment variable');
      const value = env[name];
      if (value === undefined) throw problem(line, `environment variable ${name} is not set`);
      mask(value);
      secrets.push({ id, env: name, value });
    } else {
      const file = resolve(workspace, src!);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile()) throw problem(line, `${src} is not a file`);
      if (/[,"]/.test(file))
        throw problem(line, `the path ${file} has a comma or a quote, which builders misread`);
      if (stat.size <= MASKED_FILE_LIMIT) {
        const content = readFileSync(file);
        if (!content.includes(0)) mask(content.toString('utf8'));
      }
      secrets.push({ id, file });
    }
  }
  return secrets;
}

/** Never quotes the line back whole: it may hold a value where a name was expected. */
function problem(line: string, message: string): InputError {
  const id = /(?:^|,)\s*id=([^,]*)/.exec(line)?.[1]?.trim();
  return new InputError('secrets', `${id ? `secret '${id}'` : 'a line'}: ${message}`);
}
