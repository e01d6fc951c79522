// Case revisions (docs/formats/cases.md, "Revisions"): each revision is a whole document, numbered
// from 1, that names the SHA-256 of the previous revision's canonical JSON. Identities documents
// chain the same way, on their own.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js'
import { CASE_FORMAT, timestamp, type AccountId, type CaseDocument } from './model'

// What every chained document starts with: the case and identities documents, and the
// organisation's taxonomy chain (taxonomy-chain.ts).
export interface ChainedDocument {
  format: string
  case_id: string
  revision: number
  previous_sha256: string | null
  created_at: string
  author: AccountId
}

// Canonical JSON: object keys sorted by UTF-16 code units, no white space, strings and numbers
// as JSON.stringify writes them (the documents hold integers only). This is also the exact
// plaintext a revision's age file holds.
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']'
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}'
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError('documents hold integers only')
  return JSON.stringify(value)
}

// SHA-256 of a document's canonical JSON, in lowercase hex.
export function documentHash(doc: ChainedDocument): string {
  return bytesToHex(sha256(new TextEncoder().encode(canonicalJson(doc))))
}

// The bytes to encrypt for a revision.
export function serialise(doc: ChainedDocument): Uint8Array {
  return new TextEncoder().encode(canonicalJson(doc))
}

// A new random case id (128 bits, as the server's other ids).
export function newCaseId(): string {
  return bytesToHex(randomBytes(16))
}

// Revision 1 of a new case.
export function firstRevision(init: {
  caseId?: string
  title: string
  author: AccountId
  now: Date
}): CaseDocument {
  return {
    format: CASE_FORMAT,
    case_id: init.caseId ?? newCaseId(),
    revision: 1,
    previous_sha256: null,
    created_at: timestamp(init.now),
    author: init.author,
    title: init.title,
    status: 'new',
    assignee: null,
    incidents: [],
    persons: [],
    risk_assessments: [],
    actions: [],
    consents: [],
    notes: [],
    links: [],
  }
}

type Header = 'format' | 'case_id' | 'revision' | 'previous_sha256' | 'created_at' | 'author'

// The revision after `previous`: its content with `changes` applied (whole fields replaced),
// numbered next, chained to the previous revision's hash, written by `author` at `now`. The
// previous document is not modified.
export function nextRevision<T extends ChainedDocument>(
  previous: T,
  changes: Partial<Omit<T, Header>>,
  author: AccountId,
  now: Date,
): T {
  return structuredClone({
    ...previous,
    ...changes,
    format: previous.format,
    case_id: previous.case_id,
    revision: previous.revision + 1,
    previous_sha256: documentHash(previous),
    created_at: timestamp(now),
    author,
  }) as T
}

// Checks a case's revisions, oldest first: one case, numbered 1, 2, 3…, each naming the hash of
// the one before, times not going back. Returns the first problem, or null when the chain holds.
export function chainProblem(revisions: readonly ChainedDocument[]): string | null {
  for (let i = 0; i < revisions.length; i++) {
    const r = revisions[i]
    if (r.revision !== i + 1) return `revision ${i + 1} is numbered ${r.revision}`
    if (r.case_id !== revisions[0].case_id) return `revision ${i + 1} belongs to another case`
    if (r.format !== revisions[0].format) return `revision ${i + 1} has another format`
    if (i === 0) {
      if (r.previous_sha256 !== null) return 'revision 1 names a previous revision'
      continue
    }
    if (r.previous_sha256 !== documentHash(revisions[i - 1])) return `revision ${i + 1} does not chain to revision ${i}`
    if (r.created_at < revisions[i - 1].created_at) return `revision ${i + 1} is older than revision ${i}`
  }
  return null
}

// Revision 1 of a case opened from a report: titled with the start of the report's "what",
// linked to the report and its attachments; incidents and persons are the coordinator's to
// record at triage (a report's free text does not say what the taxonomy needs).
export function caseFromReport(init: {
  reportId: string
  attachmentIds?: readonly string[]
  what?: string
  fallbackTitle: string // the page's text for a report without "what"
  author: AccountId
  now: Date
}): CaseDocument {
  const firstLine = (init.what ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? ''
  const chars = [...firstLine]
  const title = chars.length === 0 ? init.fallbackTitle : chars.length > 200 ? chars.slice(0, 199).join('') + '…' : firstLine
  const doc = firstRevision({ title: title.replace(/[\u0000-\u001f\u007f]/g, ' '), author: init.author, now: init.now })
  doc.links = [
    { kind: 'report', report: init.reportId },
    ...(init.attachmentIds ?? []).map((attachment) => ({ kind: 'attachment' as const, report: init.reportId, attachment })),
  ]
  return doc
}
