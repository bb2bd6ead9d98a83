import type { RunContext } from '../core/context.ts';
import type { Logger } from '../core/log.ts';
import type { OutputType } from '../definition.ts';

/** Where an output goes in a key=value report (GitLab dotenv); declared outputs are kept first. */
export interface ReportName {
  name: string;
  declared: boolean;
}

/** What the definition says about an output: its key=value report name and its type. */
export interface OutputMeta {
  report?: ReportName;
  type?: OutputType;
}

/** One CI platform (or the terminal). The runner talks to nothing else. */
export interface Platform {
  readonly name: RunContext['platform'];
  readonly log: Logger;
  /** The raw text of an input, or undefined when the face did not receive it. */
  input(name: string): string | undefined;
  mask(value: string): void;
  setOutput(name: string, value: string, meta?: OutputMeta): void;
  summary(markdown: string): void;
  idToken(audience: string): Promise<string>;
  /** The run's context; the runner adds `tempDir` (a fresh folder under `tempRoot`). */
  context(): Promise<Omit<RunContext, 'tempDir'>>;
  /** Where the runner makes the run's scratch folder (RUNNER_TEMP on GitHub); default the OS temp dir. */
  readonly tempRoot?: string;
  /** Reports the failure the way the platform shows failures. */
  fail(message: string): void;
  /** Flushes outputs and the summary. */
  finish(): Promise<void>;
}

/** Replaces every registered secret in text. Used by every face before anything is printed. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret, each line of a multi-line one on its own; returns the parts not seen before. */
  add(value: string): string[] {
    const parts = new Set(
      value
        .split(/\r?\n/)
        .map((part) => part.trim())
        .filter((part) => part.length >= 3),
    );
    const added = [...parts].filter((part) => !this.secrets.has(part));
    for (const part of added) this.secrets.add(part);
    return added;
  }

  redact(text: string): string {
    let out = text;
    // Longest first: a secret that contains another must not be half-replaced by the shorter one.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
      out = out.split(secret).join('***');
    return out;
  }
}
