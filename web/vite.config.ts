import { defineConfig } from 'vitest/config'
import { gzip, messages, noscript, wordlist } from './vite-plugins.ts'

// The HTML pages, each its own entry; every output file is named by its content hash under
// assets/, which vigild serves as immutable (src/api/static_routes.h).
export default defineConfig({
  base: '/',
  plugins: [messages(), wordlist(), noscript(), gzip()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Security: nothing inlined as a data: URI, which the pages' policy (img-src 'self') refuses.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        index: 'index.html',
        report: 'report.html',
        'follow-up': 'follow-up.html',
        // The staff app (coordinators).
        staff: 'staff.html',
      },
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  // The Argon2id worker (src/crypto/argon2-client.ts): a module, named like every other asset.
  worker: {
    format: 'es',
    rolldownOptions: { output: { entryFileNames: 'assets/[name]-[hash].js', chunkFileNames: 'assets/[name]-[hash].js' } },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
})
