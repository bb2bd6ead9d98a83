import type { BuildRequest } from './builder.ts';

/** One program run a builder plans, so plans can be checked without running anything. */
export interface Command {
  args: string[];
  /** `args` as the log shows them: build-arg values hidden. */
  display: string[];
  /** Written to stdin (passwords never go on argv). */
  input?: string;
}

/** Builds `args` and its loggable twin side by side. */
export class CommandLine {
  readonly args: string[] = [];
  readonly display: string[] = [];

  constructor(...args: string[]) {
    this.add(...args);
  }

  add(...args: string[]): this {
    this.args.push(...args);
    this.display.push(...args);
    return this;
  }

  /** An argument the log shows as `shown`. */
  hidden(arg: string, shown: string): this {
    this.args.push(arg);
    this.display.push(shown);
    return this;
  }

  /** `--build-arg NAME=value` for each line, logged as `NAME=***`: users do put tokens there. */
  buildArgs(request: BuildRequest): this {
    for (const arg of request.buildArgs) {
      const eq = arg.indexOf('=');
      this.add('--build-arg');
      if (eq < 0) this.add(arg);
      else this.hidden(arg, `${arg.slice(0, eq)}=***`);
    }
    return this;
  }

  command(input?: string): Command {
    return { args: [...this.args], display: [...this.display], ...(input === undefined ? {} : { input }) };
  }
}
