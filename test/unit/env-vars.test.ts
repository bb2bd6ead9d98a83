/**
 * The variable registry is complete: every environment variable named in src/ and actions/ (read,
 * set for a child, built from a prefix, written into a template or named in a message) has an
 * entry, and every entry is named somewhere in the product.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARS, isRegistered, PRIVATE_ENV, PROGRAM_CONFIG_ENV } from '../../src/core/env-vars.ts';
import { childEnv } from '../../src/core/util/env.ts';

const root = join(import.meta.dirname, '../..');
// The source folders read as files (a unit test starts no programs, git included).
const files = ['src', 'actions', 'scripts']
  .flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`),
  )
  .filter((file) => file.endsWith('.ts'));
const sources = new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));

/** Names with the prefixes of the variables we deal in, and the proxy variables. */
const VARIABLE =
  /\b((?:GA|GITHUB|GITLAB|CI|ACTIONS|RUNNER|AWS|DOCKER|BUILDAH|BUILDX|REGISTRY|GIT|XDG|INPUT)_[A-Z0-9_]*|(?:http|https|all|no)_proxy)(?![a-z])/g;
/** Our own constants share those prefixes (GITHUB_TRAILER, GITLAB_JOB_INPUTS): they are not variables. */
const DECLARED = /\b(?:const|let|function|class|interface|type|enum)\s+([A-Z][A-Z0-9_]+)\b/g;
/** `process.env.X`, `env.X`, `knownEnv().X`, `env['X']`: any name read from an environment. */
const READ = /\b(?:env|knownEnv\(\w*\))(?:\.([A-Z_][A-Z0-9_]*|[a-z]+_proxy)|\[['"]([^'"]+)['"]\])\b/g;

function named(scope: readonly string[]): Map<string, string> {
  const declared = new Set<string>();
  for (const text of sources.values()) for (const m of text.matchAll(DECLARED)) declared.add(m[1]!);
  const found = new Map<string, string>();
  for (const [file, text] of sources) {
    if (!scope.some((dir) => file.startsWith(dir))) continue;
    // The registry names every variable in its table: only what follows the table counts.
    const code = file === 'src/core/env-vars.ts' ? text.slice(text.indexOf('as const satisfies')) : text;
    for (const m of code.matchAll(VARIABLE)) if (!declared.has(m[1]!)) found.set(m[1]!, file);
    for (const m of code.matchAll(READ)) found.set((m[1] ?? m[2])!, file);
  }
  return found;
}

describe('environment variable registry', () => {
  it('has every variable named in src/ and actions/', () => {
    const missing = [...named(['src/', 'actions/'])].filter(([name]) => !isRegistered(name));
    expect(missing.map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });

  it('has no entry the product never names', () => {
    const all = [...named(['src/', 'actions/', 'scripts/'])].map(([name]) => name);
    const unused = Object.keys(ENV_VARS).filter((entry) =>
      entry.endsWith('*') ? !all.some((name) => name.startsWith(entry.slice(0, -1))) : !all.includes(entry),
    );
    expect(unused).toEqual([]);
  });

  it.each<[string, boolean]>([
    ['INPUT_TOKEN', false],
    ['GA_INPUT_PASSWORD', false],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', false],
    ['GA_ID_TOKEN', false],
    ['GITLAB_OIDC_TOKEN', false],
    ['GA_ID_TOKEN_VARIABLE', true],
    ['REGISTRY_AUTH_FILE', false],
    ['DOCKER_CONTENT_TRUST', false],
    ['BUILDAH_FORMAT', false],
    ['PATH', true],
    ['https_proxy', true],
    ['GITHUB_SHA', true],
  ])('a child program inherits %s: %s', (name, inherited) => {
    expect(name in childEnv({ [name]: 'x' })).toBe(inherited);
  });

  it('a builder gets the program settings it asks for, never our secrets', () => {
    const env = childEnv({ DOCKER_HOST: 'tcp://d:2376', GA_ID_TOKEN: 't' }, ['DOCKER_HOST', 'GA_ID_TOKEN']);
    expect(env).toEqual({ DOCKER_HOST: 'tcp://d:2376' });
    expect(PRIVATE_ENV.test('GA_ID_TOKEN_VARIABLE')).toBe(false);
    expect(PROGRAM_CONFIG_ENV.test('DOCKER_HOST')).toBe(true);
  });
});
