// Opens case revisions off the page's thread (case-store.ts): each batch of age files is
// decrypted with the organisation identities and validated (validate.ts), and the documents go
// back to the page as the text of one JSON array, which the page parses faster than it would
// receive as many cloned objects. The identities are prepared once for the whole load (age-small.ts).
//
// Security: the identities reach this worker, which belongs to the page (same origin, nothing
// stored), only for the time of a load; the page terminates it afterwards.
import { base64 } from '@scure/base'
import { extendTaxonomy, type Taxonomy, type TaxonomyExtension } from '../cases/taxonomy'
import { parseCase } from '../cases/validate'
import { decryptSmall, smallKeys, type SmallKeys } from './age-small'

export interface OpenRequest {
  id: number
  identities: string[]
  items: { id: string; ciphertext: string }[] // base64 age files, as GET /v1/cases gives them
  extension?: TaxonomyExtension // the organisation's, when it has one: cases validate against it
}

export interface OpenResponse {
  id: number
  docs: string // a JSON array: each item's validated document, or null, in the request's order
}

let keys: Promise<SmallKeys> | null = null
let held = ''
const utf8 = new TextDecoder()

async function open(identities: string[], item: { id: string; ciphertext: string }, taxonomy?: Taxonomy): Promise<string> {
  try {
    const key = identities.join('\n')
    if (!keys || held !== key) {
      keys = smallKeys(identities)
      held = key
    }
    const text = utf8.decode(await decryptSmall(await keys, base64.decode(item.ciphertext)))
    const parsed = parseCase(text, taxonomy)
    return parsed.ok && parsed.value.case_id === item.id ? text : 'null'
  } catch {
    return 'null'
  }
}

self.onmessage = async (event: MessageEvent<OpenRequest>) => {
  const { id, identities, items, extension } = event.data
  const taxonomy = extension ? extendTaxonomy(extension) : undefined
  const docs = '[' + (await Promise.all(items.map((item) => open(identities, item, taxonomy)))).join(',') + ']'
  self.postMessage({ id, docs } satisfies OpenResponse)
}
