/**
 * The one definition of an action. Everything a user sees on any face (action.yml, the GitLab
 * `spec:inputs`, CLI flags and --help, the docs tables) is generated from it.
 */

import type { RunContext } from './core/context.ts';
import type { Logger } from './core/log.ts';

export type InputType = 'string' | 'boolean' | 'number' | 'list';

export interface InputSpec {
  description: string;
  /** `list`: one item per line (commas also separate unless `multiline` is set). */
  type?: InputType;
  default?: string | boolean | number;
  /** Face-specific defaults, e.g. `${{ github.token }}` on GitHub. */
  githubDefault?: string;
  gitlabDefault?: string;
  required?: boolean;
  options?: readonly string[];
  /** Masked before use; never echoed. */
  secret?: boolean;
  /** For `list`: items are whole lines (commas belong to the item, as in `type=semver,pattern=…`). */
  multiline?: boolean;
  /** Not offered as a GitLab component input (e.g. GitHub-only plumbing). */
  githubOnly?: boolean;
}

/**
 * What an output's text holds. Every face passes outputs as text (`true`, `3`, `["a"]`); the CLI's
 * `--json` prints them as JSON values of this type (default `string`).
 */
export type OutputType = 'string' | 'boolean' | 'number' | 'json';

export interface OutputSpec {
  description: string;
  type?: OutputType;
  /** Name in the GitLab dotenv report; omit to leave the output out of it (too large or multi-valued). */
  dotenv?: string;
}

/** A string input with `options` is one of them (parseInputs refuses anything else). */
export type InputValue<S extends InputSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'number'
    ? number
    : S['type'] extends 'list'
      ? string[]
      : S['options'] extends readonly (infer O extends string)[]
        ? O
        : string;

export type Inputs<D extends { inputs: Record<string, InputSpec> }> = {
  [K in keyof D['inputs']]: InputValue<D['inputs'][K]>;
};

/** Everything `run()` gets: parsed inputs, the run context, and the few platform services it needs. */
export interface RunArgs<I> {
  inputs: I;
  context: RunContext;
  log: Logger;
  /** Registers a value that must never be printed (each line separately). */
  mask(value: string): void;
  /** Fetches an OIDC token for the audience from the CI platform (GitHub, GitLab id_tokens). */
  idToken(audience: string): Promise<string>;
  /** Appends Markdown to the job summary. */
  summary(markdown: string): void;
  /** Sets an output as soon as it is known (so later failures still leave what was done visible). */
  setOutput(name: string, value: string): void;
}

export interface ActionDefinition {
  name: string;
  title: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, InputSpec>;
  outputs: Record<string, OutputSpec>;
  /** Outputs whose names depend on the inputs (e.g. one per filter) are allowed. */
  dynamicOutputs?: string;
  /** Dotenv name of a dynamic output, or undefined to leave it out of the report. */
  dynamicDotenv?: (output: string) => string | undefined;
  /** Type of a dynamic output (it may depend on the inputs, e.g. a list format). */
  dynamicType?: (output: string, inputs: Readonly<Record<string, unknown>>) => OutputType;
}

export interface ActionModule<D extends ActionDefinition = ActionDefinition> {
  definition: D;
  run(args: RunArgs<Inputs<D>>): Promise<Record<string, string>>;
}
