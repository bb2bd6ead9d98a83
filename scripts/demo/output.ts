/**
 * How the demo speaks: numbered steps with their time, colour only on a terminal (and not with
 * NO_COLOR), and never the registry password, whatever a program echoes.
 */

const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: string) => (text: unknown) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text));
export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const yellow = paint('33');
export const red = paint('31');
const cyan = paint('36');

export const say = (line = '') => {
  process.stdout.write(`${line}\n`);
};
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

const secrets: string[] = [];
/** Registers a value that must never be printed. */
export function hideSecret(value: string): void {
  if (value) secrets.push(value);
}
export function redact(text: string): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** A failure the demo explains in its own words (no stack trace). */
export class DemoError extends Error {}

export class Steps {
  private number = 0;

  constructor(private readonly count: number) {}

  /** Runs one step and prints its one-line result; a step that fails throws (the demo stops). */
  async run(title: string, fn: () => Promise<string | undefined>): Promise<void> {
    this.number += 1;
    say(`${bold(cyan(`[${this.number}/${this.count}]`))} ${bold(title)}`);
    const t0 = performance.now();
    const result = await fn();
    const took = dim(seconds(performance.now() - t0));
    say(`      ${green('✓')} ${result ?? ''} ${took}`);
  }
}
