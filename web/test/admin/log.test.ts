// The log view's checks: verifier keys (the signed-note specification's example), tile paths
// (docs/formats/log.md's examples), checkpoint signatures, the root rebuilt from tiles compared
// with an independent RFC 6962 computation, and entries matched to their leaves.
import { createHash, randomBytes } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { openCheckpoint, parseBundle, parseEntry, parseVerifierKey, readLog, tilePath, TreeReader } from '../../src/admin/log'

const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest())

// RFC 6962 section 2.1, written out as the RFC does.
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha(new Uint8Array(0))
  if (leaves.length === 1) return leaves[0]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return sha(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}

function entry(type: number, i: number): Uint8Array {
  const e = new Uint8Array(78)
  e[0] = 1
  e[1] = type
  e.set(randomBytes(16), 2)
  new DataView(e.buffer).setBigUint64(50, BigInt(i * 10))
  new DataView(e.buffer).setUint32(58, 490000 + i)
  return e
}

// The files a tlog-tiles log of these entries serves.
function tiles(entries: Uint8Array[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>()
  const leaves = entries.map((e) => sha(Uint8Array.of(0), e))
  const n = leaves.length
  // Level 0 holds the leaf hashes; a hash of level L is the root of 256 full hashes of L-1.
  let hashes: Uint8Array[] = leaves
  for (let level = 0; hashes.length > 0; level++) {
    for (let t = 0; t * 256 < hashes.length; t++) {
      const part = hashes.slice(t * 256, t * 256 + 256)
      files.set(tilePath(level, t, part.length), Buffer.concat(part))
    }
    const up: Uint8Array[] = []
    for (let j = 0; (j + 1) * 256 <= hashes.length; j++) up.push(mth(hashes.slice(j * 256, j * 256 + 256)))
    hashes = up
  }
  for (let b = 0; b * 256 < n; b++) {
    const part = entries.slice(b * 256, b * 256 + 256)
    files.set(tilePath('entries', b, part.length), Buffer.concat(part.flatMap((e) => [Buffer.from([0, e.length]), Buffer.from(e)])))
  }
  return files
}

const name = 'e2e.example/vigil'
const secret = ed25519.utils.randomSecretKey()
const typed = Uint8Array.of(1, ...ed25519.getPublicKey(secret))
const vkey = `${name}+${Buffer.from(sha(new TextEncoder().encode(name + '\n'), typed).subarray(0, 4)).toString('hex')}+${Buffer.from(typed).toString('base64')}`

function checkpoint(size: number, root: Uint8Array, extra = ''): string {
  const text = `${name}\n${size}\n${Buffer.from(root).toString('base64')}\n`
  const key = parseVerifierKey(vkey)
  const id = Buffer.alloc(4)
  id.writeUInt32BE(key.id)
  const signature = ed25519.sign(new TextEncoder().encode(text), secret)
  return `${text}\n${extra}\u2014 ${name} ${Buffer.concat([id, signature]).toString('base64')}\n`
}

describe('verifier keys and tile paths', () => {
  it('reads the signed-note example key and refuses a wrong id', () => {
    const key = parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')
    expect(key.name).toBe('example.com/foo')
    expect(key.id).toBe(0x530d903a)
    expect(() => parseVerifierKey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow('bad_key')
    expect(() => parseVerifierKey('nonsense')).toThrow('bad_key')
  })

  it('names tiles as tlog-tiles does', () => {
    expect(tilePath(0, 1234067, 256)).toBe('tile/0/x001/x234/067')
    expect(tilePath(0, 273, 112)).toBe('tile/0/273.p/112')
    expect(tilePath(1, 1, 17)).toBe('tile/1/001.p/17')
    expect(tilePath('entries', 0, 256)).toBe('tile/entries/000')
  })
})

describe('checkpoints and tiles', () => {
  it('rebuilds the root of trees of many sizes from their tiles', async () => {
    for (const size of [1, 2, 3, 7, 255, 256, 257, 511, 600, 65537]) {
      const entries = Array.from({ length: size }, (_, i) => entry(1 + (i % 15), i))
      const files = tiles(entries)
      const reader = new TreeReader(size, async (path) => {
        const file = files.get(path)
        if (!file) throw new Error(`no ${path}`)
        return file
      })
      expect(Buffer.from(await reader.root()).toString('hex'), `size ${size}`).toBe(
        Buffer.from(mth(entries.map((e) => sha(Uint8Array.of(0), e)))).toString('hex'),
      )
    }
  })

  it('verifies a signed checkpoint and reads the latest entries', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => entry(1 + (i % 15), i))
    const files = tiles(entries)
    const root = mth(entries.map((e) => sha(Uint8Array.of(0), e)))
    const fetch = async (path: string) => files.get(path) ?? Promise.reject(new Error(path))
    const log = await readLog(checkpoint(300, root), parseVerifierKey(vkey), fetch)
    expect(log.checkpoint.size).toBe(300)
    // The latest 256: the partial last bundle and the end of the full one before it.
    expect(log.entries).toHaveLength(256)
    expect(log.entries[0]).toMatchObject({ index: 299, type: 'follow_up', hour: 490299, blobSize: 2990 })
    expect(log.entries.at(-1)!.index).toBe(44)
    // A log of one full bundle: all of it, from one bundle.
    const full = entries.slice(0, 256)
    const fullFiles = tiles(full)
    const fullRoot = mth(full.map((e) => sha(Uint8Array.of(0), e)))
    const fromFull = await readLog(checkpoint(256, fullRoot), parseVerifierKey(vkey), async (path) => fullFiles.get(path) ?? Promise.reject(new Error(path)))
    expect(fromFull.entries.map((e) => e.index)).toEqual(Array.from({ length: 256 }, (_, i) => 255 - i))
    // A cosignature of another key is kept and ignored.
    const cosigned = checkpoint(300, root, '')
    expect(openCheckpoint(cosigned.replace('\n\u2014', '\n\u2014 witness.example/w AAAAAAAA\n\u2014'), parseVerifierKey(vkey)).cosignatures).toBe(1)
    // A root the tiles do not give, a changed size, a changed signature: refused.
    await expect(readLog(checkpoint(300, sha(root)), parseVerifierKey(vkey), fetch)).rejects.toThrow('bad_tiles')
    expect(() => openCheckpoint(checkpoint(300, root).replace('\n300\n', '\n301\n'), parseVerifierKey(vkey))).toThrow('bad_signature')
    const other = parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')
    expect(() => openCheckpoint(checkpoint(300, root), other)).toThrow('bad_signature')
    // A tampered entry no longer matches its leaf.
    const bundle = new Uint8Array(files.get('tile/entries/001.p/44')!)
    bundle[10] ^= 1
    files.set('tile/entries/001.p/44', bundle)
    await expect(readLog(checkpoint(300, root), parseVerifierKey(vkey), fetch)).rejects.toThrow('bad_entry')
  })

  it('parses bundles and refuses entries of another form', () => {
    const e = entry(13, 1)
    expect(parseBundle(Uint8Array.of(0, 78, ...e))).toHaveLength(1)
    expect(() => parseBundle(Uint8Array.of(0, 79, ...e))).toThrow('bad_entry')
    expect(() => parseEntry(0, e.subarray(1))).toThrow('bad_entry')
    const unknown = new Uint8Array(e)
    unknown[1] = 99
    expect(() => parseEntry(0, unknown)).toThrow('bad_entry')
  })
})
