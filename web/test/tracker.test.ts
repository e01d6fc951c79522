// The tracker's page logic without a browser (src/tracker/model.ts): facts shown as "unknown"
// or "derived", sources split into links, the map's categories and colours per indicator, the
// table's filters and sort, and the headline lines with the real catalogues.
import { describe, expect, it } from 'vitest'
import { loadTranslator } from '../src/i18n/i18n'
import {
  categories,
  categoryOf,
  colourClass,
  describeFact,
  figureText,
  filterRows,
  headlineLines,
  makeRows,
  NO_FILTER,
  sortRows,
  splitSource,
  stateName,
  type Fact,
  type StateSummary,
  type StatesDocument,
} from '../src/tracker/model'
import { formatCsv, overlayJson, parseCsv } from '../src/tracker/csv'
import { expectedHeadline, readCsv } from './tracker-data'

const known = (value: string, derived = false): Fact => ({ value, known: true, derived, source: 'src' })
const unknown: Fact = { value: null, known: false, derived: false, source: '' }

function state(iso3: string, name: string, overrides: Partial<StateSummary> = {}): StateSummary {
  return {
    iso3,
    names: { en: name, fr: name, es: name },
    region: 'African States',
    rome_statute: { status: 'party', ratification: unknown, entry_into_force: unknown, withdrawal_effective: unknown },
    apic: { status: 'unknown' },
    statements: [],
    blocking_measures: unknown,
    non_cooperation_findings: unknown,
    ...overrides,
  }
}

const fra = state('FRA', 'France', {
  region: 'Western European and other States',
  rome_statute: { status: 'party', ratification: known('2000-06-09'), entry_into_force: known('2002-07-01', true), withdrawal_effective: unknown },
  apic: { status: 'party', signature: known('2002-09-10'), ratification: unknown },
  statements: ['JS-2024-06-14', 'JS-2025-02-07'],
})
const civ = state('CIV', "Côte d'Ivoire", {
  rome_statute: { status: 'party', ratification: known('2013-02-15'), entry_into_force: unknown, withdrawal_effective: unknown },
  statements: ['JS-2025-02-07'],
})
const dom = state('DOM', 'Dominican Republic', { region: 'Latin American and Caribbean States' })
const bdi = state('BDI', 'Burundi', {
  rome_statute: { status: 'withdrawn', ratification: known('2004-09-21'), entry_into_force: unknown, withdrawal_effective: known('2017-10-27') },
  blocking_measures: known('A law of 2025'),
})
const all = [fra, civ, dom, bdi]

describe('facts', () => {
  it('shows a missing value as unknown, never as a value', () => {
    for (const fact of [unknown, undefined, { value: '', known: true, derived: false, source: '' }]) {
      expect(describeFact(fact, 'date', 'en', 'unknown')).toEqual({ text: 'unknown', unknown: true, derived: false })
    }
  })
  it('marks a derived date and formats dates in the page language', () => {
    const shown = describeFact(known('2002-07-01', true), 'date', 'en', 'unknown')
    expect(shown.derived).toBe(true)
    expect(shown.unknown).toBe(false)
    expect(shown.text).toMatch(/Jul.*2002/)
    expect(describeFact(known('2002-07-01'), 'date', 'fr', 'inconnu').text).toContain('juil')
    expect(describeFact(known('A law'), 'text', 'en', 'unknown').text).toBe('A law')
  })
  it('splits a source into text and links, leaving a closing full stop out of the address', () => {
    expect(splitSource('https://a.example/x ; membership/region: https://b.example/y. ; Décret n° 5')).toEqual([
      [{ text: 'https://a.example/x', url: 'https://a.example/x' }],
      [
        { text: 'membership/region: ', url: null },
        { text: 'https://b.example/y', url: 'https://b.example/y' },
        { text: '.', url: null },
      ],
      [{ text: 'Décret n° 5', url: null }],
    ])
    expect(splitSource('')).toEqual([])
  })
})

describe('names', () => {
  it('uses the data in English, French and Spanish, and the browser in Arabic', () => {
    expect(stateName(fra, 'fr')).toBe('France')
    expect(stateName(fra, 'ar')).toBe('فرنسا')
    expect(stateName({ iso3: 'XXX', names: { en: 'Nowhere' } }, 'ar')).toBe('Nowhere')
  })
})

describe('map colours', () => {
  it('colour each State by the chosen indicator', () => {
    expect(categoryOf(fra, 'rome_statute')).toBe('party')
    expect(categoryOf(bdi, 'rome_statute')).toBe('withdrawn')
    expect(categoryOf(undefined, 'rome_statute')).toBe('not_listed')
    expect(categoryOf(fra, 'apic')).toBe('party')
    expect(categoryOf(civ, 'apic')).toBe('not_listed')
    expect(categoryOf(fra, 'statements')).toBe('2')
    expect(categoryOf(civ, 'statements')).toBe('1')
    expect(categoryOf(dom, 'statements')).toBe('not_listed')
    expect(categories('statements', 2)).toEqual(['2', '1', 'not_listed'])
  })
  it('give each category of an indicator its own colour, and States not listed the neutral one', () => {
    for (const indicator of ['rome_statute', 'apic', 'statements'] as const) {
      const classes = categories(indicator, 2).map((c) => colourClass(indicator, c, 2))
      expect(new Set(classes).size).toBe(classes.length)
      expect(classes.at(-1)).toBe('map-none')
    }
    // The same State changes colour with the indicator.
    expect(colourClass('rome_statute', categoryOf(civ, 'rome_statute'), 2)).toBe('map-rome-statute-0')
    expect(colourClass('apic', categoryOf(civ, 'apic'), 2)).toBe('map-none')
    expect(colourClass('statements', categoryOf(civ, 'statements'), 2)).toBe('map-statements-1')
  })
})

describe('table', () => {
  const rows = makeRows(all, 'en')
  const codes = (r: { state: StateSummary }[]) => r.map((x) => x.state.iso3)

  it('filters by regional group, by an indicator\'s value and by name without accents', () => {
    expect(codes(filterRows(rows, NO_FILTER))).toEqual(['FRA', 'CIV', 'DOM', 'BDI'])
    expect(codes(filterRows(rows, { ...NO_FILTER, region: 'African States' }))).toEqual(['CIV', 'BDI'])
    expect(codes(filterRows(rows, { ...NO_FILTER, indicator: 'apic', category: 'party' }))).toEqual(['FRA'])
    expect(codes(filterRows(rows, { ...NO_FILTER, indicator: 'statements', category: 'not_listed' }))).toEqual(['DOM', 'BDI'])
    // An indicator without a value filters nothing.
    expect(filterRows(rows, { ...NO_FILTER, indicator: 'apic' })).toHaveLength(4)
    expect(codes(filterRows(rows, { ...NO_FILTER, text: 'cote' }))).toEqual(['CIV'])
    expect(codes(filterRows(rows, { ...NO_FILTER, text: 'dom' }))).toEqual(['DOM'])
  })

  it('sorts by any column, unknown values last in both directions', () => {
    expect(codes(sortRows(rows, 'name', 'ascending', 'en'))).toEqual(['BDI', 'CIV', 'DOM', 'FRA'])
    expect(codes(sortRows(rows, 'name', 'descending', 'en'))).toEqual(['FRA', 'DOM', 'CIV', 'BDI'])
    expect(codes(sortRows(rows, 'ratification', 'ascending', 'en'))).toEqual(['FRA', 'BDI', 'CIV', 'DOM'])
    expect(codes(sortRows(rows, 'ratification', 'descending', 'en'))).toEqual(['CIV', 'BDI', 'FRA', 'DOM'])
    expect(codes(sortRows(rows, 'statements', 'descending', 'en'))).toEqual(['FRA', 'CIV', 'BDI', 'DOM'])
    expect(codes(sortRows(rows, 'blocking', 'descending', 'en'))).toEqual(['BDI', 'CIV', 'DOM', 'FRA'])
    expect(codes(sortRows(rows, 'rome_statute', 'descending', 'en'))[0]).toBe('BDI')
  })
})

describe('headline counts', () => {
  const expected = expectedHeadline()
  const doc: Pick<StatesDocument, 'headline' | 'statements'> = {
    headline: {
      states_parties: expected.statesParties,
      ratification_dates_known: expected.ratificationDatesKnown,
      apic: {
        listed: expected.apicListed,
        reported_total: '79',
        reported_total_is_approximate: true,
        dates_read: expected.apicDatesRead,
        dates_derived: expected.apicDatesDerived,
        dates_unknown: expected.apicDatesUnknown,
        listed_and_party_to_statute: expected.apicListedParties,
      },
    },
    statements: readCsv('statements.csv').map((s) => ({
      id: s.statement_id,
      date: s.date,
      title: s.title,
      summary: '',
      source: s.url,
      listed_signatories: expected.statements.find((e) => e.id === s.statement_id)!.listed,
      reported_signatories: expected.statements.find((e) => e.id === s.statement_id)!.reported,
    })),
  }

  it('the data files give the counts the issue cites', () => {
    expect(expected.statesParties).toBe(124)
    expect(expected.apicListed).toBe(70)
    expect(expected.statements.map((s) => [s.listed, s.reported])).toEqual([[64, 93], [79, 79]])
  })

  it('say how much is confirmed, in every language', async () => {
    const en = await loadTranslator('en')
    const lines = headlineLines(doc).map((l) => en.t(l.key, { ...l.args, name: 'S' }))
    expect(lines).toContain('70 confirmed of about 79 APIC parties')
    expect(lines).toContain('Ratification date confirmed for 97 of 124 States Parties')
    expect(lines).toContain('APIC ratification dates: 33 read from a source, 18 derived, 19 unknown')
    expect(lines).toContain('S: 64 signatories listed of 93 reported')
    const exact = { ...doc, headline: { ...doc.headline, apic: { ...doc.headline.apic, reported_total_is_approximate: false } } }
    expect(headlineLines(exact).map((l) => en.t(l.key, l.args))).toContain('70 confirmed of 79 APIC parties')
    const fr = await loadTranslator('fr')
    expect(headlineLines(doc).map((l) => fr.t(l.key, l.args))).toContain("70 confirmés sur environ 79 parties à l'APIC")
    const ar = await loadTranslator('ar')
    expect(headlineLines(doc).map((l) => ar.t(l.key, l.args)).join('\n')).toContain('نحو 79')
  })
})

describe('published statistics', () => {
  it('show a count, or why a figure is hidden, never a number for a hidden one', async () => {
    const en = await loadTranslator('en')
    expect(figureText(1234, 5, en)).toBe('1,234')
    expect(figureText({ suppressed: 'fewer_than_k' }, 5, en)).toBe('hidden (fewer than 5)')
    expect(figureText({ suppressed: 'complementary' }, 5, en)).toBe('hidden (protects another figure)')
    const ar = await loadTranslator('ar')
    expect(figureText({ suppressed: 'fewer_than_k' }, 5, ar)).toBe('مخفي (أقل من 5)')
  })
})

describe('CSV and the JSON import', () => {
  const csv = 'iso3,status,status_source,blocking_measures,blocking_measures_source,statements\r\n' +
    'FRA,party,"a, b ; ""c""",,,JS-1 JS-2\r\nDOM,party,x,,,\r\n'

  it('parses and writes RFC 4180 back unchanged', () => {
    const table = parseCsv(csv)
    expect(table.header).toEqual(['iso3', 'status', 'status_source', 'blocking_measures', 'blocking_measures_source', 'statements'])
    expect(table.rows[0].status_source).toBe('a, b ; "c"')
    expect(formatCsv(table)).toBe(csv)
    expect(parseCsv('a,b\n"x\ny",2\n').rows).toEqual([{ a: 'x\ny', b: '2' }])
  })

  it('lays a JSON export over the CSV: values and sources, unknown as empty, read-only columns kept', () => {
    const json = { ...fra, source: 'new status source', blocking_measures: known('A 2025 law'), editor_notes: unknown } as never
    const merged = overlayJson(parseCsv(csv), [json])
    if ('unknownState' in merged) throw new Error('unexpected')
    expect(merged.rows[0].blocking_measures).toBe('A 2025 law')
    expect(merged.rows[0].blocking_measures_source).toBe('src')
    expect(merged.rows[0].status_source).toBe('new status source')
    expect(merged.rows[0].statements).toBe('JS-1 JS-2')
    expect(merged.rows[1]).toEqual(parseCsv(csv).rows[1])
    // The CSV had no column for these: they are not added.
    expect(merged.header).toEqual(parseCsv(csv).header)
    expect(overlayJson(parseCsv(csv), [{ ...fra, iso3: 'ZZZ' } as never])).toEqual({ unknownState: 'ZZZ' })
  })
})
