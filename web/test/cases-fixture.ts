// A complete, valid case document for the unit tests (every part of the format used once).
import type { CaseDocument } from '../src/cases/model'

export const ALICE = 'a1'.repeat(16)
export const BOB = 'b2'.repeat(16)
export const CANARY = 'CANARY-perpetrator-7f3e'

export function sampleCase(): CaseDocument {
  return {
    format: 'vigil-case/v1',
    case_id: '0123456789abcdef0123456789abcdef',
    revision: 1,
    previous_sha256: null,
    created_at: '2026-03-01T10:00:00Z',
    author: ALICE,
    title: 'Threats after testimony',
    status: 'assessed',
    assignee: BOB,
    incidents: [
      {
        id: 'i1',
        date: { precision: 'day', start: '2026-02-14' },
        place: { precision: 'city', country: 'COD', region: 'Ituri', city: 'Bunia' },
        types: ['threats_intimidation', 'surveillance_physical'],
        perpetrator: { type: 'state_security', description: CANARY },
        victims: ['p1'],
        description: 'Two men waited outside the house, "asking" about the hearing, twice.',
      },
      {
        id: 'i2',
        date: { precision: 'month', start: '2026-01', end: '2026-02' },
        types: ['cyber_phishing'],
        perpetrator: { type: 'unknown' },
        victims: ['p1', 'p2'],
      },
    ],
    persons: [
      {
        id: 'p1',
        pseudonym: 'Witness A',
        court_links: [{ role: 'witness', interaction: 'Testified in the trial', date: { precision: 'month', start: '2025-11' } }],
      },
      { id: 'p2', pseudonym: 'Relative of A', court_links: [] },
    ],
    risk_assessments: [
      { id: 'r1', likelihood: 4, impact: 5, level: 'critical', rationale: 'Repeated visits.', date: '2026-03-01T11:00:00Z', assessor: ALICE },
    ],
    actions: [
      { id: 'a1', type: 'referral_registry_vws', owner: BOB, due: '2026-03-10', status: 'in_progress' },
      { id: 'a2', type: 'digital_security', due: '2026-03-05', status: 'done', outcome: 'Phone cleaned.' },
      { id: 'a3', type: 'other', type_other: 'Accompaniment', status: 'planned' },
    ],
    consents: [
      {
        id: 'c1',
        person: 'p1',
        scope: ['incident_facts', 'incident_place', 'court_link'],
        recipient: 'analysis',
        given: '2026-03-01T12:00:00Z',
        expires: '2027-03-01T00:00:00Z',
      },
      { id: 'c2', person: 'p2', scope: ['incident_facts'], recipient: 'analysis', given: '2026-03-01T12:00:00Z' },
    ],
    notes: [{ id: 'n1', at: '2026-03-01T12:30:00Z', author: ALICE, text: 'Called back.\nSafe for now.' }],
    links: [
      { kind: 'report', report: 'c3'.repeat(16) },
      { kind: 'attachment', report: 'c3'.repeat(16), attachment: 'd4'.repeat(16), note: 'photo' },
    ],
  }
}
