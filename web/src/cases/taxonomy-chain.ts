// The organisation's taxonomy extension as stored (docs/formats/cases.md, "The taxonomy
// chain"): each version of the vigil-taxonomy-extension/v1 document wrapped in a chained
// vigil-taxonomy-chain/v1 revision, age-encrypted to the organisation recipient and kept
// through /v1/cases like a case. The chain's id is derived from the organisation identity of
// generation 1, which every key holder can open, so every page finds the one chain before it
// opens the caseload, and two administrators cannot start two chains.
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js'
import { timestamp, type AccountId } from './model'
import {
  BASE_TAXONOMY,
  EXTENSION_FORMAT,
  extensionProblems,
  LABEL_LANGUAGES,
  type ExtendableList,
  type Labels,
  type TaxonomyEntry,
  type TaxonomyExtension,
} from './taxonomy'

export const TAXONOMY_CHAIN_FORMAT = 'vigil-taxonomy-chain/v1'

export interface TaxonomyChainDocument {
  format: typeof TAXONOMY_CHAIN_FORMAT
  case_id: string // the chain's id (extensionChainId)
  revision: number
  previous_sha256: string | null
  created_at: string
  author: AccountId
  extension: TaxonomyExtension
}

const CONTEXT = new TextEncoder().encode(TAXONOMY_CHAIN_FORMAT)
const HEX32 = /^[0-9a-f]{32}$/
const HEX64 = /^[0-9a-f]{64}$/
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

// The chain's id: the first 16 bytes of HMAC-SHA-256, keyed with the organisation identity of
// generation 1 (its age string), of "vigil-taxonomy-chain/v1", in hex. The server cannot tell
// it from a case id; every holder of the organisation key computes the same one.
export function extensionChainId(generationOneIdentity: string): string {
  return bytesToHex(hmac(sha256, new TextEncoder().encode(generationOneIdentity), CONTEXT).subarray(0, 16))
}

export function emptyExtension(): TaxonomyExtension {
  return { format: EXTENSION_FORMAT, lists: {} }
}

// Revision 1 of the chain.
export function firstTaxonomyRevision(chainId: string, extension: TaxonomyExtension, author: AccountId, now: Date): TaxonomyChainDocument {
  return {
    format: TAXONOMY_CHAIN_FORMAT,
    case_id: chainId,
    revision: 1,
    previous_sha256: null,
    created_at: timestamp(now),
    author,
    extension,
  }
}

// The problems of a decrypted chain revision, each naming its field ([] when none): the
// header, the extension's own rules, and, given the revision before it, that no id of the
// previous extension was removed or moved.
export function taxonomyChainProblems(value: unknown, chainId?: string, previous?: TaxonomyChainDocument): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['document: must be an object']
  const v = value as Record<string, unknown>
  const problems: string[] = []
  const keys = ['format', 'case_id', 'revision', 'previous_sha256', 'created_at', 'author', 'extension']
  for (const key of Object.keys(v)) if (!keys.includes(key)) problems.push(`${key}: unknown field`)
  if (v.format !== TAXONOMY_CHAIN_FORMAT) problems.push(`format: must be ${TAXONOMY_CHAIN_FORMAT}`)
  if (typeof v.case_id !== 'string' || !HEX32.test(v.case_id)) problems.push('case_id: must be 32 lowercase hex digits')
  else if (chainId !== undefined && v.case_id !== chainId) problems.push('case_id: is not the organisation chain')
  if (typeof v.revision !== 'number' || !Number.isInteger(v.revision) || v.revision < 1) problems.push('revision: must be a positive integer')
  else if (v.revision === 1 ? v.previous_sha256 !== null : typeof v.previous_sha256 !== 'string' || !HEX64.test(v.previous_sha256))
    problems.push('previous_sha256: must be null in revision 1, else 64 lowercase hex digits')
  if (typeof v.created_at !== 'string' || !TIME.test(v.created_at)) problems.push('created_at: must be a UTC time')
  if (typeof v.author !== 'string' || !HEX32.test(v.author)) problems.push('author: must be an account id')
  problems.push(...extensionProblems(v.extension, previous?.extension).map((p) => `extension.${p}`))
  return problems
}

// The id a new entry gets from its English label: "org_" and the label's letters and digits
// (a-z, 0-9, "_"), made unique in `taken`; a label with none of them gets a random id.
export function suggestExtensionId(englishLabel: string, taken: ReadonlySet<string>): string {
  const slug = englishLabel
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 50)
  const stem = slug ? `org_${slug}` : `org_${bytesToHex(randomBytes(4))}`
  if (!taken.has(stem)) return stem
  for (let n = 2; ; n++) if (!taken.has(`${stem}_${n}`)) return `${stem}_${n}`
}

// Every id the base taxonomy and the extension use in `list`.
export function usedIds(extension: TaxonomyExtension, list: ExtendableList): Set<string> {
  return new Set([...BASE_TAXONOMY.lists[list], ...(extension.lists[list] ?? [])].map((e) => e.id))
}

// The extension with a new entry in `list` (labels trimmed); not checked: run extensionProblems.
export function withEntry(
  extension: TaxonomyExtension,
  list: ExtendableList,
  labels: Labels,
  parent?: string,
): { extension: TaxonomyExtension; entry: TaxonomyEntry } {
  const trimmed = Object.fromEntries(LABEL_LANGUAGES.map((l) => [l, (labels[l] ?? '').trim()])) as Labels
  const entry: TaxonomyEntry = { id: suggestExtensionId(trimmed.en, usedIds(extension, list)), labels: trimmed }
  if (parent) entry.parent = parent
  const lists = structuredClone(extension.lists)
  lists[list] = [...(lists[list] ?? []), entry]
  return { extension: { format: EXTENSION_FORMAT, lists }, entry }
}

// The extension with the entry `id` of `list` retired (or offered again): ids stay forever.
export function withRetired(extension: TaxonomyExtension, list: ExtendableList, id: string, retired = true): TaxonomyExtension {
  const lists = structuredClone(extension.lists)
  lists[list] = (lists[list] ?? []).map((e) => {
    if (e.id !== id) return e
    const copy = { ...e }
    if (retired) copy.retired = true
    else delete copy.retired
    return copy
  })
  return { format: EXTENSION_FORMAT, lists }
}
