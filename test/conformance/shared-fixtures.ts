import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Upstream test data (Helm's charts and archives, Flux's setter fixtures, Flux's example repository)
 * is not part of this repository: the conformance suite reads it from a `shared/fixtures` folder
 * beside the clone (`<clone>/../shared/fixtures`), or from GA_CONFORMANCE_FIXTURES.
 */
const root = process.env.GA_CONFORMANCE_FIXTURES ?? join(import.meta.dirname, '../../../shared/fixtures');

export function sharedFixture(name: string): string {
  const dir = join(root, name);
  if (!existsSync(dir)) {
    throw new Error(
      `npm run test:conformance needs the upstream fixtures at ${dir}: put shared/fixtures beside the clone or set GA_CONFORMANCE_FIXTURES.`,
    );
  }
  return dir;
}
