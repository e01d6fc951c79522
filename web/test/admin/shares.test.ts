// Recovery kits: Shamir's secret sharing over GF(256) checked against shares computed here by
// hand (an independent field multiplication, the AES polynomial x^8 + x^4 + x^3 + x + 1), the
// kit text format byte for byte, and the round trip through typing mistakes.
import { createHash } from 'node:crypto'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { combine } from 'shamir-secret-sharing'
import { describe, expect, it } from 'vitest'
import {
  combineShares,
  formatShare,
  identityScalar,
  parseShare,
  splitIdentity,
  splitKits,
  type Share,
} from '../../src/admin/shares'
import { encodeIdentity } from '../../src/crypto/derivation'

// Multiplication in GF(2^8) modulo 0x11b, bit by bit.
function mul(a: number, b: number): number {
  let product = 0
  for (let i = 0; i < 8; i++) {
    if (b & 1) product ^= a
    const carry = a & 0x80
    a = (a << 1) & 0xff
    if (carry) a ^= 0x1b
    b >>= 1
  }
  return product
}

// y = c0 + c1 x + c2 x^2 + ... in GF(256), per secret byte; the share is y bytes then x.
function handShare(coefficients: number[][], x: number): Uint8Array {
  const out = new Uint8Array(coefficients.length + 1)
  coefficients.forEach((poly, i) => {
    let y = 0
    let power = 1
    for (const c of poly) {
      y ^= mul(c, power)
      power = mul(power, x)
    }
    out[i] = y
  })
  out[coefficients.length] = x
  return out
}

describe('GF(256) secret sharing', () => {
  it('the hand multiplication is the field of FIPS-197', () => {
    expect(mul(0x57, 0x83)).toBe(0xc1) // FIPS-197 section 4.2
    expect(mul(0x57, 0x13)).toBe(0xfe) // section 4.2.1
  })

  it('combines 2-of-n shares computed by hand', async () => {
    // Secret 0x42 0x00 0xff, first-degree coefficients 0x11 0xa7 0x01.
    const poly = [
      [0x42, 0x11],
      [0x00, 0xa7],
      [0xff, 0x01],
    ]
    const shares = [1, 2, 3, 200].map((x) => handShare(poly, x))
    // A value worked out on paper: x = 2, first byte 0x42 ^ mul(0x11, 2) = 0x42 ^ 0x22 = 0x60.
    expect(shares[1][0]).toBe(0x60)
    for (const pair of [
      [0, 1],
      [1, 2],
      [0, 3],
      [2, 3],
    ]) {
      expect(Array.from(await combine(pair.map((i) => shares[i])))).toEqual([0x42, 0x00, 0xff])
    }
  })

  it('combines 3-of-n shares computed by hand, and not from 2 of them', async () => {
    const poly = [
      [0x9c, 0x35, 0xe2],
      [0x01, 0xff, 0x80],
    ]
    const shares = [5, 17, 99, 254].map((x) => handShare(poly, x))
    expect(Array.from(await combine([shares[0], shares[2], shares[3]]))).toEqual([0x9c, 0x01])
    expect(Array.from(await combine([shares[3], shares[1], shares[0]]))).toEqual([0x9c, 0x01])
    expect(Array.from(await combine([shares[0], shares[1]]))).not.toEqual([0x9c, 0x01])
  })
})

describe('recovery kits', () => {
  const recipient = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'
  const fixed: Share = {
    generation: 2,
    threshold: 2,
    count: 3,
    index: 7,
    recipient,
    bytes: Uint8Array.from({ length: 33 }, (_, i) => (i === 32 ? 7 : i * 5)),
  }

  it('writes the documented text, the check over the lines above it', () => {
    const text = formatShare(fixed)
    const lines = text.split('\n')
    expect(lines.slice(0, 6)).toEqual([
      'vigil-recovery-share/v1',
      'generation 2',
      'threshold 2',
      'count 3',
      'index 7',
      `recipient ${recipient}`,
    ])
    // RFC 4648 base32 of the bytes, as Python's base64.b32encode writes it (padding dropped).
    expect(lines[6]).toBe('share AACQ UDYU DEPC GKBN GI3T YQKG JNIF KWS7 MRUW 443Y PWBI PDER S2NQ O')
    const body = lines.slice(0, 7).join('\n') + '\n'
    expect(lines[7]).toBe('check ' + createHash('sha256').update(body).digest('hex').slice(0, 8))
    expect(parseShare(text)).toEqual(fixed)
  })

  it('reads a kit back as typed: case, spaces, carriage returns', () => {
    const typed = formatShare(fixed).replace(/share (.*)/, (_, s: string) => 'share  ' + s.toLowerCase().replace(/ /g, '')).replace(/\n/g, '\r\n')
    expect(parseShare(typed)).toEqual(fixed)
  })

  it('notices a typing mistake and a malformed kit', () => {
    const text = formatShare(fixed)
    expect(() => parseShare(text.replace('AACQ', 'AACR'))).toThrow('checksum')
    expect(() => parseShare(text.replace('index 7', 'index 8'))).toThrow('malformed')
    expect(() => parseShare(text.replace('vigil-recovery-share/v1', 'something'))).toThrow('malformed')
    expect(() => parseShare(text.replace(/check .*/, 'check 00000000'))).toThrow('checksum')
  })

  it('splits an organisation identity 2-of-3 and rebuilds it from any two kits', async () => {
    const identity = await generateX25519Identity()
    const recipient = await identityToRecipient(identity)
    expect(encodeIdentity(identityScalar(identity))).toBe(identity)
    const shares = await splitIdentity(identity, recipient, 1, 3, 2)
    expect(new Set(shares.map((s) => s.index)).size).toBe(3)
    const kits = shares.map(formatShare)
    for (const pair of [
      [0, 1],
      [1, 2],
      [2, 0],
    ]) {
      const { identity: rebuilt } = await combineShares(pair.map((i) => kits[i]))
      expect(rebuilt).toBe(identity)
    }
    expect(splitKits(kits.join('\n') + '\n')).toHaveLength(3)
    await expect(combineShares([kits[0]])).rejects.toThrow('too_few')
    await expect(combineShares([kits[0], kits[0]])).rejects.toThrow('duplicate')
    const other = await splitIdentity(await generateX25519Identity(), recipient, 1, 3, 2)
    // Shares of another split under the same heading rebuild something else: refused.
    await expect(combineShares([kits[0], formatShare(other[1])])).rejects.toThrow(/wrong_identity|duplicate/)
    const otherGeneration = await splitIdentity(identity, recipient, 2, 3, 2)
    await expect(combineShares([kits[0], formatShare(otherGeneration[1])])).rejects.toThrow('mismatch')
  })

  it('refuses impossible thresholds', async () => {
    const identity = await generateX25519Identity()
    const recipient = await identityToRecipient(identity)
    await expect(splitIdentity(identity, recipient, 1, 2, 3)).rejects.toThrow(RangeError)
    await expect(splitIdentity(identity, recipient, 1, 3, 1)).rejects.toThrow(RangeError)
  })
})
