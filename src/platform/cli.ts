import { appendFile } from 'node:fs/promises';
import type { RunContext } from '../core/context.ts';
import { type KnownEnv, knownEnv, prefixedEnv } from '../core/env-vars.ts';
import { UserError } from '../core/errors.ts';
import { commitTime, defaultBranch, headRef, headSha, repositoryRoot } from '../core/git/info.ts';
import type { Logger, SourcePosition } from '../core/log.ts';
import type { OutputType } from '../definition.ts';
import type { PlatformContext } from './context.ts';
import { writeInert } from './github-commands.ts';
import { type OutputMeta, type Platform, Redactor } from './platform.ts';

export interface CliOptions {
  /** Inputs given as flags, by input name. */
  flags: Map<string, string>;
  json: boolean;
  sha?: string;
  ref?: string;
  /** `--default-branch`: when git cannot tell (no `origin/HEAD`). */
  defaultBranch?: string;
  /** `--summary FILE`: where the Markdown job summary is appended; without it, none is written. */
  summary?: string;
  /** The action's input names, spelled as flags in messages (`--loop-guard=false`). */
  inputs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** Environment variable that supplies an input when no flag does: GA_INPUT_ROLE_TO_ASSUME. */
export const inputVariable = (name: string) => `GA_INPUT_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;

/**
 * The terminal (and any CI without its own adapter): inputs from flags or GA_INPUT_* variables,
 * logs on stderr, outputs on stdout at the end, context from git in the working directory.
 */
export class CliPlatform implements Platform {
  readonly name: RunContext['platform'] = 'cli';
  protected readonly redactor = new Redactor();
  protected readonly outputs = new Map<string, { value: string; meta?: OutputMeta }>();
  protected readonly summaries: string[] = [];
  protected readonly env: KnownEnv;
  protected readonly out: (text: string) => void;
  protected readonly err: (text: string) => void;

  constructor(protected readonly options: CliOptions) {
    this.env = knownEnv(options.env);
    this.out = options.stdout ?? ((text) => process.stdout.write(text));
    this.err = options.stderr ?? ((text) => process.stderr.write(text));
  }

  readonly log: Logger = {
    info: (message) => this.write(message),
    debug: (message) => {
      if (this.env.GA_DEBUG === 'true' || this.env.RUNNER_DEBUG === '1') this.write(`debug: ${message}`);
    },
    warning: (message, where) => this.write(`warning: ${position(where)}${message}`),
    error: (message, where) => this.write(`error: ${position(where)}${message}`),
    group: async (title, fn) => {
      this.sectionStart(title);
      try {
        return await fn();
      } finally {
        this.sectionEnd(title);
      }
    },
  };

  protected write(line: string): void {
    const text = this.redactor.redact(this.spell(line));
    // The CLI in a GitHub `run:` step: its lines must not turn into workflow commands.
    if (this.env.GITHUB_ACTIONS === 'true') writeInert(this.err, text);
    else this.err(`${text}\n`);
  }

  /**
   * Messages name inputs as a workflow sets them (`` `loop-guard: false` ``, "Input 'base': …"); on
   * the command line they are flags (`--loop-guard=false`, "--base: …").
   */
  protected spell(text: string): string {
    const inputs = new Set(this.options.inputs ?? []);
    return text
      .replace(/\bInput '([^']+)': /g, (whole, name: string) => (inputs.has(name) ? `--${name}: ` : whole))
      .replace(/`([a-z][a-z0-9-]*)(?:: ([^`]*))?`/g, (whole, name: string, value?: string) =>
        inputs.has(name) ? `--${name}${value === undefined ? '' : `=${value}`}` : whole,
      );
  }

  protected sectionStart(title: string): void {
    this.write(`==> ${title}`);
  }

  protected sectionEnd(_title: string): void {}

  input(name: string): string | undefined {
    return this.options.flags.get(name) ?? prefixedEnv(this.env, '', inputVariable(name));
  }

  mask(value: string): void {
    this.redactor.add(value);
  }

  setOutput(name: string, value: string, meta?: OutputMeta): void {
    this.outputs.set(name, { value: this.redactor.redact(value), meta });
  }

  /** Markdown is for a job summary, not a terminal: kept for `--summary FILE`, else dropped. */
  summary(markdown: string): void {
    this.summaries.push(this.redactor.redact(markdown));
  }

  async idToken(audience: string): Promise<string> {
    const token = this.env.GA_ID_TOKEN;
    if (!token) {
      throw new UserError(
        `No OIDC token for audience '${audience}': set GA_ID_TOKEN, or leave role-to-assume empty to use the AWS SDK's default credentials.`,
      );
    }
    this.mask(token);
    return token;
  }

  get tempRoot(): string | undefined {
    return this.env.RUNNER_TEMP;
  }

  async context(): Promise<PlatformContext> {
    const cwd = process.cwd();
    const workspace = (await repositoryRoot(cwd)) ?? cwd;
    const sha = this.options.sha ?? (await headSha(workspace));
    if (!sha)
      throw new UserError(
        `Cannot tell the commit: ${workspace} is not a git checkout with commits (pass --sha)`,
      );
    const ref = this.options.ref ?? (await headRef(workspace)) ?? '';
    return {
      platform: 'cli',
      workspace,
      sha,
      ref,
      event: ref.startsWith('refs/tags/') ? 'tag' : 'push',
      defaultBranch: this.options.defaultBranch || (await defaultBranch(workspace)),
      commitTime: await commitTime(workspace, sha),
    };
  }

  fail(message: string): void {
    this.write(`error: ${message}`);
  }

  async finish(): Promise<void> {
    if (this.options.summary && this.summaries.length > 0) {
      await appendFile(this.options.summary, `${this.summaries.join('\n')}\n`);
    }
    this.summaries.length = 0;
    if (this.options.json) {
      const object = Object.fromEntries(
        [...this.outputs].map(([name, { value, meta }]) => [name, typed(value, meta?.type)]),
      );
      this.out(`${JSON.stringify(object, null, 2)}\n`);
    } else {
      for (const [name, { value }] of this.outputs) this.out(outputLine(name, value));
    }
    this.outputs.clear();
  }
}

/** `name=value`, or the heredoc form GITHUB_OUTPUT uses for multi-line values (so it can be appended there). */
export function outputLine(name: string, value: string): string {
  if (!value.includes('\n')) return `${name}=${value}\n`;
  let delimiter = 'EOF';
  while (value.split('\n').includes(delimiter)) delimiter += '_';
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** An output's text as a JSON value of its type; text that does not read as the type stays text. */
export function typed(value: string, type: OutputType = 'string'): unknown {
  switch (type) {
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'json':
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    case 'string':
      return value;
  }
}

function position(where?: SourcePosition): string {
  if (!where) return '';
  return `${where.file}${where.line ? `:${where.line}` : ''}${where.column ? `:${where.column}` : ''}: `;
}
