// The CSV export of cases for analysis (docs/formats/cases.md, "CSV export"): RFC 4180, one row
// per incident, and in each row only what every victim of the incident consented to share with
// the chosen recipient at the chosen time. Identities are never exported: this module never sees
// an identities document. Notes, pseudonyms, exact places and the free text of the response are
// never exported either.
import { isSharingAllowed, type Recipient } from './consent'
import { currentRisk, type CaseDocument, type Incident } from './model'

interface Column {
  name: string
  scope: string | null // null: always written (structure, not content)
  value: (c: CaseDocument, incident: Incident) => string
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

const COLUMNS: Column[] = [
  { name: 'date_precision', scope: 'incident_facts', value: (_c, i) => i.date.precision },
  { name: 'date_start', scope: 'incident_facts', value: (_c, i) => i.date.start },
  { name: 'date_end', scope: 'incident_facts', value: (_c, i) => i.date.end ?? '' },
  { name: 'incident_types', scope: 'incident_facts', value: (_c, i) => i.types.join(';') },
  { name: 'victims', scope: 'incident_facts', value: (_c, i) => String(i.victims.length) },
  { name: 'country', scope: 'incident_place', value: (_c, i) => i.place?.country ?? '' },
  { name: 'region', scope: 'incident_place', value: (_c, i) => i.place?.region ?? '' },
  { name: 'city', scope: 'incident_place', value: (_c, i) => i.place?.city ?? '' },
  { name: 'description', scope: 'incident_description', value: (_c, i) => i.description ?? '' },
  { name: 'perpetrator_type', scope: 'perpetrator', value: (_c, i) => i.perpetrator.type },
  { name: 'perpetrator_description', scope: 'perpetrator', value: (_c, i) => i.perpetrator.description ?? '' },
  {
    name: 'court_roles',
    scope: 'court_link',
    value: (c, i) =>
      unique(c.persons.filter((p) => i.victims.includes(p.id)).flatMap((p) => p.court_links.map((l) => l.role))).join(';'),
  },
  { name: 'risk_level', scope: 'risk', value: (c) => currentRisk(c)?.level ?? '' },
  { name: 'case_status', scope: 'response', value: (c) => c.status },
  { name: 'response_types', scope: 'response', value: (c) => unique(c.actions.map((a) => a.type)).join(';') },
  { name: 'evidence_items', scope: 'evidence', value: (c) => String(c.links.length) },
]

export const CSV_HEADER = ['case', 'incident', ...COLUMNS.map((c) => c.name), 'withheld']
export const CSV_SCOPES = unique(COLUMNS.flatMap((c) => (c.scope ? [c.scope] : [])))

// One field as RFC 4180 writes it. A text that a spreadsheet would run as a formula (= + - @ at
// the start) gets a leading apostrophe. Security: CSV injection when an analyst opens the file.
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? "'" + value : value
  return /[",\r\n]/.test(safe) ? '"' + safe.replaceAll('"', '""') + '"' : safe
}

export interface CsvOptions {
  recipient: Recipient
  at: Date // when the export is made: consent is evaluated at this time
}

// The CSV text (CRLF line ends, a header row). Cases are numbered 1, 2, 3… in the order given,
// not by their ids, and incidents 1, 2, 3… within a case. A consent-gated field is written only
// when every victim of the incident allows its scope; an incident with no victim named shares
// nothing gated. `withheld` lists the scopes left out of the row.
export function exportCsv(cases: readonly CaseDocument[], options: CsvOptions): string {
  const lines = [CSV_HEADER.map(csvField).join(',')]
  cases.forEach((c, caseIndex) => {
    c.incidents.forEach((incident, incidentIndex) => {
      const allowed = new Map<string, boolean>()
      for (const scope of CSV_SCOPES)
        allowed.set(
          scope,
          incident.victims.length > 0 &&
            incident.victims.every((p) => isSharingAllowed(c, p, scope, options.recipient, options.at)),
        )
      const row = [String(caseIndex + 1), String(incidentIndex + 1)]
      for (const column of COLUMNS)
        row.push(column.scope === null || allowed.get(column.scope) ? column.value(c, incident) : '')
      row.push(CSV_SCOPES.filter((s) => !allowed.get(s)).join(';'))
      lines.push(row.map(csvField).join(','))
    })
  })
  return lines.join('\r\n') + '\r\n'
}
