/**
 * An action's run() called directly, as the runner would after parsing inputs: every input at its
 * default unless given, a CLI context on `workspace`, nothing logged. For unit tests of what an
 * action refuses before its first network call.
 */
import type { RunContext } from '../../src/core/context.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { ActionDefinition } from '../../src/definition.ts';

interface Runnable {
  definition: ActionDefinition;
  // biome-ignore lint/suspicious/noExplicitAny: each action's run takes its own typed inputs
  run: (args: any) => Promise<unknown>;
}

/** The error the action stops with, or undefined when it runs through. */
export async function firstFailure(
  action: Runnable,
  inputs: Record<string, unknown>,
  workspace: string,
): Promise<Error | undefined> {
  const defaults = Object.fromEntries(
    Object.entries(action.definition.inputs).map(([name, spec]) => [name, spec.default ?? '']),
  );
  const context: RunContext = {
    platform: 'cli',
    workspace,
    tempDir: workspace,
    sha: 'a'.repeat(40),
    ref: 'refs/heads/main',
    event: 'push',
  };
  return action
    .run({
      inputs: { ...defaults, ...inputs },
      context,
      log: silentLogger,
      mask() {},
      idToken: async () => '',
      summary() {},
      setOutput() {},
    })
    .then(
      () => undefined,
      (error: Error) => error,
    );
}
