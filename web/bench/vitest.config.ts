import { defineConfig } from 'vitest/config'

// `make bench` for the case pages (bench/case-list.run.ts): one instance, one browser.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.run.ts'],
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
})
