// The browser's derivations reproduce the shared vectors of testdata/derivation/vectors.json
// (also checked by src/auth/derivation_test.cc), bit for bit.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ARGON2_COST, argon2id } from '../src/crypto/argon2'
import {
  deriveLoginSecret,
  deriveReporterKeys,
  fromHex,
  normalisePassphrase,
  toHex,
} from '../src/crypto/derivation'

interface Vectors {
  cost: { algorithm: string; version: number; iterations: number; memory_kib: number; parallelism: number }
  reporter: { passphrase: string; instance: string; lookup_id_hex: string; identity: string; recipient: string }[]
  login: { passphrase: string; login_salt_hex: string; login_secret_hex: string }[]
}

const vectors: Vectors = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../testdata/derivation/vectors.json'), 'utf8'),
)

describe('derivations', () => {
  it('use the cost of the vectors', () => {
    expect(vectors.cost.algorithm).toBe('argon2id')
    expect(vectors.cost.version).toBe(19)
    expect(ARGON2_COST).toEqual({
      iterations: vectors.cost.iterations,
      memoryKiB: vectors.cost.memory_kib,
      parallelism: vectors.cost.parallelism,
    })
  })

  it('normalise white space and ASCII capitals only', () => {
    expect(normalisePassphrase('  Abacus \t\r\n Zoom  ')).toBe('abacus zoom')
    expect(normalisePassphrase('ÉCOLE Été')).toBe('École Été')
    expect(normalisePassphrase('\n')).toBe('')
    expect(normalisePassphrase('سلام  عليكم')).toBe('سلام عليكم')
  })

  for (const v of vectors.reporter) {
    it(`give the reporter keys of "${v.passphrase.trim()}" on ${v.instance}`, async () => {
      const keys = await deriveReporterKeys(v.passphrase, v.instance, argon2id)
      expect(keys.lookupId).toBe(v.lookup_id_hex)
      expect(keys.identity).toBe(v.identity)
      expect(keys.recipient).toBe(v.recipient)
    })
  }

  for (const v of vectors.login) {
    it(`give the login secret of "${v.passphrase}"`, async () => {
      const secret = await deriveLoginSecret(v.passphrase, fromHex(v.login_salt_hex), argon2id)
      expect(toHex(secret)).toBe(v.login_secret_hex)
    })
  }

  it('differ between instances', async () => {
    const a = await deriveReporterKeys(vectors.reporter[0].passphrase, 'other.example/log', argon2id)
    expect(a.lookupId).not.toBe(vectors.reporter[0].lookup_id_hex)
  })
})
