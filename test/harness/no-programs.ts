/**
 * Setup of the unit project: a unit test that starts a program (git, buildah, a shell...) fails,
 * naming the program, instead of quietly making `npm run test:unit` slow and machine-dependent.
 * Such a test belongs in test/e2e.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = (command: unknown) => {
    throw new Error(`unit tests start no programs (${name} ${String(command)}): move this test to test/e2e`);
  };
}
// Named imports (`import { spawn } from 'node:child_process'`) see the replacements too.
syncBuiltinESMExports();
