import type { Inputs, RunArgs } from '../../src/definition.ts';
import { definition } from './definition.ts';

export { definition };

/** Not implemented yet: the runner refuses to call it while `definition.ready` is false. */
export async function run(_args: RunArgs<Inputs<typeof definition>>): Promise<Record<string, string>> {
  throw new Error(`${definition.name} is not implemented yet`);
}
