/** The `secrets` input of build-push-image (actions/build-push-image/secrets.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecrets } from '../../../actions/build-push-image/secrets.ts';

let ws: string;
beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'ga-secrets-'));
  writeFileSync(join(ws, 'npmrc'), '//registry.example/:_authToken=file-token-value\n');
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function parse(lines: string[], env: NodeJS.ProcessEnv = {}) {
  const masked: string[] = [];
  const secrets = parseSecrets(lines, ws, env, (value) => masked.push(value));
  return { secrets, masked };
}

describe('parseSecrets', () => {
  it('reads env and file secrets, and masks every value before use', () => {
    const { secrets, masked } = parse(['id=npm,env=NPM_TOKEN', 'id=npmrc, src=npmrc'], {
      NPM_TOKEN: 'env-token-value',
    });
    expect(secrets).toEqual([
      { id: 'npm', env: 'NPM_TOKEN', value: 'env-token-value' },
      { id: 'npmrc', file: join(ws, 'npmrc') },
    ]);
    expect(masked).toEqual(['env-token-value', '//registry.example/:_authToken=file-token-value\n']);
  });

  it.each([
    [['id=a'], "secret 'a': give exactly one of env= or src="],
    [['id=a,env=X,src=npmrc'], "secret 'a': give exactly one of env= or src="],
    [['env=X'], 'a line: id must be letters'],
    [['id=a,type=env'], "secret 'a': unknown key type"],
    [['id=a,env=UNSET'], "secret 'a': environment variable UNSET is not set"],
    [['id=a,env=not-a-name'], "secret 'a': env= must name an environment variable"],
    [['id=a,src=missing'], "secret 'a': missing is not a file"],
    [['id=a,env=X', 'id=a,env=X'], "secret 'a': id 'a' is used twice"],
    [['just-a-token-value'], 'a line: expected id=<id>,env=<VAR> or id=<id>,src=<file>'],
  ])('rejects %j, naming the input', (lines, message) => {
    expect(() => parse(lines, { X: 'x' })).toThrow(`Input 'secrets': ${message}`);
  });

  it('never quotes a malformed line back (it may be a pasted value)', () => {
    const error = (() => {
      try {
        parse(['ghp_pastedTokenValue']);
      } catch (caught) {
        return (caught as Error).message;
      }
    })();
    expect(error).toContain("Input 'secrets'");
    expect(error).not.toContain('ghp_pastedTokenValue');
  });
});
