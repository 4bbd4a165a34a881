import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real peers need Python and Java environments: `npm run test:peers` (vitest.peers.config.ts).
    exclude: ['test/peers/**', '**/node_modules/**'],
    // Integration tests start real servers with worker threads; two cores cannot run many at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
