// Full-text search over decrypted cases, in memory on the coordinator's device (nothing is sent
// or stored). Words are folded (case, accents, Arabic diacritics and letter variants), every word
// of a query must match, and the last one may be the start of a word (search as you type).
import { currentRisk, type CaseDocument } from './model'
import { BASE_TAXONOMY, LABEL_LANGUAGES, label, type ListName, type Taxonomy } from './taxonomy'

// Folds text for matching: NFKD, combining marks dropped (accents, Arabic harakat), lower case,
// Arabic alef, yeh and teh marbuta variants unified, tatweel dropped.
export function fold(text: string): string {
  // Plain ASCII, the common case, needs lower case only.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase()
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/\u0649/g, '\u064a')
    .replace(/\u0629/g, '\u0647')
    .replace(/\u0640/g, '')
}

const ASCII_WORD = /^[a-z0-9]+$/i

// The folded words of a text. Words are cut first and folded one by one: most are plain ASCII,
// and folding a whole text at once is the slow part of indexing thousands of cases.
export function words(text: string): string[] {
  const out: string[] = []
  for (const raw of text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? []) {
    if (ASCII_WORD.test(raw)) {
      out.push(raw.toLowerCase())
      continue
    }
    for (const w of fold(raw).match(/[\p{L}\p{N}]+/gu) ?? []) out.push(w)
  }
  return out
}

// The free text of a case: title, status, places, descriptions, pseudonyms, roles'
// interactions, rationales, actions, consent notes and notes.
export function searchableText(doc: CaseDocument): string {
  const parts: (string | undefined)[] = [doc.title, doc.status, doc.case_id]
  for (const i of doc.incidents) {
    parts.push(i.description, i.perpetrator.description)
    parts.push(i.place?.country, i.place?.region, i.place?.city, i.place?.exact, i.date.start, i.date.end)
  }
  for (const p of doc.persons) {
    parts.push(p.pseudonym)
    for (const l of p.court_links) parts.push(l.role_other, l.interaction)
  }
  for (const a of doc.risk_assessments) parts.push(a.rationale)
  parts.push(currentRisk(doc)?.level)
  for (const a of doc.actions) parts.push(a.type_other, a.description, a.outcome)
  for (const r of doc.consents) parts.push(r.note, r.recipient_other)
  for (const n of doc.notes) parts.push(n.text)
  return parts.filter((p): p is string => typeof p === 'string').join('\n')
}

// The taxonomy ids of a case, whose labels are searchable in every language (so "détention"
// finds a detention whatever the page's language).
function taxonomyIds(doc: CaseDocument): [ListName, string][] {
  const out: [ListName, string][] = []
  for (const i of doc.incidents) {
    out.push(['perpetrator_types', i.perpetrator.type])
    for (const t of i.types) out.push(['incident_types', t])
  }
  for (const p of doc.persons) for (const l of p.court_links) out.push(['court_roles', l.role])
  for (const a of doc.actions) out.push(['response_types', a.type])
  return out
}

export class CaseIndex {
  private readonly postings = new Map<string, Set<string>>()
  private readonly wordsOf = new Map<string, string[]>()
  private sorted: string[] | null = null

  private readonly labelWords = new Map<string, string[]>()

  constructor(private readonly taxonomy: Taxonomy = BASE_TAXONOMY) {}

  private wordsOfLabel(list: ListName, id: string): string[] {
    const key = list + '\u0000' + id
    let found = this.labelWords.get(key)
    if (!found) {
      found = words(LABEL_LANGUAGES.map((l) => label(this.taxonomy, list, id, l)).join(' '))
      this.labelWords.set(key, found)
    }
    return found
  }

  get size(): number {
    return this.wordsOf.size
  }

  // Adds or replaces a case (a new revision replaces the old one).
  add(doc: CaseDocument): void {
    this.remove(doc.case_id)
    const all = new Set(words(searchableText(doc)))
    for (const [list, id] of taxonomyIds(doc)) for (const w of this.wordsOfLabel(list, id)) all.add(w)
    const unique = [...all]
    this.wordsOf.set(doc.case_id, unique)
    for (const w of unique) {
      let ids = this.postings.get(w)
      if (!ids) {
        ids = new Set()
        this.postings.set(w, ids)
        this.sorted = null
      }
      ids.add(doc.case_id)
    }
  }

  remove(caseId: string): void {
    for (const w of this.wordsOf.get(caseId) ?? []) {
      const ids = this.postings.get(w)
      ids?.delete(caseId)
      if (ids?.size === 0) {
        this.postings.delete(w)
        this.sorted = null
      }
    }
    this.wordsOf.delete(caseId)
  }

  // Ids of the cases holding every word of `query`; the last word is taken as the start of a
  // word unless the query ends with a space. [] for an empty query.
  search(query: string): string[] {
    const terms = words(query)
    if (terms.length === 0) return []
    const typing = !/\s$/.test(query)
    let result: Set<string> | null = null
    terms.forEach((term, i) => {
      const matches =
        typing && i === terms.length - 1 ? this.prefixed(term) : (this.postings.get(term) ?? new Set<string>())
      result = result === null ? new Set(matches) : new Set([...result].filter((id) => matches.has(id)))
    })
    return [...(result ?? [])]
  }

  private prefixed(prefix: string): Set<string> {
    this.sorted ??= [...this.postings.keys()].sort()
    const all = this.sorted
    let lo = 0
    let hi = all.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (all[mid] < prefix) lo = mid + 1
      else hi = mid
    }
    const out = new Set<string>()
    for (let i = lo; i < all.length && all[i].startsWith(prefix); i++) for (const id of this.postings.get(all[i])!) out.add(id)
    return out
  }
}
