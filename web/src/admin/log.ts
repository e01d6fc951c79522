// The transparency log as the administrator's browser checks it (docs/formats/log.md and
// entries.md): the checkpoint's Ed25519 signature under the verifier key the administrator
// trusts (printed by `vigil init`; the server is not asked for it), the tree's root rebuilt
// from the hash tiles (RFC 6962), and the latest entries, each hashed and matched against the
// leaf hashes that root covers.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64 } from '@scure/base'

export interface VerifierKey {
  name: string
  id: number
  publicKey: Uint8Array
}

export class LogError extends Error {
  constructor(readonly problem: 'bad_key' | 'bad_checkpoint' | 'bad_signature' | 'wrong_origin' | 'bad_tiles' | 'bad_entry') {
    super(problem)
  }
}

const encoder = new TextEncoder()

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function keyId(name: string, typed: Uint8Array): number {
  const h = sha256(concat(encoder.encode(name + '\n'), typed))
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0
}

// <name>+<8 hex>+<base64(0x01 || 32-byte key)>, the id checked.
export function parseVerifierKey(text: string): VerifierKey {
  // The base64 part may itself hold '+': split at the first two only.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim())
  if (!m) throw new LogError('bad_key')
  const parts = m.slice(1)
  let typed: Uint8Array
  try {
    typed = base64.decode(parts[2])
  } catch {
    throw new LogError('bad_key')
  }
  if (typed.length !== 33 || typed[0] !== 0x01) throw new LogError('bad_key')
  const id = parseInt(parts[1], 16)
  if (keyId(parts[0], typed) !== id) throw new LogError('bad_key')
  return { name: parts[0], id, publicKey: typed.subarray(1) }
}

export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array
  text: string
  cosignatures: number // signature lines of other keys (witnesses, mirrors)
}

// Opens a signed checkpoint: every line of the trusted key must verify and one must exist; the
// origin must be the key's name (the instance names its key after its log).
export function openCheckpoint(note: string, key: VerifierKey): Checkpoint {
  const split = note.lastIndexOf('\n\n')
  if (split < 0) throw new LogError('bad_checkpoint')
  const text = note.slice(0, split + 1)
  const lines = note.slice(split + 2).split('\n').filter(Boolean)
  let signed = false
  let others = 0
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line)
    if (!m) throw new LogError('bad_checkpoint')
    const raw = base64.decode(m[2])
    const id = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0
    if (m[1] !== key.name || id !== key.id) {
      others++
      continue
    }
    if (raw.length !== 68 || !ed25519.verify(raw.subarray(4), encoder.encode(text), key.publicKey))
      throw new LogError('bad_signature')
    signed = true
  }
  if (!signed) throw new LogError('bad_signature')
  const [origin, size, root] = text.split('\n')
  if (origin !== key.name) throw new LogError('wrong_origin')
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size)) throw new LogError('bad_checkpoint')
  const rootBytes = base64.decode(root)
  if (rootBytes.length !== 32) throw new LogError('bad_checkpoint')
  return { origin, size: Number(size), root: rootBytes, text, cosignatures: others }
}

// tile/<L>/<N>[.p/<W>] (or tile/entries/…) with N in three-digit groups, x-prefixed.
export function tilePath(level: number | 'entries', index: number, width: number): string {
  let digits = String(index).padStart(3, '0')
  const groups: string[] = []
  while (digits.length > 3) {
    groups.unshift(digits.slice(-3))
    digits = digits.slice(0, -3)
  }
  groups.unshift(digits.padStart(3, '0'))
  const n = groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/')
  return `tile/${level}/${n}${width === 256 ? '' : `.p/${width}`}`
}

export type Fetcher = (path: string) => Promise<Uint8Array>

export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), entry))
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right))
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

// Reads hashes out of the tiles of a tree of `size` leaves.
export class TreeReader {
  private readonly tiles = new Map<string, Promise<Uint8Array>>()

  constructor(
    readonly size: number,
    private readonly fetch: Fetcher,
  ) {}

  private async tile(level: number, index: number): Promise<Uint8Array> {
    const available = Math.floor(this.size / 256 ** level)
    const width = Math.min(256, available - index * 256)
    if (width <= 0) throw new LogError('bad_tiles')
    const path = tilePath(level, index, width)
    let tile = this.tiles.get(path)
    if (!tile) {
      tile = this.fetch(path).then((bytes) => {
        if (bytes.length !== width * 32) throw new LogError('bad_tiles')
        return bytes
      })
      this.tiles.set(path, tile)
    }
    return tile
  }

  // The hash of the full subtree of 2^height leaves starting at leaf index * 2^height.
  async node(height: number, index: number): Promise<Uint8Array> {
    if (height % 8 === 0) {
      const tile = await this.tile(height / 8, Math.floor(index / 256))
      const at = (index % 256) * 32
      return tile.subarray(at, at + 32)
    }
    return nodeHash(await this.node(height - 1, 2 * index), await this.node(height - 1, 2 * index + 1))
  }

  // RFC 6962 MTH over leaves [start, start + count), start a multiple of the largest power of
  // two below count (as the recursion makes it).
  async subtree(start: number, count: number): Promise<Uint8Array> {
    const height = Math.log2(count)
    if (Number.isInteger(height)) return this.node(height, start / count)
    let k = 1
    while (k * 2 < count) k *= 2
    return nodeHash(await this.subtree(start, k), await this.subtree(start + k, count - k))
  }

  async root(): Promise<Uint8Array> {
    if (this.size === 0) return sha256(new Uint8Array(0))
    return this.subtree(0, this.size)
  }
}

export const ENTRY_TYPES: Record<number, string> = {
  1: 'report',
  2: 'reply',
  3: 'attachment',
  4: 'case_revision',
  5: 'account',
  6: 'role_change',
  7: 'key_rotation',
  8: 'login',
  9: 'invitation',
  10: 'deletion',
  11: 'tracker_edit',
  12: 'statistics',
  13: 'recovery_share',
  14: 'settings',
  15: 'follow_up',
}

export interface Entry {
  index: number
  type: string
  objectId: string
  blobSize: number
  hour: number
  actor: string // 32 hex digits, all zero for a reporter or the system
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

// A version 1 entry: 78 bytes, fixed layout, big-endian (docs/formats/entries.md).
export function parseEntry(index: number, bytes: Uint8Array): Entry {
  if (bytes.length !== 78 || bytes[0] !== 1 || !ENTRY_TYPES[bytes[1]]) throw new LogError('bad_entry')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    index,
    type: ENTRY_TYPES[bytes[1]],
    objectId: hex(bytes.subarray(2, 18)),
    blobSize: Number(view.getBigUint64(50)),
    hour: view.getUint32(58),
    actor: hex(bytes.subarray(62, 78)),
  }
}

// An entry bundle: each entry a big-endian uint16 length and the entry.
export function parseBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new LogError('bad_entry')
    const length = (bytes[at] << 8) | bytes[at + 1]
    if (at + 2 + length > bytes.length) throw new LogError('bad_entry')
    out.push(bytes.subarray(at + 2, at + 2 + length))
    at += 2 + length
  }
  return out
}

export interface VerifiedLog {
  checkpoint: Checkpoint
  entries: Entry[] // the latest, newest first
}

// Checks the checkpoint, rebuilds its root from the tiles, and reads the latest 256 entries (or
// all, in a smaller log), each matched to its leaf hash: the last bundle and, when it is partial,
// the full one before it. Throws LogError (or the fetcher's error).
export async function readLog(note: string, key: VerifierKey, fetch: Fetcher): Promise<VerifiedLog> {
  const checkpoint = openCheckpoint(note, key)
  const tree = new TreeReader(checkpoint.size, fetch)
  if (!equal(await tree.root(), checkpoint.root)) throw new LogError('bad_tiles')
  const entries: Entry[] = []
  const first = Math.max(0, checkpoint.size - 256)
  for (let bundle = Math.floor(first / 256); bundle * 256 < checkpoint.size; bundle++) {
    const width = Math.min(256, checkpoint.size - bundle * 256)
    const raw = parseBundle(await fetch(tilePath('entries', bundle, width)))
    if (raw.length !== width) throw new LogError('bad_entry')
    for (let i = 0; i < raw.length; i++) {
      const index = bundle * 256 + i
      if (index < first) continue
      if (!equal(leafHash(raw[i]), await tree.node(0, index))) throw new LogError('bad_entry')
      entries.push(parseEntry(index, raw[i]))
    }
  }
  return { checkpoint, entries: entries.reverse() }
}
