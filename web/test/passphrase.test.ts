import { describe, expect, it } from 'vitest'
import { generatePassphrase, uniformIndex } from '../src/crypto/passphrase'

// A generator that returns the given 32-bit values in turn.
function sequence(values: number[]) {
  let i = 0
  return (array: Uint32Array) => {
    for (let j = 0; j < array.length; j++) array[j] = values[i++]
  }
}

describe('uniformIndex', () => {
  it('rejects draws at or above the largest multiple of n', () => {
    const limit = Math.floor(2 ** 32 / 7776) * 7776
    // The first two draws would bias the result and are skipped; the third is used.
    expect(uniformIndex(7776, sequence([limit, 2 ** 32 - 1, 7777]))).toBe(1)
    expect(uniformIndex(7776, sequence([limit - 1]))).toBe((limit - 1) % 7776)
  })

  it('covers the range evenly with the real generator', () => {
    const counts = new Array(6).fill(0)
    for (let i = 0; i < 60000; i++) counts[uniformIndex(6)]++
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(600)
  })
})

describe('generatePassphrase', () => {
  it('draws eight words from the list', () => {
    const words = ['a', 'b', 'c', 'd']
    expect(generatePassphrase(words, 8, sequence([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('a b c d a b c d')
    const real = generatePassphrase(['x', 'y', 'z']).split(' ')
    expect(real).toHaveLength(8)
  })
})
