// Aggregate statistics computed in the browser from decrypted cases (issue 7, "Statistics"):
// count tables by incident type, month, region and perpetrator type, small-cell and
// complementary suppression, and the vigil-statistics/v1 document the server checks again
// before it publishes (docs/formats/statistics.md). suppress() and publishableProblem() follow
// src/cases/statistics.cc step for step, so that both give the same table
// (testdata/statistics/vectors.json is run by both sides).
import { isSharingAllowed, type Recipient } from './consent'
import type { CaseDocument, Incident } from './model'
import { BASE_TAXONOMY, label, topLevel, type ListName, type Taxonomy } from './taxonomy'
import type { Language } from '../i18n/i18n'

export const DEFAULT_K = 5
export const STATISTICS_FORMAT = 'vigil-statistics/v1'
const MAX_COUNT = 2 ** 40

export interface PublishedCell {
  value: number | null // null: suppressed
  primary: boolean // suppressed because small ("fewer than k"), not to protect another figure
}

export interface PublishedTable {
  k: number
  cells: PublishedCell[][]
  row_totals: PublishedCell[]
  column_totals: PublishedCell[]
  total: PublishedCell
}

interface Line {
  cells: PublishedCell[]
  total: PublishedCell
  name: string
}

// Rows with their totals, columns with theirs, then the row totals and the column totals, each
// with the grand total: the order of Lines() in statistics.cc.
function lines(t: PublishedTable): Line[] {
  const out: Line[] = []
  const columns = t.cells.length ? t.cells[0].length : 0
  t.cells.forEach((row, r) => out.push({ cells: [...row], total: t.row_totals[r], name: `row ${r + 1}` }))
  for (let c = 0; c < columns; c++)
    out.push({ cells: t.cells.map((row) => row[c]), total: t.column_totals[c], name: `column ${c + 1}` })
  out.push({ cells: [...t.row_totals], total: t.total, name: 'row totals' })
  out.push({ cells: [...t.column_totals], total: t.total, name: 'column totals' })
  return out
}

function hidden(line: Line): number {
  return (line.total.value === null ? 1 : 0) + line.cells.filter((c) => c.value === null).length
}

function primary(count: number, k: number): PublishedCell {
  return count > 0 && count < k ? { value: null, primary: true } : { value: count, primary: false }
}

// Suppresses a table of counts for publication with threshold k (at least 2): every figure from
// 1 to k-1, cells and totals, is hidden ("fewer than k"); then, until no line has exactly one
// hidden figure, a line with one hides its smallest other non-zero shown cell (a zero only when
// nothing else is shown), else its total. Throws RangeError on a ragged or empty table, a count
// that is not a non-negative integer, or k < 2.
export function suppress(counts: readonly (readonly number[])[], k: number = DEFAULT_K): PublishedTable {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be at least 2')
  const rows = counts.length
  const columns = rows ? counts[0].length : 0
  if (rows === 0 || columns === 0) throw new RangeError('an empty table')
  const rowSums = new Array<number>(rows).fill(0)
  const columnSums = new Array<number>(columns).fill(0)
  let total = 0
  const t: PublishedTable = { k, cells: [], row_totals: [], column_totals: [], total: { value: 0, primary: false } }
  counts.forEach((row, r) => {
    if (row.length !== columns) throw new RangeError(`row ${r + 1} is ragged`)
    t.cells.push(
      row.map((v, c) => {
        if (!Number.isInteger(v) || v < 0 || v > MAX_COUNT) throw new RangeError('a count out of range')
        rowSums[r] += v
        columnSums[c] += v
        total += v
        return primary(v, k)
      }),
    )
  })
  t.row_totals = rowSums.map((v) => primary(v, k))
  t.column_totals = columnSums.map((v) => primary(v, k))
  t.total = primary(total, k)

  for (let changed = true; changed; ) {
    changed = false
    for (const line of lines(t)) {
      if (hidden(line) !== 1) continue
      let pick: PublishedCell | null = null
      for (const c of line.cells) {
        if (c.value === null) continue
        if (pick === null) pick = c
        else if (pick.value === 0 ? c.value > 0 : c.value > 0 && c.value < pick.value!) pick = c
      }
      ;(pick ?? line.total).value = null
      changed = true
    }
  }
  return t
}

// What the server's CheckPublishable says of a table, without the raw counts: null when it may
// be published, else the first problem, in the server's words.
export function publishableProblem(table: PublishedTable): string | null {
  if (table.k < 2) return 'k must be at least 2'
  const rows = table.cells.length
  const columns = rows ? table.cells[0].length : 0
  if (rows === 0 || columns === 0 || table.row_totals.length !== rows || table.column_totals.length !== columns)
    return "the table's shape does not match its totals"
  if (table.cells.some((row) => row.length !== columns)) return 'a ragged row'
  for (const line of lines(table)) {
    for (const c of [...line.cells, line.total])
      if (c.value !== null && (c.value < 0 || (c.value > 0 && c.value < table.k)))
        return `${line.name}: a figure between 1 and k-1 is shown`
    const shown = line.cells.reduce((sum, c) => sum + (c.value ?? 0), 0)
    const n = hidden(line)
    if (n === 1) return `${line.name}: one hidden figure can be worked out from the others`
    if (line.total.value !== null && ((n === 0 && shown !== line.total.value) || (n > 0 && shown > line.total.value)))
      return `${line.name}: figures do not add up`
  }
  return null
}

export type Figure = number | { suppressed: 'fewer_than_k' | 'complementary' }

export interface StatisticsDocument {
  format: typeof STATISTICS_FORMAT
  title: string
  k: number
  rows: string[]
  columns: string[]
  cells: Figure[][]
  row_totals: Figure[]
  column_totals: Figure[]
  total: Figure
}

export function figure(cell: PublishedCell): Figure {
  if (cell.value !== null) return cell.value
  return { suppressed: cell.primary ? 'fewer_than_k' : 'complementary' }
}

export function cellOf(f: Figure): PublishedCell {
  return typeof f === 'number' ? { value: f, primary: false } : { value: null, primary: f.suppressed === 'fewer_than_k' }
}

const encoder = new TextEncoder()

// At most `max` UTF-8 bytes, cut at a character boundary (the server counts bytes).
function clip(text: string, max: number): string {
  if (encoder.encode(text).length <= max) return text
  let out = ''
  for (const ch of text) {
    if (encoder.encode(out + ch + '…').length > max) break
    out += ch
  }
  return out + '…'
}

// The document to publish (POST /v1/statistics), fields in the server's canonical order. Labels
// are clipped to the server's 200 bytes and the title to 300. Throws when the table is not
// publishable or the labels do not match its shape.
export function statisticsDocument(title: string, rows: string[], columns: string[], table: PublishedTable): StatisticsDocument {
  const problem = publishableProblem(table)
  if (problem) throw new RangeError('not publishable: ' + problem)
  if (rows.length !== table.cells.length || columns.length !== table.column_totals.length)
    throw new RangeError('labels do not match the table')
  if (rows.length > 200 || columns.length > 200) throw new RangeError('at most 200 rows and 200 columns')
  if (title.trim() === '' || [...rows, ...columns].some((l) => l === '')) throw new RangeError('a title or a label is empty')
  return {
    format: STATISTICS_FORMAT,
    title: clip(title, 300),
    k: table.k,
    rows: rows.map((l) => clip(l, 200)),
    columns: columns.map((l) => clip(l, 200)),
    cells: table.cells.map((row) => row.map(figure)),
    row_totals: table.row_totals.map(figure),
    column_totals: table.column_totals.map(figure),
    total: figure(table.total),
  }
}

// A figure as a page shows it: the count, or "fewer than k", or the text for a figure hidden to
// protect another. `t` is the page's translator (keys case_stats_fewer_than, case_stats_hidden).
export function figureText(cell: PublishedCell, k: number, t: (key: string, args?: Record<string, unknown>) => string): string {
  if (cell.value !== null) return String(cell.value)
  return cell.primary ? t('case_stats_fewer_than', { k }) : t('case_stats_hidden')
}

export const DIMENSIONS = [
  'incident_type',
  'incident_category',
  'month',
  'year',
  'country',
  'region',
  'perpetrator_type',
  'all',
] as const
export type Dimension = (typeof DIMENSIONS)[number]

export interface CountOptions {
  language: Language
  taxonomy?: Taxonomy
  // Count only incidents whose every victim allows this recipient to know the facts (and the
  // place or perpetrator when the table shows them) at this time.
  consent?: { recipient: Recipient; at: Date }
  unknownLabel?: string
  allLabel?: string
}

export interface CountTable {
  rowKeys: string[]
  columnKeys: string[]
  rows: string[] // labels in the chosen language
  columns: string[]
  counts: number[][]
}

const UNKNOWN = '\u0000unknown'

// The keys an incident falls under for a dimension: several for its types, one otherwise.
function keys(taxonomy: Taxonomy, incident: Incident, dimension: Dimension): string[] {
  switch (dimension) {
    case 'incident_type':
      return incident.types
    case 'incident_category':
      return [...new Set(incident.types.map((t) => topLevel(taxonomy, 'incident_types', t)))]
    case 'month':
      return [incident.date.precision === 'year' ? UNKNOWN : incident.date.start.slice(0, 7)]
    case 'year':
      return [incident.date.start.slice(0, 4)]
    case 'country':
      return [incident.place?.country ?? UNKNOWN]
    case 'region': {
      const p = incident.place
      if (!p) return [UNKNOWN]
      return [p.region ? `${p.country} / ${p.region.trim()}` : `${p.country} / ${UNKNOWN}`]
    }
    case 'perpetrator_type':
      return [incident.perpetrator.type]
    case 'all':
      return ['all']
  }
}

const LIST_OF: Partial<Record<Dimension, ListName>> = {
  incident_type: 'incident_types',
  incident_category: 'incident_types',
  perpetrator_type: 'perpetrator_types',
}

function scopesFor(dimensions: Dimension[]): string[] {
  const scopes = new Set(['incident_facts'])
  for (const d of dimensions) {
    if (d === 'country' || d === 'region') scopes.add('incident_place')
    if (d === 'perpetrator_type') scopes.add('perpetrator')
  }
  return [...scopes]
}

function nextMonth(month: string): string {
  const y = +month.slice(0, 4)
  const m = +month.slice(5, 7)
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

function orderKeys(taxonomy: Taxonomy, dimension: Dimension, found: Set<string>): string[] {
  const list = LIST_OF[dimension]
  let ordered: string[]
  if (list) {
    const order = taxonomy.lists[list].map((e) => e.id)
    ordered = [...found].filter((k) => k !== UNKNOWN).sort((a, b) => order.indexOf(a) - order.indexOf(b))
  } else if (dimension === 'month') {
    // Every month between the first and the last, so a chart's time axis has no gap.
    const months = [...found].filter((k) => k !== UNKNOWN).sort()
    ordered = []
    for (let m = months[0]; m !== undefined && m <= months[months.length - 1]; m = nextMonth(m)) ordered.push(m)
  } else {
    ordered = [...found].filter((k) => k !== UNKNOWN).sort()
  }
  return found.has(UNKNOWN) ? [...ordered, UNKNOWN] : ordered
}

// Counts incidents by two dimensions (use "all" for a one-way table). An incident with several
// types counts once under each; the totals are the sums of the cells, so they count an incident
// once per row it falls in. Throws RangeError when no incident is counted.
export function countTable(cases: readonly CaseDocument[], rows: Dimension, columns: Dimension, options: CountOptions): CountTable {
  const taxonomy = options.taxonomy ?? BASE_TAXONOMY
  const scopes = scopesFor([rows, columns])
  const tally = new Map<string, Map<string, number>>()
  const rowFound = new Set<string>()
  const columnFound = new Set<string>()
  for (const c of cases) {
    for (const incident of c.incidents) {
      const consent = options.consent
      if (
        consent &&
        !(incident.victims.length > 0 &&
          incident.victims.every((p) => scopes.every((s) => isSharingAllowed(c, p, s, consent.recipient, consent.at))))
      )
        continue
      for (const r of keys(taxonomy, incident, rows)) {
        rowFound.add(r)
        const row = tally.get(r) ?? new Map<string, number>()
        tally.set(r, row)
        for (const col of keys(taxonomy, incident, columns)) {
          columnFound.add(col)
          row.set(col, (row.get(col) ?? 0) + 1)
        }
      }
    }
  }
  if (rowFound.size === 0) throw new RangeError('no incident to count')
  const rowKeys = orderKeys(taxonomy, rows, rowFound)
  const columnKeys = orderKeys(taxonomy, columns, columnFound)
  const name = (dimension: Dimension, key: string): string => {
    if (key === UNKNOWN) return options.unknownLabel ?? 'unknown'
    if (dimension === 'all') return options.allLabel ?? 'All'
    if (dimension === 'region' && key.endsWith(UNKNOWN)) return key.replace(UNKNOWN, options.unknownLabel ?? 'unknown')
    const list = LIST_OF[dimension]
    return list ? label(taxonomy, list, key, options.language) : key
  }
  return {
    rowKeys,
    columnKeys,
    rows: rowKeys.map((k) => name(rows, k)),
    columns: columnKeys.map((k) => name(columns, k)),
    counts: rowKeys.map((r) => columnKeys.map((col) => tally.get(r)?.get(col) ?? 0)),
  }
}

// Reads a published document (GET /v1/statistics/{id}) with the server's rules (ParseStatistics
// in src/cases/publications.cc): the table, or the first problem. Pages show only what parses.
export function parseStatistics(text: string): { ok: true; document: StatisticsDocument; table: PublishedTable } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem: 'statistics: ' + problem })
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return bad('not a JSON object')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not a JSON object')
  const o = v as Record<string, unknown>
  const known = ['format', 'title', 'k', 'rows', 'columns', 'cells', 'row_totals', 'column_totals', 'total']
  for (const key of Object.keys(o)) if (!known.includes(key)) return bad('unknown field ' + key)
  if (o.format !== STATISTICS_FORMAT) return bad('format must be vigil-statistics/v1')
  const bytes = (s: string) => encoder.encode(s).length
  if (typeof o.title !== 'string' || o.title === '' || bytes(o.title) > 300) return bad('a title of 1 to 300 characters is required')
  if (typeof o.k !== 'number' || !Number.isInteger(o.k) || o.k < 2 || o.k > 100) return bad('k must be an integer from 2 to 100')
  const labels = (key: 'rows' | 'columns'): string[] | null => {
    const l = o[key]
    if (!Array.isArray(l) || l.length === 0 || l.length > 200) return null
    return l.every((x) => typeof x === 'string' && x !== '' && bytes(x) <= 200) ? (l as string[]) : null
  }
  const rows = labels('rows')
  const columns = labels('columns')
  if (!rows) return bad('rows must be 1 to 200 labels')
  if (!columns) return bad('columns must be 1 to 200 labels')
  const isFigure = (f: unknown): f is Figure =>
    (typeof f === 'number' && Number.isInteger(f)) ||
    (typeof f === 'object' &&
      f !== null &&
      Object.keys(f).length === 1 &&
      ['fewer_than_k', 'complementary'].includes((f as { suppressed?: unknown }).suppressed as string))
  const figures = (value: unknown, n: number): Figure[] | null =>
    Array.isArray(value) && value.length === n && value.every(isFigure) ? (value as Figure[]) : null
  if (!Array.isArray(o.cells) || o.cells.length !== rows.length) return bad('cells must have one row per label')
  const cells: Figure[][] = []
  for (const row of o.cells) {
    const r = figures(row, columns.length)
    if (!r) return bad('a row of cells has the wrong number of figures')
    cells.push(r)
  }
  const rowTotals = figures(o.row_totals, rows.length)
  if (!rowTotals) return bad('row_totals has the wrong number of figures')
  const columnTotals = figures(o.column_totals, columns.length)
  if (!columnTotals) return bad('column_totals has the wrong number of figures')
  if (!isFigure(o.total)) return bad('total is required')
  const document: StatisticsDocument = {
    format: STATISTICS_FORMAT,
    title: o.title,
    k: o.k,
    rows,
    columns,
    cells,
    row_totals: rowTotals,
    column_totals: columnTotals,
    total: o.total,
  }
  const table: PublishedTable = {
    k: o.k,
    cells: cells.map((r) => r.map(cellOf)),
    row_totals: rowTotals.map(cellOf),
    column_totals: columnTotals.map(cellOf),
    total: cellOf(o.total),
  }
  return { ok: true, document, table }
}
