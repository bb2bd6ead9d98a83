/** What the core may say. Platforms implement it; the core never prints by itself. */
export interface Logger {
  info(message: string): void;
  warning(message: string, where?: SourcePosition): void;
  error(message: string, where?: SourcePosition): void;
  debug(message: string): void;
  /** Runs `fn` inside a collapsible log section. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
  title?: string;
}

/** A logger that drops everything: for library callers and tests that only want results. */
export const silentLogger: Logger = {
  info() {},
  warning() {},
  error() {},
  debug() {},
  group: (_title, fn) => fn(),
};
