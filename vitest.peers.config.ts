import { defineConfig } from 'vitest/config';

// `npm run test:peers`: the real servers and clients of .peers/ (`npm run peers:install`), one file
// at a time: each starts heavy processes (a JVM, tritonserver, Python workers) on two cores.
export default defineConfig({
  test: {
    include: ['test/peers/**/*.test.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
