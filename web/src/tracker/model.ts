// The State cooperation tracker as the pages see it (docs/formats/tracker.md), without DOM: the
// API's types, the table's rows, filters and sort, the map's categories per indicator, and the
// words for facts. The data are incomplete; nothing here turns a gap into a claim: an unknown
// fact stays unknown, a derived one says so, and a State absent from a list is "not listed",
// never "no".
import isoCodes from 'virtual:iso3166'
import type { Figure } from '../api/client'

export interface Fact {
  value: string | null
  known: boolean
  derived: boolean
  source: string
}

export type RomeStatus = 'party' | 'withdrawal_notified' | 'withdrawn' | 'not_party'

export interface StateSummary {
  iso3: string
  names: Partial<Record<'en' | 'fr' | 'es', string>>
  region: string | null
  rome_statute: { status: RomeStatus; ratification: Fact; entry_into_force: Fact; withdrawal_effective: Fact }
  apic: { status: 'party' | 'unknown'; signature?: Fact; ratification?: Fact; notes?: string }
  statements: string[]
  blocking_measures?: Fact
  non_cooperation_findings?: Fact
}

export interface TimelineEvent {
  event: string
  date: string | null
  derived: boolean
  source: string
}

export interface StateDetail extends StateSummary {
  source: string
  notes: string
  editor_notes: Fact
  timeline: TimelineEvent[]
  compiled: string
}

export interface Statement {
  id: string
  date: string
  title: string
  summary: string
  source: string
  listed_signatories: number
  reported_signatories: number | null
}

export interface Headline {
  states_parties: number
  ratification_dates_known: number
  apic: {
    listed: number
    reported_total: string | number
    reported_total_is_approximate: boolean
    dates_read: number
    dates_derived: number
    dates_unknown: number
    listed_and_party_to_statute: number
  }
}

export interface StatesDocument {
  compiled: string
  headline: Headline
  statements: Statement[]
  states: StateSummary[]
}

export interface Change {
  id: string
  log_index: number
  hour: number
  editor: string
  iso3: string
  field: string
  value: string
  source: string
}

// The fields an editor changes (POST /v1/states/{iso3}/edits).
export const EDIT_FIELDS = [
  'status',
  'ratification_date',
  'withdrawal_effective',
  'apic_status',
  'apic_signature_date',
  'apic_ratification_date',
  'statement',
  'blocking_measures',
  'non_cooperation_findings',
  'notes',
] as const

export const REGIONS = [
  'African States',
  'Asia-Pacific States',
  'Eastern European States',
  'Latin American and Caribbean States',
  'Western European and other States',
] as const

const REGION_KEYS: Record<string, string> = {
  'African States': 'tracker_region_africa',
  'Asia-Pacific States': 'tracker_region_asia_pacific',
  'Eastern European States': 'tracker_region_eastern_europe',
  'Latin American and Caribbean States': 'tracker_region_latin_america',
  'Western European and other States': 'tracker_region_weog',
}

// The message key of a regional group's name; null for one the pages do not know.
export function regionKey(region: string | null): string | null {
  return REGION_KEYS[region ?? ''] ?? null
}

// ---- Names ----

// The State's name in the page's language: the data's names in English, French and Spanish;
// in Arabic the browser's own name for the region code (Intl.DisplayNames), else English.
export function stateName(state: Pick<StateSummary, 'iso3' | 'names'>, lang: string): string {
  if (lang === 'en' || lang === 'fr' || lang === 'es') {
    const name = state.names[lang]
    if (name) return name
  } else {
    const alpha2 = isoCodes[state.iso3]?.[0]
    if (alpha2) {
      try {
        const name = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' }).of(alpha2)
        if (name) return name
      } catch {
        // No display names in this browser: English below.
      }
    }
  }
  return state.names.en ?? state.iso3
}

// The ISO 3166-1 numeric code (world-atlas names its countries by it), or null.
export function numericCode(iso3: string): string | null {
  return isoCodes[iso3]?.[1] ?? null
}

// ISO 3166-1 numeric code -> alpha-3.
export function alpha3ByNumeric(): Map<string, string> {
  return new Map(Object.entries(isoCodes).map(([alpha3, [, numeric]]) => [numeric, alpha3]))
}

// ---- Facts ----

export type FactKind = 'date' | 'text'

// What a page shows for a fact: its value (a date formatted in the page's language) or the
// word "unknown", and whether it must be marked as derived.
export interface FactDisplay {
  text: string
  unknown: boolean
  derived: boolean
}

export function formatDate(value: string, lang: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return value
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(date)
}

export function describeFact(
  fact: Fact | undefined,
  kind: FactKind,
  lang: string,
  unknownWord: string,
): FactDisplay {
  if (!fact || !fact.known || fact.value === null || fact.value === '')
    return { text: unknownWord, unknown: true, derived: false }
  return { text: kind === 'date' ? formatDate(fact.value, lang) : fact.value, unknown: false, derived: fact.derived }
}

// A log entry's hour (whole hours since 1970, docs/formats/entries.md) as a date and hour.
export function formatHour(hour: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(hour * 3600 * 1000),
  )
}

// A source as the data write it ("text ; https://… ; membership/region: https://…"): pieces of
// plain text and URLs, which the pages show as links the reader may choose to follow.
export interface SourcePart {
  text: string
  url: string | null
}

export function splitSource(source: string): SourcePart[][] {
  return source
    .split(/\s+;\s+/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const parts: SourcePart[] = []
      let rest = item
      for (;;) {
        const m = /https?:\/\/[^\s<>"]+/.exec(rest)
        if (!m) break
        if (m.index > 0) parts.push({ text: rest.slice(0, m.index), url: null })
        // A trailing full stop or parenthesis belongs to the sentence, not the address.
        let url = m[0]
        while (/[.,)]$/.test(url) && !(url.endsWith(')') && url.includes('('))) url = url.slice(0, -1)
        parts.push({ text: url, url })
        rest = rest.slice(m.index + url.length)
      }
      if (rest) parts.push({ text: rest, url: null })
      return parts
    })
}

// ---- Indicators and the map ----

export const INDICATORS = ['rome_statute', 'apic', 'statements'] as const
export type Indicator = (typeof INDICATORS)[number]

export function isIndicator(value: string | null): value is Indicator {
  return (INDICATORS as readonly string[]).includes(value ?? '')
}

// The categories of an indicator, in legend order. `statementCount` is how many joint
// statements the data hold. A State absent from the data is `not_listed` (Rome Statute: not in
// the list of States Parties; APIC: not in the incomplete list; statements: none recorded).
export function categories(indicator: Indicator, statementCount: number): string[] {
  switch (indicator) {
    case 'rome_statute':
      return ['party', 'withdrawal_notified', 'withdrawn', 'not_listed']
    case 'apic':
      return ['party', 'not_listed']
    case 'statements':
      return [...Array.from({ length: statementCount }, (_, i) => String(statementCount - i)), 'not_listed']
  }
}

export function categoryOf(state: StateSummary | undefined, indicator: Indicator): string {
  if (!state) return 'not_listed'
  switch (indicator) {
    case 'rome_statute':
      return state.rome_statute.status === 'not_party' ? 'not_listed' : state.rome_statute.status
    case 'apic':
      return state.apic.status === 'party' ? 'party' : 'not_listed'
    case 'statements':
      return state.statements.length > 0 ? String(state.statements.length) : 'not_listed'
  }
}

// The message key naming a category in the legend and the table alternative.
export function categoryKey(indicator: Indicator, category: string): string {
  if (indicator === 'statements') return category === 'not_listed' ? 'tracker_cat_statements_none' : 'tracker_cat_statements_n'
  return `tracker_cat_${indicator}_${category}`
}

// The colour class of a category: one palette per indicator, in legend order; `not_listed` is
// always the neutral colour.
export function colourClass(indicator: Indicator, category: string, statementCount: number): string {
  if (category === 'not_listed') return 'map-none'
  const i = categories(indicator, statementCount).indexOf(category)
  return `map-${indicator.replace('_', '-')}-${Math.max(0, i)}`
}

// ---- The table ----

export type SortKey =
  | 'name'
  | 'region'
  | 'rome_statute'
  | 'ratification'
  | 'apic'
  | 'apic_ratification'
  | 'statements'
  | 'blocking'
  | 'non_cooperation'

export const SORT_KEYS: readonly SortKey[] = [
  'name',
  'region',
  'rome_statute',
  'ratification',
  'apic',
  'apic_ratification',
  'statements',
  'blocking',
  'non_cooperation',
]

export interface Row {
  state: StateSummary
  name: string
}

export interface Filter {
  region: string // '' for every group
  indicator: Indicator | ''
  category: string // '' for every category of the indicator
  text: string // part of the name or the code
}

export const NO_FILTER: Filter = { region: '', indicator: '', category: '', text: '' }

export function makeRows(states: readonly StateSummary[], lang: string): Row[] {
  return states.map((state) => ({ state, name: stateName(state, lang) }))
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

export function filterRows(rows: readonly Row[], filter: Filter): Row[] {
  const text = fold(filter.text.trim())
  return rows.filter((row) => {
    if (filter.region && row.state.region !== filter.region) return false
    if (filter.indicator && filter.category && categoryOf(row.state, filter.indicator) !== filter.category)
      return false
    if (text && !fold(row.name).includes(text) && !row.state.iso3.toLowerCase().includes(text)) return false
    return true
  })
}

const ROME_ORDER: Record<string, number> = { party: 0, withdrawal_notified: 1, withdrawn: 2, not_party: 3 }

// A row's value for a sort key; null when unknown (unknown rows sort last in both directions).
function sortValue(row: Row, key: SortKey): string | number | null {
  const s = row.state
  const date = (fact: Fact | undefined) => (fact && fact.known && fact.value ? fact.value : null)
  const text = (fact: Fact | undefined) => (fact && fact.known && fact.value ? fact.value : null)
  switch (key) {
    case 'name':
      return row.name
    case 'region':
      return s.region
    case 'rome_statute':
      return ROME_ORDER[s.rome_statute.status] ?? 9
    case 'ratification':
      return date(s.rome_statute.ratification)
    case 'apic':
      return s.apic.status === 'party' ? 0 : null
    case 'apic_ratification':
      return date(s.apic.ratification)
    case 'statements':
      return s.statements.length
    case 'blocking':
      return text(s.blocking_measures)
    case 'non_cooperation':
      return text(s.non_cooperation_findings)
  }
}

export type Direction = 'ascending' | 'descending'

export function sortRows(rows: readonly Row[], key: SortKey, direction: Direction, lang: string): Row[] {
  const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true })
  const sign = direction === 'ascending' ? 1 : -1
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key)
    const vb = sortValue(b, key)
    if (va === null || vb === null) {
      if (va === vb) return collator.compare(a.name, b.name)
      return va === null ? 1 : -1
    }
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb))
    return c !== 0 ? sign * c : collator.compare(a.name, b.name)
  })
}

// ---- Headline counts ----

// Each headline line as a message key and its arguments, from the API's counts (never from
// the page's own arithmetic): what is confirmed, out of what is reported.
export interface HeadlineLine {
  key: string
  args: Record<string, string | number>
}

export function headlineLines(doc: Pick<StatesDocument, 'headline' | 'statements'>): HeadlineLine[] {
  const h = doc.headline
  const lines: HeadlineLine[] = [
    { key: 'tracker_headline_parties', args: { parties: h.states_parties } },
    {
      key: 'tracker_headline_ratification_dates',
      args: { known: h.ratification_dates_known, parties: h.states_parties },
    },
    {
      key: 'tracker_headline_apic',
      args: {
        listed: h.apic.listed,
        total: String(h.apic.reported_total),
        approximate: h.apic.reported_total_is_approximate ? 'yes' : 'no',
      },
    },
    {
      key: 'tracker_headline_apic_of_parties',
      args: { listed: h.apic.listed_and_party_to_statute, parties: h.states_parties },
    },
    {
      key: 'tracker_headline_apic_dates',
      args: { read: h.apic.dates_read, derived: h.apic.dates_derived, unknown: h.apic.dates_unknown },
    },
  ]
  for (const s of doc.statements) {
    lines.push({
      key: s.reported_signatories === null ? 'tracker_headline_statement_unreported' : 'tracker_headline_statement',
      args: { statement: s.id, date: s.date, listed: s.listed_signatories, reported: s.reported_signatories ?? 0 },
    })
  }
  return lines
}

// ---- Published statistics ----

// A figure of a published table (docs/formats/statistics.md): the count, or why it is hidden.
export function figureText(figure: Figure, k: number, tr: { lang: string; t: (key: string, args?: Record<string, unknown>) => string }): string {
  if (typeof figure === 'number') return new Intl.NumberFormat(tr.lang).format(figure)
  return figure.suppressed === 'fewer_than_k' ? tr.t('tracker_suppressed_small', { k }) : tr.t('tracker_suppressed_complementary')
}
