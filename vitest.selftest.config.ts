import { defineConfig } from 'vitest/config';

/** The project's own tests (`npm test`): engine, reference backends, fault coverage, CLI. Loopback only. */
export default defineConfig({
  test: {
    include: ['selftest/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['junit', { outputFile: 'reports/selftest-junit.xml' }]] : ['default'],
  },
});
