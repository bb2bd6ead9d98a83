/**
 * The runner's workflow commands and file commands (docs/design/github-runner.md#file-commands and
 * #workflow-commands).
 * Written here rather than taken from @actions/core because loading @actions/core costs more
 * start-up than a whole action needs (the OIDC request is a plain fetch in github.ts, for the same reason).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';
import { knownEnv } from '../core/env-vars.ts';

export interface CommandProperties {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::name key=value,…::message` on stdout. */
export function issueCommand(name: string, message: string, properties: CommandProperties = {}): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

/** Appends `name=value` (heredoc form with a random delimiter) to a file command such as GITHUB_OUTPUT. */
export function fileCommand(variable: 'GITHUB_OUTPUT', name: string, value: string): void {
  const path = knownEnv()[variable];
  if (!path) throw new Error(`${variable} is not set: is this running on a GitHub Actions runner?`);
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error('value contains the delimiter');
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

export function appendSummary(markdown: string): void {
  const path = knownEnv().GITHUB_STEP_SUMMARY;
  if (path) appendFileSync(path, `${markdown}${EOL}`, 'utf8');
}

/**
 * Prints a line the runner must not read as a workflow command: a build log or a file name that
 * contains `::set-env::`-like text is shown, not obeyed. The runner reads stdout and stderr alike.
 */
export function writeInert(write: (text: string) => void, text: string): void {
  if (!text.includes('::')) {
    write(`${text}${EOL}`);
    return;
  }
  const token = randomUUID();
  write(`::stop-commands::${token}${EOL}${text}${EOL}::${token}::${EOL}`);
}
