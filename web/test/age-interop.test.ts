// What the browser encrypts with age-encryption, the C++ `vigil decrypt` opens, and the other
// way round (DESIGN.md section 2), with the same helpers the pages use: sizes around the 64 KiB
// chunk boundary, the streaming encryption of evidence files to two recipients, and passphrase
// (scrypt) files as staff identities are stored. VIGIL_CLI names the binary; by default the ci
// build's.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { afterAll, describe, expect, it } from 'vitest'
import { decryptWith, encryptStreamTo, encryptTo } from '../src/crypto/age'

const vigil = process.env.VIGIL_CLI ?? resolve(import.meta.dirname, '../../build/ci/src/cli/vigil')
const work = mkdtempSync(join(tmpdir(), 'vigil-age-interop-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(vigil, args, { env: { ...process.env, ...env }, encoding: 'utf8' })
}

// Deterministic bytes, so a failure can be reproduced.
function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let total = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
    total += value.length
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const sizes = [0, 1, 65535, 65536, 65537, 3 * 65536 + 17]

describe('age interop with vigil', () => {
  it('finds the vigil binary', () => {
    expect(existsSync(vigil), `${vigil} (build it with make build, or set VIGIL_CLI)`).toBe(true)
  })

  const keyFile = join(work, 'vigil.key')
  const setUp = () => {
    if (!existsSync(keyFile)) run(['keygen', '-o', keyFile])
    return run(['keygen', '-y', keyFile]).trim()
  }

  for (const size of sizes) {
    it(`browser -> vigil, ${size} bytes to two recipients`, async () => {
      const vigilRecipient = setUp()
      const other = await identityToRecipient(await generateX25519Identity())
      const plain = bytes(size, size + 1)
      const file = join(work, `b2v-${size}.age`)
      writeFileSync(file, await encryptTo([other, vigilRecipient], plain))
      run(['decrypt', '-i', keyFile, '-o', file + '.out', file])
      expect(Buffer.compare(readFileSync(file + '.out'), plain)).toBe(0)
    })

    it(`vigil -> browser, ${size} bytes`, async () => {
      const identity = await generateX25519Identity()
      const plain = bytes(size, size + 2)
      const input = join(work, `v2b-${size}`)
      writeFileSync(input, plain)
      run(['encrypt', '-r', await identityToRecipient(identity), '-o', input + '.age', input])
      const opened = await decryptWith(identity, new Uint8Array(readFileSync(input + '.age')))
      expect(Buffer.compare(Buffer.from(opened), plain)).toBe(0)
    })
  }

  it('streams an evidence file whose size vigil agrees with', async () => {
    const vigilRecipient = setUp()
    const other = await identityToRecipient(await generateX25519Identity())
    const plain = bytes(5 * 65536 + 1234, 99)
    const source = new Blob([plain as BlobPart]).stream()
    const encrypted = await encryptStreamTo([other, vigilRecipient], source, plain.length)
    const file = join(work, 'stream.age')
    const ciphertext = await collect(encrypted.stream)
    expect(ciphertext.length).toBe(encrypted.size)
    writeFileSync(file, ciphertext)
    run(['decrypt', '-i', keyFile, '-o', file + '.out', file])
    expect(Buffer.compare(readFileSync(file + '.out'), plain)).toBe(0)
  })

  it('opens passphrase files both ways (scrypt, as staff identities are kept)', async () => {
    const pass = 'correct horse battery staple interop'
    const plain = bytes(70000, 7)
    const e = new Encrypter()
    e.setPassphrase(pass)
    e.setScryptWorkFactor(12)
    const file = join(work, 'pass-b2v.age')
    writeFileSync(file, await e.encrypt(plain))
    run(['decrypt', '-o', file + '.out', file], { VIGIL_PASSPHRASE: pass })
    expect(Buffer.compare(readFileSync(file + '.out'), plain)).toBe(0)

    const input = join(work, 'pass-v2b')
    writeFileSync(input, plain)
    run(['encrypt', '-p', '--work-factor', '12', '-o', input + '.age', input], { VIGIL_PASSPHRASE: pass })
    const d = new Decrypter()
    d.addPassphrase(pass)
    const opened = await d.decrypt(new Uint8Array(readFileSync(input + '.age')))
    expect(Buffer.compare(Buffer.from(opened), plain)).toBe(0)
  })

  it('refuses a file for someone else', async () => {
    const plain = bytes(100, 3)
    const file = join(work, 'other.age')
    writeFileSync(file, await encryptTo([await identityToRecipient(await generateX25519Identity())], plain))
    expect(() => run(['decrypt', '-i', keyFile, '-o', file + '.out', file])).toThrow()
  })
})
