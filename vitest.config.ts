import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'engine/**/*.test.ts'],
    testTimeout: 20_000,
    // Real worker processes on the broker, for the worker-based engine's conformance variant.
    globalSetup: ['test/support/global-workers.ts'],
  },
});
