// Recovery kits (DESIGN.md section 3): the organisation identity split k-of-n with Shamir's
// secret sharing over GF(256) (the audited shamir-secret-sharing package), one share per
// holder, each written as a short text block that can be printed, kept on paper and typed back.
// The 32-byte X25519 scalar is what is split, not its Bech32 text, so that every share is 33
// bytes (32 bytes of y values and the x coordinate last, the package's layout).
//
// Kit text (one share):
//   vigil-recovery-share/v1
//   generation <g>
//   threshold <k>
//   count <n>
//   index <x, 1-255>
//   recipient <the organisation recipient, age1…, to check the rebuilt identity against>
//   share <base32 of the 33 share bytes, in groups of 4>
//   check <8 hex digits: the first 4 bytes of SHA-256 of the lines above, each ending in \n>
// A typing mistake changes the check; a wrong share of a right form is caught when the rebuilt
// identity does not give the recipient.
import { sha256 } from '@noble/hashes/sha2.js'
import { base32nopad, bech32 } from '@scure/base'
import { identityToRecipient } from 'age-encryption'
import { combine, split } from 'shamir-secret-sharing'
import { encodeIdentity, toHex } from '../crypto/derivation'

export const KIT_HEADER = 'vigil-recovery-share/v1'

export interface Share {
  generation: number
  threshold: number
  count: number
  index: number // the x coordinate, 1-255
  recipient: string
  bytes: Uint8Array // 33 bytes: y values, then x
}

export type ShareProblem =
  | 'malformed' // not a kit text
  | 'checksum' // a typing mistake somewhere
  | 'mismatch' // shares of different splits
  | 'too_few' // fewer than the threshold
  | 'duplicate' // the same share twice
  | 'wrong_identity' // the shares rebuild something that is not the organisation identity

export class ShareError extends Error {
  constructor(readonly problem: ShareProblem) {
    super(problem)
  }
}

export function identityScalar(identity: string): Uint8Array {
  const decoded = bech32.decode(identity.toLowerCase() as `${string}1${string}`, 1000)
  if (decoded.prefix !== 'age-secret-key-') throw new ShareError('malformed')
  const scalar = bech32.fromWords(decoded.words)
  if (scalar.length !== 32) throw new ShareError('malformed')
  return scalar
}

// Splits `identity` (of organisation key generation `generation`, whose recipient is
// `recipient`) into `count` shares, any `threshold` of which rebuild it.
export async function splitIdentity(
  identity: string,
  recipient: string,
  generation: number,
  count: number,
  threshold: number,
): Promise<Share[]> {
  if (!Number.isInteger(threshold) || !Number.isInteger(count) || threshold < 2 || count < threshold || count > 255)
    throw new RangeError('2 <= k <= n <= 255')
  const scalar = identityScalar(identity)
  try {
    const parts = await split(scalar, count, threshold)
    return parts.map((bytes) => ({ generation, threshold, count, index: bytes[bytes.length - 1], recipient, bytes }))
  } finally {
    scalar.fill(0)
  }
}

function grouped(text: string): string {
  return text.match(/.{1,4}/g)?.join(' ') ?? ''
}

function checkOf(body: string): string {
  return toHex(sha256(new TextEncoder().encode(body)).subarray(0, 4))
}

function bodyOf(share: Share): string {
  return (
    [
      KIT_HEADER,
      `generation ${share.generation}`,
      `threshold ${share.threshold}`,
      `count ${share.count}`,
      `index ${share.index}`,
      `recipient ${share.recipient}`,
      `share ${grouped(base32nopad.encode(share.bytes))}`,
    ].join('\n') + '\n'
  )
}

export function formatShare(share: Share): string {
  const body = bodyOf(share)
  return `${body}check ${checkOf(body)}\n`
}

function positive(value: string | undefined, max: number): number {
  if (!value || !/^[1-9][0-9]{0,2}$/.test(value)) throw new ShareError('malformed')
  const n = Number(value)
  if (n > max) throw new ShareError('malformed')
  return n
}

// Reads a kit text back, forgiving what typing and printing change: case of the share, spaces,
// blank lines, carriage returns.
export function parseShare(text: string): Share {
  const fields = new Map<string, string>()
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
  if (lines[0] !== KIT_HEADER) throw new ShareError('malformed')
  for (const line of lines.slice(1)) {
    const space = line.indexOf(' ')
    if (space < 0) throw new ShareError('malformed')
    const name = line.slice(0, space)
    if (fields.has(name)) throw new ShareError('malformed')
    fields.set(name, line.slice(space + 1).trim())
  }
  const recipient = fields.get('recipient') ?? ''
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(recipient)) throw new ShareError('malformed')
  let bytes: Uint8Array
  try {
    bytes = base32nopad.decode((fields.get('share') ?? '').replace(/\s+/g, '').toUpperCase())
  } catch {
    throw new ShareError('malformed')
  }
  const share: Share = {
    generation: positive(fields.get('generation'), 1e9),
    threshold: positive(fields.get('threshold'), 255),
    count: positive(fields.get('count'), 255),
    index: positive(fields.get('index'), 255),
    recipient,
    bytes,
  }
  if (bytes.length !== 33 || bytes[32] !== share.index || share.threshold < 2 || share.count < share.threshold)
    throw new ShareError('malformed')
  const check = (fields.get('check') ?? '').toLowerCase()
  if (check !== checkOf(bodyOf(share))) throw new ShareError('checksum')
  return share
}

// Rebuilds the organisation identity from kit texts, and checks it against the recipient the
// kits name. Throws ShareError.
export async function combineShares(texts: readonly string[]): Promise<{ identity: string; share: Share }> {
  const shares = texts.filter((t) => t.trim()).map(parseShare)
  if (shares.length === 0) throw new ShareError('too_few')
  const first = shares[0]
  for (const s of shares) {
    if (s.generation !== first.generation || s.threshold !== first.threshold || s.recipient !== first.recipient || s.count !== first.count)
      throw new ShareError('mismatch')
  }
  if (new Set(shares.map((s) => s.index)).size !== shares.length) throw new ShareError('duplicate')
  if (shares.length < first.threshold) throw new ShareError('too_few')
  const scalar = await combine(shares.map((s) => s.bytes))
  const identity = encodeIdentity(scalar)
  scalar.fill(0)
  if ((await identityToRecipient(identity)) !== first.recipient) throw new ShareError('wrong_identity')
  return { identity, share: first }
}

// Several kit texts typed or pasted into one box: each begins with its header line.
export function splitKits(text: string): string[] {
  const kits: string[] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === KIT_HEADER) kits.push('')
    if (kits.length > 0) kits[kits.length - 1] += line + '\n'
    else if (line.trim()) throw new ShareError('malformed')
  }
  return kits
}
