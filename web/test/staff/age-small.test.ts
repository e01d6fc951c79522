// decryptSmall gives what age-encryption's own decrypt gives: for sizes around the chunk
// boundaries, for every C2SP/CCTV age vector with X25519 identities (testdata/age), and for a
// changed byte anywhere, a cut file and another key, all refused. Its fast header path is the
// one our own files take, and never accepts what the library refuses.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { encryptTo } from '../../src/crypto/age'
import { decryptSmall, smallKeys } from '../../src/staff/age-small'

const VECTORS = resolve(import.meta.dirname, '../../../testdata/age')

// A CCTV vector: "key: value" lines, a blank line, then the age file (zlib-compressed when said).
function readVector(name: string): { fields: Map<string, string[]>; file: Uint8Array } {
  const raw = readFileSync(join(VECTORS, name))
  const blank = raw.indexOf('\n\n')
  const fields = new Map<string, string[]>()
  for (const line of raw.subarray(0, blank).toString('utf8').split('\n')) {
    const colon = line.indexOf(': ')
    const key = line.slice(0, colon)
    fields.set(key, [...(fields.get(key) ?? []), line.slice(colon + 2)])
  }
  const body = raw.subarray(blank + 2)
  const file = fields.get('compressed')?.[0] === 'zlib' ? inflateSync(body) : body
  return { fields, file: new Uint8Array(file) }
}

describe('decryptSmall', async () => {
  const identity = await generateX25519Identity()
  const recipient = await identityToRecipient(identity)
  const keys = await smallKeys([identity])
  const d = new Decrypter()
  d.addIdentity(identity)

  for (const size of [0, 1, 2700, 65535, 65536, 65537, 131072, 200_000]) {
    it(`${size} bytes: as age-encryption decrypts them`, async () => {
      const plain = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536))).slice()
      const data = new Uint8Array(size)
      for (let i = 0; i < size; i += plain.length || 1) data.set(plain.subarray(0, Math.min(plain.length, size - i)), i)
      const file = await encryptTo([recipient], data)
      expect(await decryptSmall(keys, file)).toEqual(await d.decrypt(file))
    })
  }

  it('takes the fast header path for the files our pages write, to one or several recipients', async () => {
    const other = await identityToRecipient(await generateX25519Identity())
    // A Decrypter without identities: only the fast path can open these.
    const fastOnly = { fast: keys.fast, decrypter: new Decrypter() }
    expect(keys.fast).toHaveLength(1)
    for (const recipients of [[recipient], [other, recipient], [recipient, other]]) {
      const file = await encryptTo(recipients, 'a case revision')
      expect(new TextDecoder().decode(await decryptSmall(fastOnly, file))).toBe('a case revision')
    }
  })

  it('refuses a changed byte, a cut file and another identity', async () => {
    const file = await encryptTo([recipient], new Uint8Array(70_000).fill(7))
    for (const at of [10, 40, 100, file.length - 70_000, file.length - 1]) {
      const bad = file.slice()
      bad[at] ^= 1
      await expect(decryptSmall(keys, bad)).rejects.toThrow()
    }
    await expect(decryptSmall(keys, file.subarray(0, file.length - 20))).rejects.toThrow()
    await expect(decryptSmall(keys, file.subarray(0, 65536 + 16 + 200))).rejects.toThrow()
    const otherKeys = await smallKeys([await generateX25519Identity()])
    await expect(decryptSmall(otherKeys, file)).rejects.toThrow()
  })

  describe('C2SP/CCTV vectors', () => {
    const names = readdirSync(VECTORS).filter((n) => n !== 'README.md')
    let run = 0
    for (const name of names) {
      const { fields, file } = readVector(name)
      const identities = fields.get('identity') ?? []
      // Armored files and passphrase or post-quantum identities are not what the caseload holds.
      if (fields.has('armored') || identities.length === 0 || !identities.every((i) => i.startsWith('AGE-SECRET-KEY-1'))) continue
      run++
      const expected = fields.get('expect')![0]
      it(`${name}: ${expected}`, async () => {
        const opened = decryptSmall(await smallKeys(identities), file)
        if (expected === 'success') expect(bytesToHex(sha256(await opened))).toBe(fields.get('payload')![0])
        else await expect(opened).rejects.toThrow()
      })
    }
    it('runs most of them', () => expect(run).toBeGreaterThan(60))
  })
})
