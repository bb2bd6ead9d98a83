/**
 * Errors a user can act on. `InputError` names the input at fault; `UserError` names a file or a
 * remote. Anything else is a bug or an outage and is reported with its own message.
 */
export class UserError extends Error {
  override name = 'UserError';
}

export class InputError extends UserError {
  override name = 'InputError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input '${input}': ${message}`);
  }
}

/**
 * An input named in a message (with the value to give it): `` `loop-guard: false` ``, `` `base` ``,
 * as a workflow or component sets it. The CLI rewrites exactly this form into its flag
 * (`--loop-guard=false`, `--base`), so every message is written once for every face.
 */
export function setting(input: string, value?: string): string {
  return value === undefined ? `\`${input}\`` : `\`${input}: ${value}\``;
}
