// Decrypting many small age files quickly (the caseload, case-worker.ts): the header through
// age-encryption's own decryptHeader (stanzas, identities, header MAC), then the payload's
// STREAM (age v1: HKDF-SHA-256 of the file key and a 16-byte nonce, ChaCha20-Poly1305 over
// 64 KiB chunks, the last one flagged) in place, without the ReadableStream machinery and the
// 64 KiB buffer the general path sets up for every file. Anything unusual throws.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Decrypter } from 'age-encryption'

const CHUNK = 64 * 1024
const TAG = 16
const PAYLOAD = new TextEncoder().encode('payload')
const MAC_LINE = new TextEncoder().encode('\n--- ')

// The length of the header (up to and including the MAC line's newline).
export function headerLength(file: Uint8Array): number {
  // The MAC line is the first "\n--- " after the version line.
  outer: for (let i = 0; i + MAC_LINE.length <= file.length; i++) {
    for (let j = 0; j < MAC_LINE.length; j++) if (file[i + j] !== MAC_LINE[j]) continue outer
    const end = file.indexOf(0x0a, i + MAC_LINE.length)
    if (end < 0) throw new Error('age: the header has no end')
    return end + 1
  }
  throw new Error('age: no header MAC')
}

export async function decryptSmall(decrypter: Decrypter, file: Uint8Array): Promise<Uint8Array> {
  const end = headerLength(file)
  const fileKey = await decrypter.decryptHeader(file.subarray(0, end))
  if (file.length < end + 16) throw new Error('age: no payload nonce')
  const key = hkdf(sha256, fileKey, file.subarray(end, end + 16), PAYLOAD, 32)
  const payload = file.subarray(end + 16)
  const chunks = Math.max(1, Math.ceil(payload.length / (CHUNK + TAG)))
  const out = new Uint8Array(payload.length - chunks * TAG > 0 ? payload.length - chunks * TAG : 0)
  const nonce = new Uint8Array(12)
  for (let c = 0; c < chunks; c++) {
    const last = c === chunks - 1
    const piece = payload.subarray(c * (CHUNK + TAG), last ? payload.length : (c + 1) * (CHUNK + TAG))
    if (piece.length < TAG) throw new Error('age: a chunk is too short')
    // The counter: 11 bytes big-endian, then the last-chunk flag.
    let n = c
    for (let i = 10; i >= 0; i--) {
      nonce[i] = n & 0xff
      n = Math.floor(n / 256)
    }
    nonce[11] = last ? 1 : 0
    const plain = chacha20poly1305(key, nonce).decrypt(piece)
    if (last && plain.length === 0 && chunks > 1) throw new Error('age: the last chunk is empty')
    out.set(plain, c * CHUNK)
  }
  return out
}
