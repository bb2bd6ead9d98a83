import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // End-to-end suites share one registry and one build store; unit suites are cheap either way.
    fileParallelism: false,
  },
});
