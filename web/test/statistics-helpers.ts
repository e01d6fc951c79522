// What the statistics tests use: the module under test, and random count tables from a seed.
import { seededRandom } from '../src/cases/synthetic'
export * from '../src/cases/statistics'

// A table of 1-5 rows and 1-6 columns with many small counts, and k from 2 to 7.
export function seededCounts(seed: number): { counts: number[][]; k: number } {
  const random = seededRandom(seed + 1)
  const int = (n: number) => Math.floor(random() * n)
  const rows = 1 + int(5)
  const columns = 1 + int(6)
  const counts = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (int(3) === 0 ? int(5) : int(40))))
  return { counts, k: 2 + int(6) }
}
