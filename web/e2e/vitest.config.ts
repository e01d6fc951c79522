import { defineConfig } from 'vitest/config'

// The end-to-end suite: one instance and one browser, tests in order.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // A page on a loaded two-core machine can take seconds to render what it fetched: a poll
    // that gives up after vitest's default second fails for no fault of the page.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
})
