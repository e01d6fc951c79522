import { defineConfig } from 'vitest/config'

// The end-to-end suite: one instance and one browser, tests in order.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
})
