// The case model (web/src/cases, docs/formats/cases.md): validation naming the path of each
// problem, revisions and their chain, consent in force, expired and revoked, overdue actions,
// the consent-filtered CSV export, search, the taxonomy and its extension, synthetic cases.
import { describe, expect, it } from 'vitest'
import { consentStatus, isSharingAllowed } from '../src/cases/consent'
import { CSV_HEADER, csvField, exportCsv } from '../src/cases/csv'
import { isOverdue, overdueActions, riskLevel, RISK_MATRIX, type CaseDocument } from '../src/cases/model'
import { canonicalJson, caseFromReport, chainProblem, documentHash, firstRevision, nextRevision } from '../src/cases/revisions'
import { CaseIndex, fold, searchableText, words } from '../src/cases/search'
import { syntheticCases } from '../src/cases/synthetic'
import {
  BASE_TAXONOMY,
  EXTENDABLE_LISTS,
  extendTaxonomy,
  extensionProblems,
  label,
  LIST_NAMES,
  type TaxonomyExtension,
} from '../src/cases/taxonomy'
import { parseCase, validateCase, validateIdentities } from '../src/cases/validate'
import { ALICE, BOB, CANARY, sampleCase } from './cases-fixture'

function problemsOf(doc: unknown): string[] {
  const result = validateCase(doc)
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)
}

function mutated(change: (d: any) => void): unknown {
  const d = structuredClone(sampleCase()) as any
  change(d)
  return d
}

describe('case validation', () => {
  it('accepts a complete document', () => {
    expect(problemsOf(sampleCase())).toEqual([])
    expect(parseCase(JSON.stringify(sampleCase())).ok).toBe(true)
  })

  const bad: [string, (d: any) => void, string][] = [
    ['an unknown field', (d) => (d.colour = 'red'), 'colour: unknown field'],
    ['a missing field', (d) => delete d.notes, 'notes: is required'],
    ['another format', (d) => (d.format = 'vigil-case/v2'), 'format: must be vigil-case/v1'],
    ['a case id that is not hex', (d) => (d.case_id = 'XYZ'), 'case_id: must be 32 lowercase hex digits'],
    ['a previous hash in revision 1', (d) => (d.previous_sha256 = 'ab'.repeat(32)), 'previous_sha256: must be null in revision 1'],
    ['no previous hash in revision 2', (d) => (d.revision = 2), 'previous_sha256: must be 64 lowercase hex digits'],
    ['a time without zone', (d) => (d.created_at = '2026-03-01T10:00:00'), 'created_at: must be a UTC time'],
    ['an impossible day', (d) => (d.incidents[0].date.start = '2026-02-30'), 'incidents[0].date.start: must be a date at the precision day'],
    ['a range going back', (d) => (d.incidents[1].date.end = '2025-12'), 'incidents[1].date.end: must not be before start'],
    ['a date finer than its precision', (d) => (d.incidents[1].date.start = '2026-01-05'), 'incidents[1].date.start: must be a date at the precision month'],
    ['an unknown status', (d) => (d.status = 'done'), 'status: must be one of new, triage'],
    ['an empty title', (d) => (d.title = '   '), 'title: must not be blank'],
    ['a title on two lines', (d) => (d.title = 'a\nb'), 'title: must be a single line'],
    ['a title too long', (d) => (d.title = 'x'.repeat(201)), 'title: must be 1 to 200 characters'],
    ['an incident type outside the taxonomy', (d) => (d.incidents[0].types[1] = 'kidnap'), "incidents[0].types[1]: must be an id of the taxonomy's incident_types"],
    ['an incident type twice', (d) => (d.incidents[0].types[1] = 'threats_intimidation'), 'incidents[0].types[1]: threats_intimidation is listed twice'],
    ['no incident type', (d) => (d.incidents[0].types = []), 'incidents[0].types: must have 1 to 10 entries'],
    ['a victim who is not a person of the case', (d) => (d.incidents[1].victims[1] = 'p9'), 'incidents[1].victims[1]: must name a person of this case'],
    ['a place finer than its precision', (d) => (d.incidents[0].place.exact = '12 Main St'), 'incidents[0].place.exact: is finer than the precision city'],
    ['a place missing its finest level', (d) => delete d.incidents[0].place.city, 'incidents[0].place.city: is required at the precision city'],
    ['a country that is not alpha-3', (d) => (d.incidents[0].place.country = 'CD'), 'incidents[0].place.country: must be an ISO 3166-1 alpha-3 code'],
    ['a perpetrator type outside the taxonomy', (d) => (d.incidents[0].perpetrator.type = 'aliens'), "incidents[0].perpetrator.type: must be an id of the taxonomy's perpetrator_types"],
    ['a court role outside the taxonomy', (d) => (d.persons[0].court_links[0].role = 'judge'), "persons[0].court_links[0].role: must be an id of the taxonomy's court_roles"],
    ['role_other without role other', (d) => (d.persons[0].court_links[0].role_other = 'x'), 'persons[0].court_links[0].role_other: only with role other'],
    ['a person id twice', (d) => (d.persons[1].id = 'p1'), 'persons[1].id: p1 is used twice'],
    ['a bad local id', (d) => (d.notes[0].id = 'Note 1'), 'notes[0].id: must be a short id'],
    ['a level that does not follow the matrix', (d) => (d.risk_assessments[0].level = 'low'), 'risk_assessments[0].level: must be critical'],
    ['a likelihood off the scale', (d) => (d.risk_assessments[0].likelihood = 6), 'risk_assessments[0].likelihood: must be an integer from 1 to 5'],
    ['an action status outside the list', (d) => (d.actions[0].status = 'late'), 'actions[0].status: must be one of planned'],
    ['a due date with a time', (d) => (d.actions[0].due = '2026-03-10T00:00:00Z'), 'actions[0].due: must be a date as 2026-03-14'],
    ['an owner that is not an account id', (d) => (d.actions[0].owner = 'bob'), 'actions[0].owner: must be an account id'],
    ['a consent for nobody', (d) => (d.consents[0].person = 'p7'), 'consents[0].person: must name a person of this case'],
    ['a consent scope outside the taxonomy', (d) => (d.consents[0].scope[0] = 'everything'), "consents[0].scope[0]: must be an id of the taxonomy's consent_scopes"],
    ['a consent recipient outside the taxonomy', (d) => (d.consents[0].recipient = 'friends'), "consents[0].recipient: must be an id of the taxonomy's consent_recipients"],
    ['recipient other unnamed', (d) => (d.consents[0].recipient = 'other'), 'consents[0].recipient_other: is required with recipient other'],
    ['an expiry before the consent', (d) => (d.consents[0].expires = '2026-01-01T00:00:00Z'), 'consents[0].expires: must be after given'],
    ['a revocation before the consent', (d) => (d.consents[0].revoked = '2026-01-01T00:00:00Z'), 'consents[0].revoked: must not be before given'],
    ['a control character in a note', (d) => (d.notes[0].text = 'a\u0007b'), 'notes[0].text: holds a control character'],
    ['a message link without its message', (d) => (d.links[0].kind = 'message'), 'links[0].message: must be a message id'],
    ['an attachment id on a report link', (d) => (d.links[0].attachment = 'd4'.repeat(16)), 'links[0].attachment: only with kind attachment'],
    ['too many incidents', (d) => (d.incidents = Array.from({ length: 51 }, () => d.incidents[1])), 'incidents: must have 0 to 50 entries'],
    ['a list that is not one', (d) => (d.actions = {}), 'actions: must be a list'],
  ]
  for (const [what, change, expected] of bad) {
    it(`refuses ${what}, naming the path`, () => {
      const problems = problemsOf(mutated(change))
      expect(problems.length).toBeGreaterThan(0)
      expect(problems.some((p) => p.startsWith(expected)), problems.join('\n')).toBe(true)
    })
  }

  it('refuses what is not a document', () => {
    expect(problemsOf(null)).toEqual([': must be an object'])
    expect(problemsOf([])).toEqual([': must be an object'])
    expect(parseCase('{"format":')).toEqual({ ok: false, problems: [{ path: '', message: 'not JSON' }] })
    expect(parseCase('"' + 'x'.repeat(4 * 1024 * 1024) + '"').ok).toBe(false)
  })

  it('counts characters, not bytes, against the limits', () => {
    expect(problemsOf(mutated((d) => (d.title = 'ش'.repeat(200))))).toEqual([])
    // Characters outside the Basic Multilingual Plane are two UTF-16 units and one character.
    expect(problemsOf(mutated((d) => (d.title = '🕊'.repeat(200))))).toEqual([])
    expect(problemsOf(mutated((d) => (d.title = '🕊'.repeat(199) + 'xy')))).toEqual(['title: must be 1 to 200 characters'])
    expect(problemsOf(mutated((d) => (d.title = '\ud83d'.repeat(201))))).toEqual(['title: must be 1 to 200 characters'])
  })

  it('measures the document in UTF-8 bytes against its limit', () => {
    // 4 MiB of characters of 1, 2, 3 and 4 bytes, each just over the limit, inside a string.
    for (const [char, bytes] of [['x', 1], ['é', 2], ['€', 3], ['🕊', 4]] as const) {
      const over = '"' + char.repeat(Math.floor((4 * 1024 * 1024) / bytes) + 1) + '"'
      const under = '"' + char.repeat(Math.floor((4 * 1024 * 1024 - 2) / bytes)) + '"'
      expect(parseCase(over).ok).toBe(false)
      expect(parseCase(under)).toEqual({ ok: false, problems: [{ path: '', message: 'must be an object' }] })
    }
  })

  it('checks an identities document and that it belongs to the case', () => {
    const identities = {
      format: 'vigil-case-identities/v1',
      case_id: sampleCase().case_id,
      revision: 1,
      previous_sha256: null,
      created_at: '2026-03-01T10:00:00Z',
      author: ALICE,
      persons: [{ id: 'p1', name: 'Jeanne Exemple', other_names: ['J. E.'], contact: 'Signal: on file' }],
    }
    expect(validateIdentities(identities, sampleCase()).ok).toBe(true)
    const stranger = { ...identities, persons: [{ id: 'p5', name: 'Nobody' }] }
    expect(validateIdentities(stranger, sampleCase())).toEqual({
      ok: false,
      problems: [{ path: 'persons[0].id', message: 'must name a person of the case document' }],
    })
    expect(validateIdentities({ ...identities, persons: [{ id: 'p1' }] })).toEqual({
      ok: false,
      problems: [{ path: 'persons[0].name', message: 'is required' }],
    })
  })

  it('accepts an extension id only with the extended taxonomy', () => {
    const ext: TaxonomyExtension = {
      format: 'vigil-taxonomy-extension/v1',
      lists: { incident_types: [{ id: 'org_land_seizure', labels: { en: 'Land seizure', fr: 'Saisie de terres', es: 'Incautación de tierras', ar: 'مصادرة الأراضي' } }] },
    }
    const doc = mutated((d) => (d.incidents[0].types = ['org_land_seizure']))
    expect(validateCase(doc).ok).toBe(false)
    expect(validateCase(doc, extendTaxonomy(ext)).ok).toBe(true)
  })
})

describe('risk', () => {
  it('follows the documented matrix, impact weighing a little more', () => {
    expect(riskLevel(1, 1)).toBe('low')
    expect(riskLevel(3, 5)).toBe('critical')
    expect(riskLevel(5, 3)).toBe('high')
    expect(riskLevel(5, 5)).toBe('critical')
    expect(() => riskLevel(0, 3)).toThrow(RangeError)
    expect(() => riskLevel(2.5, 3)).toThrow(RangeError)
    // Never lower when likelihood or impact grows.
    const rank = { low: 0, medium: 1, high: 2, critical: 3 }
    for (let l = 1; l <= 5; l++)
      for (let i = 1; i <= 5; i++) {
        if (l < 5) expect(rank[RISK_MATRIX[l][i - 1]]).toBeGreaterThanOrEqual(rank[RISK_MATRIX[l - 1][i - 1]])
        if (i < 5) expect(rank[RISK_MATRIX[l - 1][i]]).toBeGreaterThanOrEqual(rank[RISK_MATRIX[l - 1][i - 1]])
      }
  })
})

describe('revisions', () => {
  it('number, chain and date each revision, leaving the previous one alone', () => {
    const r1 = firstRevision({ title: 'New case', author: ALICE, now: new Date('2026-03-01T10:00:00.123Z') })
    expect(r1.case_id).toMatch(/^[0-9a-f]{32}$/)
    expect(r1.created_at).toBe('2026-03-01T10:00:00Z')
    expect(validateCase(r1).ok).toBe(true)
    const r2 = nextRevision(r1, { status: 'triage', assignee: BOB }, BOB, new Date('2026-03-02T09:00:00Z'))
    expect(r2).toMatchObject({ revision: 2, previous_sha256: documentHash(r1), author: BOB, status: 'triage', case_id: r1.case_id })
    expect(r1.status).toBe('new')
    const r3 = nextRevision(r2, { title: 'Renamed' }, ALICE, new Date('2026-03-03T09:00:00Z'))
    expect(validateCase(r3).ok).toBe(true)
    expect(chainProblem([r1, r2, r3])).toBeNull()
    expect(chainProblem([r1, r3])).toBe('revision 2 is numbered 3')
    const tampered = { ...r2, title: 'Changed afterwards' }
    expect(chainProblem([r1, tampered, r3])).toBe('revision 3 does not chain to revision 2')
    expect(chainProblem([r1, { ...r2, case_id: 'ff'.repeat(16) }])).toBe('revision 2 belongs to another case')
  })

  it('open a case from a report, linked to it and its attachments', () => {
    const report = 'c3'.repeat(16)
    const doc = caseFromReport({
      reportId: report,
      attachmentIds: ['d4'.repeat(16)],
      what: '\n  Menaces reçues après l’audience\nsuite…',
      fallbackTitle: 'Report',
      author: ALICE,
      now: new Date('2026-03-01T10:00:00Z'),
    })
    expect(doc.title).toBe('Menaces reçues après l’audience')
    expect(doc.links).toEqual([
      { kind: 'report', report },
      { kind: 'attachment', report, attachment: 'd4'.repeat(16) },
    ])
    expect(validateCase(doc).ok).toBe(true)
    const long = caseFromReport({ reportId: report, what: 'ش'.repeat(500), fallbackTitle: 'Report', author: ALICE, now: new Date() })
    expect([...long.title]).toHaveLength(200)
    expect(validateCase(long).ok).toBe(true)
    expect(caseFromReport({ reportId: report, fallbackTitle: 'Report', author: ALICE, now: new Date() }).title).toBe('Report')
  })

  it('hash the canonical JSON, whatever the key order', () => {
    const doc = sampleCase()
    const reordered = Object.fromEntries(Object.entries(doc).reverse()) as unknown as CaseDocument
    expect(documentHash(reordered)).toBe(documentHash(doc))
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: undefined })).toBe('{"a":[true,null,"é"],"b":1}')
    expect(() => canonicalJson({ x: 1.5 })).toThrow(RangeError)
  })
})

describe('overdue actions', () => {
  const doc = sampleCase()
  it('are past their whole due day and neither done nor cancelled', () => {
    expect(isOverdue(doc.actions[0], new Date('2026-03-10T23:59:59Z'))).toBe(false)
    expect(isOverdue(doc.actions[0], new Date('2026-03-11T00:00:00Z'))).toBe(true)
    expect(isOverdue(doc.actions[1], new Date('2026-04-01T00:00:00Z'))).toBe(false) // done
    expect(isOverdue(doc.actions[2], new Date('2030-01-01T00:00:00Z'))).toBe(false) // no due date
    expect(isOverdue({ ...doc.actions[0], status: 'cancelled' }, new Date('2026-04-01T00:00:00Z'))).toBe(false)
    expect(overdueActions(doc, new Date('2026-03-20T00:00:00Z')).map((a) => a.id)).toEqual(['a1'])
  })
})

describe('consent', () => {
  const analysis = { id: 'analysis' }
  it('holds from given to expiry, for the person, scope and recipient named', () => {
    const doc = sampleCase()
    const at = (t: string) => new Date(t)
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, at('2026-06-01T00:00:00Z'))).toBe(true)
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, at('2026-03-01T11:59:59Z'))).toBe(false) // before
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, at('2027-03-01T00:00:00Z'))).toBe(false) // expired
    expect(isSharingAllowed(doc, 'p1', 'perpetrator', analysis, at('2026-06-01T00:00:00Z'))).toBe(false) // scope
    expect(isSharingAllowed(doc, 'p1', 'incident_place', { id: 'media' }, at('2026-06-01T00:00:00Z'))).toBe(false)
    expect(isSharingAllowed(doc, 'p2', 'incident_place', analysis, at('2026-06-01T00:00:00Z'))).toBe(false) // person
    expect(consentStatus(doc.consents[0], at('2026-01-01T00:00:00Z'))).toBe('not_yet')
    expect(consentStatus(doc.consents[0], at('2026-06-01T00:00:00Z'))).toBe('active')
    expect(consentStatus(doc.consents[0], at('2027-06-01T00:00:00Z'))).toBe('expired')
  })

  it('ends at revocation, and revocation wins over an earlier consent still in force', () => {
    const doc = sampleCase()
    doc.consents.push({ id: 'c3', person: 'p1', scope: ['incident_place'], recipient: 'analysis', given: '2026-02-01T00:00:00Z' })
    const june = new Date('2026-06-01T00:00:00Z')
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, june)).toBe(true)
    doc.consents[0].revoked = '2026-05-01T00:00:00Z'
    expect(consentStatus(doc.consents[0], june)).toBe('revoked')
    // c3 never revoked, but given before the revocation of c1: the revocation wins.
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, june)).toBe(false)
    // Before the revocation, as it was then.
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, new Date('2026-04-01T00:00:00Z'))).toBe(true)
    // A scope the revoked record did not cover is untouched... c1 covered court_link too:
    expect(isSharingAllowed(doc, 'p1', 'court_link', analysis, june)).toBe(false)
    // A consent given again after the revocation counts.
    doc.consents.push({ id: 'c4', person: 'p1', scope: ['incident_place'], recipient: 'analysis', given: '2026-05-15T00:00:00Z' })
    expect(isSharingAllowed(doc, 'p1', 'incident_place', analysis, june)).toBe(true)
  })

  it('to "other" holds only for the recipient it names', () => {
    const doc = sampleCase()
    doc.consents.push({ id: 'c5', person: 'p1', scope: ['perpetrator'], recipient: 'other', recipient_other: 'Bar association', given: '2026-03-01T00:00:00Z' })
    const june = new Date('2026-06-01T00:00:00Z')
    expect(isSharingAllowed(doc, 'p1', 'perpetrator', { id: 'other', other: 'bar association ' }, june)).toBe(true)
    expect(isSharingAllowed(doc, 'p1', 'perpetrator', { id: 'other', other: 'Ministry' }, june)).toBe(false)
    expect(isSharingAllowed(doc, 'p1', 'perpetrator', { id: 'other' }, june)).toBe(false)
  })
})

function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') row.push(field), (field = '')
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++
    else field += ch
  }
  return rows
}

describe('CSV export', () => {
  const june = new Date('2026-06-01T00:00:00Z')
  it('writes one RFC 4180 row per incident, with only what every victim consented to', () => {
    const text = exportCsv([sampleCase()], { recipient: { id: 'analysis' }, at: june })
    expect(text.endsWith('\r\n')).toBe(true)
    const rows = parseCsv(text)
    expect(rows[0]).toEqual(CSV_HEADER)
    expect(rows).toHaveLength(3)
    const row = (n: number) => Object.fromEntries(CSV_HEADER.map((h, i) => [h, rows[n][i]]))
    // Incident 1: p1 allowed facts, place and the Court link; nothing else.
    expect(row(1)).toMatchObject({
      case: '1',
      incident: '1',
      date_start: '2026-02-14',
      incident_types: 'threats_intimidation;surveillance_physical',
      country: 'COD',
      region: 'Ituri',
      city: 'Bunia',
      court_roles: 'witness',
      description: '',
      perpetrator_type: '',
      perpetrator_description: '',
      risk_level: '',
      case_status: '',
      withheld: 'incident_description;perpetrator;risk;response;evidence',
    })
    // Incident 2: p2 allowed the facts only, so the place and the Court link go.
    expect(row(2)).toMatchObject({ incident_types: 'cyber_phishing', date_end: '2026-02', country: '', court_roles: '' })
    expect(row(2).withheld).toContain('incident_place')
  })

  it('never writes a field nobody consented to, nor identities, notes or pseudonyms', () => {
    const doc = sampleCase()
    doc.notes[0].text = 'CANARY-note'
    doc.persons[0].pseudonym = 'CANARY-pseudonym'
    for (const recipient of ['analysis', 'donors', 'media', 'asp'])
      for (const at of [june, new Date('2030-01-01T00:00:00Z')]) {
        const text = exportCsv([doc], { recipient: { id: recipient }, at })
        expect(text).not.toContain(CANARY)
        expect(text).not.toContain('CANARY')
        expect(text).not.toContain(doc.case_id)
      }
    // Once consented, the same field does appear: the test above can fail.
    doc.consents[0].scope.push('perpetrator')
    expect(exportCsv([doc], { recipient: { id: 'analysis' }, at: june })).toContain(CANARY)
    // And it goes again when the consent is revoked.
    doc.consents[0].revoked = '2026-05-01T00:00:00Z'
    expect(exportCsv([doc], { recipient: { id: 'analysis' }, at: june })).not.toContain(CANARY)
  })

  it('quotes as RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"')
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvField('-1')).toBe("'-1")
    const doc = sampleCase()
    doc.consents[0].scope.push('incident_description')
    const rows = parseCsv(exportCsv([doc], { recipient: { id: 'analysis' }, at: june }))
    expect(rows[1][CSV_HEADER.indexOf('description')]).toBe(doc.incidents[0].description)
  })
})

describe('search', () => {
  it('finds cases by any word, folded, the last word as a prefix', () => {
    const a = sampleCase()
    const b = { ...sampleCase(), case_id: 'ff'.repeat(16), title: 'Campagne de dénigrement', incidents: [], notes: [] }
    const c = { ...sampleCase(), case_id: 'ee'.repeat(16), title: 'رسائل تهديد', incidents: [], notes: [] }
    const index = new CaseIndex()
    for (const d of [a, b, c]) index.add(d)
    expect(index.size).toBe(3)
    expect(index.search('bunia')).toEqual([a.case_id])
    expect(index.search('DENIGREMENT')).toEqual([b.case_id])
    expect(index.search('bun')).toEqual([a.case_id]) // prefix
    expect(index.search('Bunia twice')).toEqual([a.case_id])
    expect(index.search('bunia nowhere')).toEqual([])
    expect(index.search('رسائل')).toEqual([c.case_id])
    expect(index.search('تهديد').sort()).toEqual([a.case_id, c.case_id].sort()) // a: the Arabic label of its threats
    expect(index.search('détention')).toEqual([]) // no detention incident
    expect(index.search('menaces')).toEqual([a.case_id]) // a taxonomy label in French
    expect(index.search('')).toEqual([])
    index.add({ ...a, title: 'Renamed', incidents: [] }) // a new revision replaces the old
    expect(index.search('bunia')).toEqual([])
    index.remove(b.case_id)
    expect(index.search('denigrement')).toEqual([])
    expect(fold('Éléphant أحمد')).toBe('elephant احمد')
  })

  it('finds in synthetic cases what a scan of every case finds', () => {
    const cases = syntheticCases(2000, { seed: 3 })
    const index = new CaseIndex()
    for (const d of cases) index.add(d)
    for (const word of ['telephone', 'dunmere', 'عبر', 'campagne', 'uga']) {
      const scanned = cases.filter((d) => words(searchableText(d)).includes(fold(word))).map((d) => d.case_id)
      expect(scanned.length, word).toBeGreaterThan(0)
      expect(index.search(word + ' ').sort(), word).toEqual(scanned.sort())
    }
  })
})

describe('taxonomy', () => {
  it('has every list, each id once, labelled in the four languages', () => {
    for (const name of LIST_NAMES) {
      const list = BASE_TAXONOMY.lists[name]
      expect(list.length, name).toBeGreaterThan(0)
      expect(new Set(list.map((e) => e.id)).size, name).toBe(list.length)
      for (const e of list)
        for (const lang of ['en', 'fr', 'es', 'ar'] as const) expect(e.labels[lang]?.trim(), `${name} ${e.id} ${lang}`).toBeTruthy()
    }
    expect(label(BASE_TAXONOMY, 'incident_types', 'surveillance_spyware', 'fr')).toBe('Logiciel espion')
    expect(BASE_TAXONOMY.lists.incident_types.filter((e) => e.parent === 'cyber_attack')).toHaveLength(4)
  })

  const ext: TaxonomyExtension = {
    format: 'vigil-taxonomy-extension/v1',
    lists: {
      incident_types: [
        { id: 'org_land_seizure', labels: { en: 'Land seizure', fr: 'Saisie de terres', es: 'Incautación de tierras', ar: 'مصادرة الأراضي' } },
        { id: 'org_sim_swap', parent: 'cyber_attack', labels: { en: 'SIM swap', fr: 'Échange de carte SIM', es: 'Duplicado de SIM', ar: 'استبدال شريحة الاتصال' } },
      ],
    },
  }

  it('takes an organisation extension with new ids', () => {
    expect(extensionProblems(ext)).toEqual([])
    const t = extendTaxonomy(ext)
    expect(t.lists.incident_types.map((e) => e.id)).toContain('org_sim_swap')
    expect(BASE_TAXONOMY.lists.incident_types.map((e) => e.id)).not.toContain('org_sim_swap')
    expect(EXTENDABLE_LISTS).not.toContain('case_statuses')
  })

  it('refuses an extension that reuses or drops an id, or changes a fixed list', () => {
    const reuse = { ...ext, lists: { incident_types: [{ ...ext.lists.incident_types![0], id: 'detention' }] } }
    expect(extensionProblems(reuse)).toContain('lists.incident_types[0].id: must match ^org_[a-z0-9_]{1,60}$')
    const twice = { ...ext, lists: { incident_types: [ext.lists.incident_types![0], ext.lists.incident_types![0]] } }
    expect(extensionProblems(twice)).toEqual(['lists.incident_types[1].id: org_land_seizure is already used'])
    const fixed = { ...ext, lists: { case_statuses: [] } }
    expect(extensionProblems(fixed)).toEqual(['lists.case_statuses: cannot be extended'])
    const dropped = { ...ext, lists: { incident_types: [ext.lists.incident_types![1]] } }
    expect(extensionProblems(dropped, ext)).toEqual(['lists.incident_types: org_land_seizure was removed; retire it instead'])
    const retired = { ...ext, lists: { incident_types: [{ ...ext.lists.incident_types![0], retired: true }, ext.lists.incident_types![1]] } }
    expect(extensionProblems(retired, ext)).toEqual([])
    const unlabelled = { ...ext, lists: { perpetrator_types: [{ id: 'org_x', labels: { en: 'X' } }] } }
    expect(extensionProblems(unlabelled)).toContain('lists.perpetrator_types[0].labels.fr: must be 1 to 200 characters')
  })
})

describe('synthetic cases', () => {
  it('are valid and the same for the same seed', () => {
    const a = syntheticCases(300, { seed: 9 })
    expect(a).toHaveLength(300)
    for (const d of a) expect(problemsOf(d)).toEqual([])
    expect(syntheticCases(300, { seed: 9 })).toEqual(a)
    expect(syntheticCases(5, { seed: 10 })[0].case_id).not.toBe(a[0].case_id)
    expect(new Set(a.map((d) => d.case_id)).size).toBe(300)
  })
})
