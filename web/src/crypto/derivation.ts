// Passphrase derivations (docs/formats/derivation.md), computed in the browser so the server
// never receives a passphrase: Argon2id over a context salt. Must match src/auth/derivation.cc
// bit for bit; test/derivation.test.ts checks the shared vectors of
// testdata/derivation/vectors.json. Argon2id itself is passed in: argon2.ts on the calling
// thread (tests), argon2-client.ts in a worker (pages).
import { sha256 } from '@noble/hashes/sha2.js'
import { bech32 } from '@scure/base'
import { identityToRecipient } from 'age-encryption'

// Argon2id of the UTF-8 of a normalised passphrase with a 16-byte salt, 32 bytes out.
export type Argon2id = (password: Uint8Array, salt: Uint8Array) => Promise<Uint8Array>

const encoder = new TextEncoder()

function isWhiteSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n'
}

// The normal form: white space (space, tab, CR, LF) trimmed, inner runs made one space, ASCII
// A-Z lower-cased; every other character kept as it is.
export function normalisePassphrase(passphrase: string): string {
  let out = ''
  let pendingSpace = false
  for (const c of passphrase) {
    if (isWhiteSpace(c)) {
      pendingSpace = out.length > 0
      continue
    }
    if (pendingSpace) out += ' '
    pendingSpace = false
    out += c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c
  }
  return out
}

// ContextSalt(label, input) = first 16 bytes of SHA-256(label || 0x0A || input).
export async function contextSalt(label: string, input: string | Uint8Array): Promise<Uint8Array> {
  const hash = sha256.create()
  hash.update(encoder.encode(label + '\n'))
  hash.update(typeof input === 'string' ? encoder.encode(input) : input)
  return hash.digest().slice(0, 16)
}

export async function deriveBytes(passphrase: string, salt: Uint8Array, argon2: Argon2id): Promise<Uint8Array> {
  return argon2(encoder.encode(normalisePassphrase(passphrase)), salt)
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new Error('not hex')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

// An age X25519 identity from its 32-byte scalar: "AGE-SECRET-KEY-1" and Bech32, upper case.
export function encodeIdentity(scalar: Uint8Array): string {
  return bech32.encode('age-secret-key-', bech32.toWords(scalar), false).toUpperCase()
}

export interface ReporterKeys {
  lookupId: string // 64 hex digits: sent to the server
  identity: string // AGE-SECRET-KEY-1…: never leaves the device
  recipient: string // age1…: sent with the report
}

// `instance` is the log origin of GET /v1/instance. The two Argon2id runs are sequential:
// each holds 64 MiB, and phones have little memory to spare.
export async function deriveReporterKeys(passphrase: string, instance: string, argon2: Argon2id): Promise<ReporterKeys> {
  const lookup = await deriveBytes(passphrase, await contextSalt('vigil reporter lookup v1', instance), argon2)
  const scalar = await deriveBytes(passphrase, await contextSalt('vigil reporter identity v1', instance), argon2)
  const identity = encodeIdentity(scalar)
  scalar.fill(0)
  return { lookupId: toHex(lookup), identity, recipient: await identityToRecipient(identity) }
}

// The staff login secret (for the staff pages, and the end-to-end set-up that enrols the first
// administrator).
export async function deriveLoginSecret(passphrase: string, loginSalt: Uint8Array, argon2: Argon2id): Promise<Uint8Array> {
  return deriveBytes(passphrase, await contextSalt('vigil staff login v1', loginSalt), argon2)
}
