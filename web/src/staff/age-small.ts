// Decrypting many small age files quickly (the caseload, case-worker.ts), composed from
// WebCrypto (X25519, HKDF-SHA-256 and HMAC-SHA-256, native and several times faster than the
// same in JavaScript) and @noble/ciphers' ChaCha20-Poly1305, which age-encryption uses too,
// without the ReadableStream machinery its general path sets up per file:
//
// - the header: when it has the one shape our pages write (the version line, X25519 stanzas
//   only, each argument and body exactly one canonical line, the MAC line), its stanzas are
//   unwrapped here (age v1: X25519 shared secret, HKDF-SHA-256 with the share and recipient
//   as salt, ChaCha20-Poly1305 of the file key) and its MAC checked; any other header, and any
//   failure here, goes to age-encryption's own decryptHeader, which gives the verdict. So this
//   path can only be stricter than the library's, never more lenient (test/staff/age-small.test.ts
//   runs the C2SP/CCTV vectors through both);
// - the payload's STREAM (HKDF-SHA-256 of the file key and a 16-byte nonce, ChaCha20-Poly1305
//   over 64 KiB chunks, the last one flagged), in place. Anything unusual throws.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { base64nopad, bech32 } from '@scure/base'
import { Decrypter, identityToRecipient } from 'age-encryption'

type Bytes = Uint8Array<ArrayBuffer>

const ascii = (text: string): Bytes => new TextEncoder().encode(text)
const CHUNK = 64 * 1024
const TAG = 16
const NO_SALT = new Uint8Array(0) // as HashLen zero bytes (RFC 5869)
const VERSION = ascii('age-encryption.org/v1\n')
const X25519_ARGS = ascii('-> X25519 ')
const MAC_PREFIX = ascii('--- ')
const MAC_LINE = ascii('\n--- ')
const LINE = 43 // 32 bytes in unpadded base64
const X25519_LABEL = ascii('age-encryption.org/v1/X25519')
const HEADER_LABEL = ascii('header')
const PAYLOAD_LABEL = ascii('payload')

// Key material as a WebCrypto HKDF key, and HKDF-SHA-256 (RFC 5869) from it to 32 bytes.
function hkdfKey(ikm: Bytes): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits', 'deriveKey'])
}

async function hkdf(key: CryptoKey, salt: Bytes, info: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, 256))
}

// Whether `mac` is the HMAC-SHA-256 of `data` under the key HKDF derives from `key`, compared by
// WebCrypto.
async function hmacHolds(key: CryptoKey, salt: Bytes, info: Bytes, data: Bytes, mac: Bytes): Promise<boolean> {
  const hmacKey = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info },
    key,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['verify'],
  )
  return crypto.subtle.verify('HMAC', hmacKey, mac, data)
}

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

// An X25519 identity ready for many files: its scalar as a non-extractable WebCrypto key
// (imported once) and its recipient (public key), which the wrapping key's salt needs.
interface FastIdentity {
  key: CryptoKey
  recipient: Uint8Array
}

// The identities of one load: the fast path's, and age-encryption's Decrypter for the rest.
export interface SmallKeys {
  fast: FastIdentity[]
  decrypter: Decrypter
}

// PKCS #8 wrapping of a raw X25519 private key (RFC 8410).
const PKCS8_X25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]

async function fastIdentity(identity: string): Promise<FastIdentity | null> {
  try {
    const { prefix, words } = bech32.decode(identity.toLowerCase() as `${string}1${string}`, 1000)
    const scalar = bech32.fromWords(words)
    if (prefix !== 'age-secret-key-' || scalar.length !== 32) return null
    const pkcs8 = new Uint8Array([...PKCS8_X25519, ...scalar])
    const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, ['deriveBits', 'deriveKey'])
    const recipient = bech32.fromWords(bech32.decode((await identityToRecipient(identity)) as `${string}1${string}`).words)
    return { key, recipient }
  } catch {
    return null // no WebCrypto X25519 here, or not an X25519 identity: the library's path only
  }
}

// Prepares `identities` (age identity strings) for decryptSmall.
export async function smallKeys(identities: readonly string[]): Promise<SmallKeys> {
  const decrypter = new Decrypter()
  const fast: FastIdentity[] = []
  for (const identity of identities) {
    const f = await fastIdentity(identity)
    // The library gets the WebCrypto key too, so it needs no import per file either.
    decrypter.addIdentity(f ? f.key : identity)
    if (f) fast.push(f)
  }
  return { fast, decrypter }
}

function startsWith(file: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > file.length) return false
  for (let i = 0; i < prefix.length; i++) if (file[at + i] !== prefix[i]) return false
  return true
}

// One 43-character line of canonical base64 at `at` (followed by a newline), or null.
function line32(file: Uint8Array, at: number): Bytes | null {
  if (at + LINE >= file.length || file[at + LINE] !== 0x0a) return null
  try {
    const bytes = base64nopad.decode(String.fromCharCode(...file.subarray(at, at + LINE)))
    return bytes.length === 32 ? new Uint8Array(bytes) : null
  } catch {
    return null
  }
}

// The file key (as an HKDF key), when the header `file.subarray(0, end)` has the shape above,
// one of `fast` unwraps a stanza and the MAC holds; null otherwise (the library then decides).
async function fastFileKey(fast: FastIdentity[], file: Uint8Array, end: number): Promise<CryptoKey | null> {
  if (fast.length === 0 || !startsWith(file, 0, VERSION)) return null
  const stanzas: { share: Bytes; body: Bytes }[] = []
  let at = VERSION.length
  while (startsWith(file, at, X25519_ARGS)) {
    const share = line32(file, at + X25519_ARGS.length)
    const body = share && line32(file, at + X25519_ARGS.length + LINE + 1)
    if (!share || !body) return null
    stanzas.push({ share, body })
    at += X25519_ARGS.length + 2 * (LINE + 1)
  }
  if (stanzas.length === 0 || !startsWith(file, at, MAC_PREFIX) || at + MAC_PREFIX.length + LINE + 1 !== end) return null
  const mac = line32(file, at + MAC_PREFIX.length)
  if (!mac) return null
  for (const { share, body } of stanzas) {
    for (const id of fast) {
      let secret: CryptoKey
      try {
        const peer = await crypto.subtle.importKey('raw', share, { name: 'X25519' }, false, [])
        // The shared secret straight into HKDF; WebCrypto refuses an all-zero one.
        secret = await crypto.subtle.deriveKey({ name: 'X25519', public: peer }, id.key, 'HKDF', false, ['deriveBits'])
      } catch {
        return null // a low-order share, say
      }
      const salt = new Uint8Array(64)
      salt.set(share)
      salt.set(id.recipient, 32)
      const wrap = await hkdf(secret, salt, X25519_LABEL)
      let fileKey: Bytes
      try {
        fileKey = new Uint8Array(chacha20poly1305(wrap, new Uint8Array(12)).decrypt(body))
      } catch {
        continue // not this identity's stanza
      }
      // The MAC covers the header up to and including "---".
      const key = await hkdfKey(fileKey)
      return (await hmacHolds(key, NO_SALT, HEADER_LABEL, file.slice(0, at + 3), mac)) ? key : null
    }
  }
  return null
}

export async function decryptSmall(keys: SmallKeys, file: Uint8Array): Promise<Uint8Array> {
  const end = headerLength(file)
  const fileKey =
    (await fastFileKey(keys.fast, file, end)) ??
    (await hkdfKey(new Uint8Array(await keys.decrypter.decryptHeader(file.subarray(0, end)))))
  if (file.length < end + 16) throw new Error('age: no payload nonce')
  const key = await hkdf(fileKey, file.slice(end, end + 16), PAYLOAD_LABEL)
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
