import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UserError } from './core/errors.ts';
import type { ActionDefinition, ActionModule } from './definition.ts';
import { parseInputs } from './inputs.ts';
import type { OutputMeta, Platform } from './platform/platform.ts';

/** An action whose code is loaded only once its inputs have passed the checks. */
export interface LazyAction {
  definition: ActionDefinition;
  load: () => Promise<ActionModule>;
}

/** Runs one action on one platform. Returns the exit code (0 ok, 1 failed, 2 bad input); never throws. */
export async function runAction(action: ActionModule | LazyAction, platform: Platform): Promise<number> {
  const { definition } = action;
  let made: Promise<string> | undefined;
  try {
    const inputs = parseInputs(
      definition,
      (name) => platform.input(name),
      (value) => platform.mask(value),
    );
    // Bad input fails before the action's code (YAML, tar, AWS SDK, ...) is even loaded. The scratch
    // folder and the run's context (git asked for commit times) are made while that code compiles.
    made = mkdtemp(join(platform.tempRoot || tmpdir(), 'golden-actions-'));
    const [{ run }, platformContext, tempDir] = await Promise.all([
      'load' in action ? action.load() : action,
      platform.context(),
      made,
    ]);
    const context = { ...platformContext, tempDir };
    const outputs = await run({
      inputs,
      context,
      log: platform.log,
      mask: (value) => platform.mask(value),
      idToken: (audience) => platform.idToken(audience),
      summary: (markdown) => platform.summary(markdown),
      setOutput: (name, value) => platform.setOutput(name, value, outputMeta(definition, name, inputs)),
    });
    for (const [name, value] of Object.entries(outputs))
      platform.setOutput(name, value, outputMeta(definition, name, inputs));
    await platform.finish();
    return 0;
  } catch (error) {
    platform.fail(describe(error));
    await platform.finish().catch(() => {});
    // 2: the call was wrong (fix the input); 1: the action ran and failed.
    return error instanceof InputError ? 2 : 1;
  } finally {
    const tempDir = await made?.catch(() => undefined);
    if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  }
}

function outputMeta(
  definition: ActionDefinition,
  output: string,
  inputs: Readonly<Record<string, unknown>>,
): OutputMeta {
  const declared = definition.outputs[output];
  const name = declared ? declared.dotenv : definition.dynamicDotenv?.(output);
  return {
    report: name ? { name, declared: Boolean(declared) } : undefined,
    type: declared ? declared.type : definition.dynamicType?.(output, inputs),
  };
}

function describe(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
