// Opens case revisions off the page's thread (case-store.ts): each batch of age files is
// decrypted with the organisation identities and validated (validate.ts), and the documents go
// back to the page. One Decrypter serves the whole load.
//
// Security: the identities reach this worker, which belongs to the page (same origin, nothing
// stored), only for the time of a load; the page terminates it afterwards.
import { base64, bech32 } from '@scure/base'
import { Decrypter } from 'age-encryption'
import type { CaseDocument } from '../cases/model'
import { extendTaxonomy, type Taxonomy, type TaxonomyExtension } from '../cases/taxonomy'
import { parseCase } from '../cases/validate'
import { decryptSmall } from './age-small'

export interface OpenRequest {
  id: number
  identities: string[]
  items: { id: string; ciphertext: string }[] // base64 age files, as GET /v1/cases gives them
  extension?: TaxonomyExtension // the organisation's, when it has one: cases validate against it
}

export interface OpenResponse {
  id: number
  docs: (CaseDocument | null)[]
}

let decrypter: Promise<Decrypter> | null = null
let held = ''

// PKCS #8 wrapping of a raw X25519 private key (RFC 8410).
const PKCS8_X25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]

// The identity as a non-extractable WebCrypto key, imported once, so that each file costs one
// key agreement rather than an import and an agreement; the age string where WebCrypto has no
// X25519.
async function identityKey(identity: string): Promise<CryptoKey | string> {
  try {
    const { prefix, words } = bech32.decode(identity.toLowerCase() as `${string}1${string}`, 1000)
    const scalar = bech32.fromWords(words)
    if (prefix !== 'age-secret-key-' || scalar.length !== 32) return identity
    const pkcs8 = new Uint8Array([...PKCS8_X25519, ...scalar])
    return await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, ['deriveBits'])
  } catch {
    return identity
  }
}

async function makeDecrypter(identities: string[]): Promise<Decrypter> {
  const d = new Decrypter()
  for (const identity of identities) d.addIdentity(await identityKey(identity))
  return d
}

async function open(identities: string[], item: { id: string; ciphertext: string }, taxonomy?: Taxonomy): Promise<CaseDocument | null> {
  try {
    const key = identities.join('\n')
    if (!decrypter || held !== key) {
      decrypter = makeDecrypter(identities)
      held = key
    }
    const text = new TextDecoder().decode(await decryptSmall(await decrypter, base64.decode(item.ciphertext)))
    const parsed = parseCase(text, taxonomy)
    return parsed.ok && parsed.value.case_id === item.id ? parsed.value : null
  } catch {
    return null
  }
}

self.onmessage = async (event: MessageEvent<OpenRequest>) => {
  const { id, identities, items, extension } = event.data
  const taxonomy = extension ? extendTaxonomy(extension) : undefined
  const docs = await Promise.all(items.map((item) => open(identities, item, taxonomy)))
  self.postMessage({ id, docs } satisfies OpenResponse)
}
