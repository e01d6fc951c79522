// The case taxonomy (data/taxonomy/taxonomy.json): stable ids with labels in the four languages,
// and an organisation's extension document that adds entries with new ids and never reuses one
// (docs/formats/cases.md, "Taxonomy").
import base from '../../../data/taxonomy/taxonomy.json'
import type { Language } from '../i18n/i18n'

export const TAXONOMY_FORMAT = 'vigil-taxonomy/v1'
export const EXTENSION_FORMAT = 'vigil-taxonomy-extension/v1'

export const LIST_NAMES = [
  'incident_types',
  'perpetrator_types',
  'court_roles',
  'response_types',
  'consent_recipients',
  'consent_scopes',
  'case_statuses',
  'action_statuses',
  'consent_statuses',
  'risk_likelihood',
  'risk_impact',
  'risk_levels',
] as const
export type ListName = (typeof LIST_NAMES)[number]

// Lists an administrator may extend; the others are fixed because code depends on their ids.
export const EXTENDABLE_LISTS = [
  'incident_types',
  'perpetrator_types',
  'court_roles',
  'response_types',
  'consent_recipients',
] as const satisfies readonly ListName[]
export type ExtendableList = (typeof EXTENDABLE_LISTS)[number]

export type Labels = Record<Language, string>

export interface TaxonomyEntry {
  id: string
  parent?: string
  labels: Labels
  retired?: boolean // an extension entry no longer offered for new data; old data keeps it
}

export interface Taxonomy {
  lists: Record<ListName, TaxonomyEntry[]>
}

export interface TaxonomyExtension {
  format: typeof EXTENSION_FORMAT
  lists: Partial<Record<ExtendableList, TaxonomyEntry[]>>
}

// The languages every label is given in (as i18n.ts LANGUAGES, without loading the catalogues).
export const LABEL_LANGUAGES: readonly Language[] = ['en', 'fr', 'es', 'ar']
const LANGS = LABEL_LANGUAGES
export const EXTENSION_ID = /^org_[a-z0-9_]{1,60}$/
const MAX_EXTENSION_ENTRIES = 200
const MAX_LABEL = 200

export const BASE_TAXONOMY: Taxonomy = base as unknown as Taxonomy

export function entry(taxonomy: Taxonomy, list: ListName, id: string): TaxonomyEntry | undefined {
  return taxonomy.lists[list].find((e) => e.id === id)
}

export function hasId(taxonomy: Taxonomy, list: ListName, id: string): boolean {
  return entry(taxonomy, list, id) !== undefined
}

// The label of `id` in `lang`; the id itself when the taxonomy lacks it.
export function label(taxonomy: Taxonomy, list: ListName, id: string, lang: Language): string {
  return entry(taxonomy, list, id)?.labels[lang] ?? id
}

// The top-level entry of `id` (its parent, or itself): "surveillance_spyware" -> "surveillance".
export function topLevel(taxonomy: Taxonomy, list: ListName, id: string): string {
  return entry(taxonomy, list, id)?.parent ?? id
}

// Entries offered for new data: not retired.
export function offered(taxonomy: Taxonomy, list: ListName): TaxonomyEntry[] {
  return taxonomy.lists[list].filter((e) => !e.retired)
}

// Entries a picker shows for data that already holds `kept`: those offered, and the retired
// ones among `kept` (an old case still shows, and keeps, a retired entry), in taxonomy order.
export function offeredWith(taxonomy: Taxonomy, list: ListName, kept: readonly string[]): TaxonomyEntry[] {
  return taxonomy.lists[list].filter((e) => !e.retired || kept.includes(e.id))
}

function problemsOfEntry(e: unknown, path: string): string[] {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return [`${path}: must be an object`]
  const o = e as Record<string, unknown>
  const problems: string[] = []
  for (const key of Object.keys(o))
    if (!['id', 'parent', 'labels', 'retired'].includes(key)) problems.push(`${path}.${key}: unknown field`)
  if (typeof o.id !== 'string' || !EXTENSION_ID.test(o.id)) problems.push(`${path}.id: must match ${EXTENSION_ID.source}`)
  if (o.retired !== undefined && typeof o.retired !== 'boolean') problems.push(`${path}.retired: must be true or false`)
  if (typeof o.labels !== 'object' || o.labels === null) {
    problems.push(`${path}.labels: must give a label in en, fr, es and ar`)
  } else {
    const labels = o.labels as Record<string, unknown>
    for (const key of Object.keys(labels))
      if (!LANGS.includes(key as Language)) problems.push(`${path}.labels.${key}: unknown language`)
    for (const lang of LANGS) {
      const text = labels[lang]
      if (typeof text !== 'string' || text.trim() === '' || [...text].length > MAX_LABEL)
        problems.push(`${path}.labels.${lang}: must be 1 to ${MAX_LABEL} characters`)
    }
  }
  return problems
}

// Checks an organisation's extension against the base taxonomy and, when given, the extension it
// replaces: new ids start with "org_", no id appears twice or collides with a base id, a parent
// names a top-level entry of the same list, and every id of the previous extension is still
// there (retire an entry, never delete or reuse its id). Returns the problems, [] when none.
export function extensionProblems(extension: unknown, previous?: TaxonomyExtension): string[] {
  if (typeof extension !== 'object' || extension === null) return ['extension: must be an object']
  const x = extension as Record<string, unknown>
  const problems: string[] = []
  for (const key of Object.keys(x)) if (key !== 'format' && key !== 'lists') problems.push(`${key}: unknown field`)
  if (x.format !== EXTENSION_FORMAT) problems.push(`format: must be ${EXTENSION_FORMAT}`)
  if (typeof x.lists !== 'object' || x.lists === null) return [...problems, 'lists: must be an object']
  const lists = x.lists as Record<string, unknown>
  let count = 0
  for (const [name, entries] of Object.entries(lists)) {
    if (!(EXTENDABLE_LISTS as readonly string[]).includes(name)) {
      problems.push(`lists.${name}: cannot be extended`)
      continue
    }
    if (!Array.isArray(entries)) {
      problems.push(`lists.${name}: must be a list`)
      continue
    }
    const seen = new Set(BASE_TAXONOMY.lists[name as ListName].map((e) => e.id))
    entries.forEach((e, i) => {
      const path = `lists.${name}[${i}]`
      count++
      problems.push(...problemsOfEntry(e, path))
      const id = (e as TaxonomyEntry)?.id
      if (typeof id === 'string') {
        if (seen.has(id)) problems.push(`${path}.id: ${id} is already used`)
        seen.add(id)
      }
      const parent = (e as TaxonomyEntry)?.parent
      if (parent !== undefined) {
        const top = [...BASE_TAXONOMY.lists[name as ListName], ...(entries as TaxonomyEntry[])].find(
          (p) => p?.id === parent,
        )
        if (!top || top.parent !== undefined) problems.push(`${path}.parent: must name a top-level entry of ${name}`)
      }
    })
  }
  if (count > MAX_EXTENSION_ENTRIES) problems.push(`lists: at most ${MAX_EXTENSION_ENTRIES} entries`)
  if (previous) {
    for (const [name, entries] of Object.entries(previous.lists)) {
      const now = Array.isArray(lists[name]) ? (lists[name] as TaxonomyEntry[]) : []
      for (const old of entries ?? []) {
        const kept = now.find((e) => e?.id === old.id)
        if (!kept) problems.push(`lists.${name}: ${old.id} was removed; retire it instead`)
        else if ((kept.parent ?? null) !== (old.parent ?? null))
          problems.push(`lists.${name}: ${old.id} changed its parent; add a new id instead`)
      }
    }
  }
  return problems
}

// The base taxonomy with an organisation's extension appended (extension entries after the base
// ones of each list). Throws on an extension with problems: check it with extensionProblems first.
export function extendTaxonomy(extension: TaxonomyExtension): Taxonomy {
  const problems = extensionProblems(extension)
  if (problems.length > 0) throw new Error('taxonomy extension: ' + problems[0])
  const lists = { ...BASE_TAXONOMY.lists }
  for (const name of EXTENDABLE_LISTS) lists[name] = [...lists[name], ...(extension.lists[name] ?? [])]
  return { lists }
}
