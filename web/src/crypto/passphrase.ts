// Reporter passphrases: 8 words drawn uniformly from the EFF large word list (7776 words, about
// 12.9 bits each, 103 bits in all), with the browser's cryptographic generator.

export type FillRandom = (array: Uint32Array) => void

const browserRandom: FillRandom = (array) => {
  crypto.getRandomValues(array)
}

// A uniform index below `n`: 32-bit draws above the largest multiple of n are thrown away, so
// no index is more likely than another (no modulo bias).
export function uniformIndex(n: number, fill: FillRandom = browserRandom): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError('n out of range')
  const limit = Math.floor(2 ** 32 / n) * n
  const draw = new Uint32Array(1)
  for (;;) {
    fill(draw)
    if (draw[0] < limit) return draw[0] % n
  }
}

export function generatePassphrase(words: readonly string[], count = 8, fill: FillRandom = browserRandom): string {
  const chosen: string[] = []
  for (let i = 0; i < count; i++) chosen.push(words[uniformIndex(words.length, fill)])
  return chosen.join(' ')
}

// The EFF large word list, loaded when a passphrase is first needed (it is the largest part of
// the report page's code after the cryptography).
let wordList: Promise<string[]> | null = null

export function loadWordList(): Promise<string[]> {
  wordList ??= import('virtual:eff-wordlist').then((module) => module.default.split(' '))
  return wordList
}
