import type { Inputs, RunArgs } from '../../src/definition.ts';
import { definition } from './definition.ts';

export { definition };

export async function run(_args: RunArgs<Inputs<typeof definition>>): Promise<Record<string, string>> {
  throw new Error('build-push-image: work in progress');
}
