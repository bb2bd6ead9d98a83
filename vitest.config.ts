import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // End-to-end suites share one registry and one build store; unit suites are cheap either way.
    fileParallelism: false,
    projects: [
      // `npm test`: the project's own tests, on fixtures the project writes.
      // Unit tests start no programs (no-programs.ts fails any that does) and restore what they
      // change (process.env), so they share one worker: a fresh process per file would cost more
      // than the tests themselves.
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
          setupFiles: ['test/harness/no-programs.ts'],
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      // `npm run test:conformance`: checks against upstream data kept beside the clone (../shared).
      { extends: true, test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'] } },
    ],
  },
});
