// The tracker's headline counts computed straight from data/tracker/*.csv, independently of the
// server's code (src/tracker/tracker.cc; the CSV parser is the client's), so that the unit
// tests and e2e/tracker.e2e.ts can check that the pages show what the data files say.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseCsv as parseTable } from '../src/tracker/csv'

const dataDir = resolve(import.meta.dirname, '../../data/tracker')

export function parseCsv(text: string): Record<string, string>[] {
  return parseTable(text).rows
}

export function readCsv(name: string): Record<string, string>[] {
  return parseCsv(readFileSync(resolve(dataDir, name), 'utf8'))
}

export interface ExpectedHeadline {
  statesParties: number
  ratificationDatesKnown: number
  apicListed: number
  apicListedParties: number
  apicDatesRead: number
  apicDatesDerived: number
  apicDatesUnknown: number
  statements: { id: string; listed: number; reported: number | null }[]
  // A State Party whose ratification date the data lack (shown "unknown").
  missingRatification: string
}

export function expectedHeadline(): ExpectedHeadline {
  const states = readCsv('states_parties.csv')
  const apic = readCsv('apic.csv')
  const joint = readCsv('joint_statements.csv')
  const statements = readCsv('statements.csv')
  const parties = states.filter((s) => s.status === 'party' || s.status === 'withdrawal_notified')
  const partyCodes = new Set(parties.map((s) => s.iso3))
  const derived = apic.filter((a) => a.ratification_date && a.notes.includes('DERIVED')).length
  const read = apic.filter((a) => a.ratification_date && !a.notes.includes('DERIVED')).length
  return {
    statesParties: parties.length,
    ratificationDatesKnown: parties.filter((s) => s.ratification_date !== '').length,
    apicListed: apic.length,
    apicListedParties: apic.filter((a) => partyCodes.has(a.iso3)).length,
    apicDatesRead: read,
    apicDatesDerived: derived,
    apicDatesUnknown: apic.length - read - derived,
    statements: statements.map((s) => ({
      id: s.statement_id,
      listed: joint.filter((j) => j.statement_id === s.statement_id).length,
      reported: /\((\d+)/.exec(s.title) ? Number(/\((\d+)/.exec(s.title)![1]) : null,
    })),
    missingRatification: parties.find((s) => s.ratification_date === '')?.iso3 ?? '',
  }
}
