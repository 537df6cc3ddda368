import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds dist/ when it is missing or older than src/ (CLI and example tests run the build).
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // 2-core CI machines: do not oversubscribe.
    maxWorkers: 2,
  },
});
