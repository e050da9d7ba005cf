import { defineConfig } from 'vitest/config';

// Tiers have their own folders: unit (no I/O) and infra (in-process synth) run in parallel;
// integration and browser tests start their own local stack and run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          testTimeout: 60_000,
          // Half the tier's time went to importing the same modules again for each of its 100 files:
          // a worker keeps its modules between files (nothing here reads module state another file set).
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Screens wait on the local stack: expect.poll gets the time a busy machine needs.
          expect: { poll: { timeout: 20_000, interval: 200 } },
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
