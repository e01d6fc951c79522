// decryptSmall gives what age-encryption's own decrypt gives, for sizes around the chunk
// boundaries, and refuses a changed byte anywhere, a cut file and another key.
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { encryptTo } from '../../src/crypto/age'
import { decryptSmall } from '../../src/staff/age-small'

describe('decryptSmall', async () => {
  const identity = await generateX25519Identity()
  const recipient = await identityToRecipient(identity)
  const d = new Decrypter()
  d.addIdentity(identity)

  for (const size of [0, 1, 2700, 65535, 65536, 65537, 131072, 200_000]) {
    it(`${size} bytes: as age-encryption decrypts them`, async () => {
      const plain = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536))).slice()
      const data = new Uint8Array(size)
      for (let i = 0; i < size; i += plain.length || 1) data.set(plain.subarray(0, Math.min(plain.length, size - i)), i)
      const file = await encryptTo([recipient], data)
      expect(await decryptSmall(d, file)).toEqual(await d.decrypt(file))
    })
  }

  it('refuses a changed byte, a cut file and another identity', async () => {
    const file = await encryptTo([recipient], new Uint8Array(70_000).fill(7))
    for (const at of [10, file.length - 70_000, file.length - 1]) {
      const bad = file.slice()
      bad[at] ^= 1
      await expect(decryptSmall(d, bad)).rejects.toThrow()
    }
    await expect(decryptSmall(d, file.subarray(0, file.length - 20))).rejects.toThrow()
    await expect(decryptSmall(d, file.subarray(0, 65536 + 16 + 200))).rejects.toThrow()
    const other = new Decrypter()
    other.addIdentity(await generateX25519Identity())
    await expect(decryptSmall(other, file)).rejects.toThrow()
  })
})
