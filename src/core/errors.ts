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
