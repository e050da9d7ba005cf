import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the long crash-restart soak, apart from `npm test` (which runs its small version).
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
