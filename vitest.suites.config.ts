import { defineConfig } from 'vitest/config';

/** The conformance suites (run by `cli/main.ts run`, which supplies reporters and the target environment). */
export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // maxConcurrency comes from the run's configuration (cli/run.ts).
    // A failing case must not be retried: the request under assertion is sent once.
    retry: 0,
  },
});
