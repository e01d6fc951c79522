// The identities compartment (docs/formats/cases.md, "Two documents, two compartments"): who a
// case's persons are, in a vigil-case-identities/v1 document of its own, chained on its own and
// stored under its own random id, which only the encrypted case document names (`identities`).
// The page opens it on request only; the list, search, CSV, statistics and exports never do.
import { IDENTITIES_FORMAT, timestamp, type AccountId, type CaseDocument, type IdentitiesDocument, type PersonIdentity } from './model'
import { newCaseId } from './revisions'
import type { Problem } from './validate'
import { validateIdentities } from './validate'

// A new chain id for a case's identities (random, like a case id, and never the case's own).
export function newIdentitiesId(caseId: string): string {
  for (;;) {
    const id = newCaseId()
    if (id !== caseId) return id
  }
}

// Revision 1 of a case's identities document, with no person yet.
export function firstIdentities(caseDoc: CaseDocument, author: AccountId, now: Date): IdentitiesDocument {
  return {
    format: IDENTITIES_FORMAT,
    case_id: caseDoc.case_id,
    revision: 1,
    previous_sha256: null,
    created_at: timestamp(now),
    author,
    persons: [],
  }
}

// What the identity form holds, as typed: other names one a line.
export interface IdentityFields {
  name: string
  otherNames: string
  contact: string
  notes: string
}

// A person's identity from the form: text trimmed, empty optional fields left out, other names
// one a line with blank lines dropped.
export function identityFromFields(personId: string, fields: IdentityFields): PersonIdentity {
  const other = fields.otherNames
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const contact = fields.contact.trim()
  const notes = fields.notes.trim()
  return {
    id: personId,
    name: fields.name.trim(),
    ...(other.length > 0 ? { other_names: other } : {}),
    ...(contact ? { contact } : {}),
    ...(notes ? { notes } : {}),
  }
}

// The persons list with `identity` set (replacing the person's previous one), in the order of
// the case's persons; identities of persons the case no longer has are kept at the end.
export function withIdentity(doc: IdentitiesDocument, caseDoc: CaseDocument, identity: PersonIdentity): PersonIdentity[] {
  const byId = new Map(doc.persons.map((p) => [p.id, p]))
  byId.set(identity.id, identity)
  const order = caseDoc.persons.map((p) => p.id)
  const known = order.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
  const rest = [...byId.values()].filter((p) => !order.includes(p.id))
  return [...known, ...rest]
}

// The problems of a person's identity as the form would save it, each under the form field it
// belongs to (name, other_names, contact, notes).
export function identityProblems(doc: IdentitiesDocument, caseDoc: CaseDocument, identity: PersonIdentity): Problem[] {
  const persons = withIdentity(doc, caseDoc, identity)
  const index = persons.findIndex((p) => p.id === identity.id)
  const checked = validateIdentities({ ...doc, persons }, caseDoc)
  if (checked.ok) return []
  const prefix = `persons[${index}].`
  return checked.problems.flatMap((p) => {
    if (!p.path.startsWith(prefix)) return p.path.startsWith('persons[') ? [] : [p]
    const field = p.path.slice(prefix.length).replace(/\[\d+\]$/, '')
    return [{ path: field, message: p.message }]
  })
}

// Chain ids in the caseload that are not cases: the identities chains the case documents
// name, and the organisation's taxonomy chain. The case list shows none of them.
export function nonCaseChains(cases: Iterable<CaseDocument | null>, taxonomyChain?: string): Set<string> {
  const ids = new Set<string>()
  for (const c of cases) if (c?.identities) ids.add(c.identities)
  if (taxonomyChain) ids.add(taxonomyChain)
  return ids
}
