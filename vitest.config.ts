import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The default reporter for people, plus the plain "N passed, N failed" line CI reads.
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    // Model loading and index builds can take a few seconds on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A throwaway PostgreSQL cluster for the shared-feed tests when CI has not given one.
    globalSetup: ['./tests/support/postgres-global-setup.ts'],
  },
});
