import type { RunContext } from '../core/context.ts';
import type { Logger } from '../core/log.ts';

/** One CI platform (or the terminal). The runner talks to nothing else. */
export interface Platform {
  readonly name: RunContext['platform'];
  readonly log: Logger;
  /** The raw text of an input, or undefined when the face did not receive it. */
  input(name: string): string | undefined;
  mask(value: string): void;
  setOutput(name: string, value: string, dotenvName?: string): void;
  summary(markdown: string): void;
  idToken(audience: string): Promise<string>;
  context(): Promise<RunContext>;
  /** Reports the failure the way the platform shows failures. */
  fail(message: string): void;
  /** Flushes outputs and the summary. */
  finish(): Promise<void>;
}

/** Replaces every registered secret in text. Used by every face before anything is printed. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string): string[] {
    const parts = [value, ...value.split(/\r?\n/)]
      .map((part) => part.trim())
      .filter((part) => part.length >= 3);
    for (const part of parts) this.secrets.add(part);
    return parts;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}
