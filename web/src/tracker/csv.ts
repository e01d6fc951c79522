// The tracker's CSV (RFC 4180, as `GET /v1/tracker/export?format=csv` writes it and
// `POST /v1/tracker/import` reads it), and the editor's JSON import: a file in the export's JSON
// format laid over the current CSV, so that the server checks and records it as any import.
// Format: docs/formats/tracker.md ("Export and import").
import type { Fact, StateDetail } from './model'

export type CsvRow = Record<string, string>

export interface CsvTable {
  header: string[]
  rows: CsvRow[]
}

// Fields in double quotes may hold commas, line breaks and doubled quotes.
export function parseCsv(text: string): CsvTable {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      record.push(field)
      records.push(record)
      record = []
      field = ''
    } else field += c
  }
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  const [header = [], ...body] = records.filter((r) => r.length > 1 || r[0] !== '')
  return { header, rows: body.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? '']))) }
}

export function formatCsv(table: CsvTable): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
  return [table.header, ...table.rows.map((r) => table.header.map((h) => r[h] ?? ''))]
    .map((r) => r.map(quote).join(','))
    .join('\r\n') + '\r\n'
}

function setFact(row: CsvRow, column: string, fact: Fact | undefined): void {
  if (!fact) return
  row[column] = fact.known && fact.value !== null ? fact.value : ''
  row[`${column}_source`] = fact.source
}

// The current export with the editable cells of every State in `states` replaced by the
// JSON's values and sources. A State the CSV lacks is an error naming it; read-only columns
// stay as exported.
export function overlayJson(current: CsvTable, states: StateDetail[]): CsvTable | { unknownState: string } {
  const rows = current.rows.map((r) => ({ ...r }))
  for (const s of states) {
    const row = rows.find((r) => r.iso3 === s.iso3)
    if (!row) return { unknownState: String(s.iso3) }
    if (s.rome_statute) {
      row.status = s.rome_statute.status
      if (s.source !== undefined) row.status_source = s.source
      setFact(row, 'ratification_date', s.rome_statute.ratification)
      setFact(row, 'withdrawal_effective', s.rome_statute.withdrawal_effective)
    }
    if (s.apic) {
      row.apic_status = s.apic.status
      setFact(row, 'apic_signature_date', s.apic.signature)
      setFact(row, 'apic_ratification_date', s.apic.ratification)
    }
    setFact(row, 'blocking_measures', s.blocking_measures)
    setFact(row, 'non_cooperation_findings', s.non_cooperation_findings)
    setFact(row, 'notes', s.editor_notes)
  }
  return { header: current.header, rows }
}
