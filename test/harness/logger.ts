/**
 * The one recording Logger of the tests: it keeps what the core says, in order and by level, so a
 * test can assert on warnings, on what is shown to users, or that no secret was logged.
 */
import type { Logger, SourcePosition } from '../../src/core/log.ts';

export type Level = 'info' | 'warning' | 'error' | 'debug' | 'group';

export interface Entry {
  level: Level;
  message: string;
  where?: SourcePosition;
}

export class RecordingLogger implements Logger {
  readonly entries: Entry[] = [];

  // Arrow properties: a test may hand one method on its own (`warning: log.warning`).
  readonly info = (message: string) => this.record('info', message);
  readonly warning = (message: string, where?: SourcePosition) => this.record('warning', message, where);
  readonly error = (message: string, where?: SourcePosition) => this.record('error', message, where);
  readonly debug = (message: string) => this.record('debug', message);
  /** Records the section title, then runs `fn` as the platforms do. */
  readonly group = <T>(title: string, fn: () => Promise<T>): Promise<T> => {
    this.record('group', title);
    return fn();
  };

  /** The messages of the given levels (all when none is given), in the order they were logged. */
  messages(...levels: Level[]): string[] {
    return this.entries.filter((e) => levels.length === 0 || levels.includes(e.level)).map((e) => e.message);
  }

  /** Everything logged, one message a line: for "never logs X" checks. */
  text(): string {
    return this.messages().join('\n');
  }

  clear(): void {
    this.entries.length = 0;
  }

  private record(level: Level, message: string, where?: SourcePosition): void {
    this.entries.push(where ? { level, message, where } : { level, message });
  }
}
