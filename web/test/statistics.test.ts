// Statistics in the browser (web/src/cases/statistics.ts): count tables from cases, small-cell
// and complementary suppression with the server's rules (docs/formats/statistics.md), and the
// document the server accepts.
import { describe, expect, it } from 'vitest'
import type { CaseDocument } from '../src/cases/model'
import {
  countTable,
  figureText,
  parseStatistics,
  publishableProblem,
  seededCounts,
  statisticsDocument,
  suppress,
  type PublishedTable,
} from './statistics-helpers'
import { syntheticCases } from '../src/cases/synthetic'
import { sampleCase } from './cases-fixture'

function hiddenCells(t: PublishedTable): number {
  return t.cells.flat().filter((c) => c.value === null).length
}

// Every line (row with its total, column with its total, each margin with the grand total)
// has zero or at least two hidden figures, and no shown figure is between 1 and k-1.
function safe(t: PublishedTable): boolean {
  const lines = [
    ...t.cells.map((row, r) => [...row, t.row_totals[r]]),
    ...t.column_totals.map((total, c) => [...t.cells.map((row) => row[c]), total]),
    [...t.row_totals, t.total],
    [...t.column_totals, t.total],
  ]
  return lines.every((line) => {
    const hidden = line.filter((c) => c.value === null).length
    return hidden !== 1 && line.every((c) => c.value === null || c.value === 0 || c.value >= t.k)
  })
}

describe('suppression', () => {
  it('leaves a table without small figures alone', () => {
    const t = suppress([
      [5, 12],
      [0, 9],
    ])
    expect(hiddenCells(t)).toBe(0)
    expect(t.row_totals.map((c) => c.value)).toEqual([17, 9])
    expect(t.total.value).toBe(26)
    expect(publishableProblem(t)).toBeNull()
  })

  it('hides a small cell and, complementarily, enough others that it cannot be worked out', () => {
    const t = suppress([
      [3, 17, 8],
      [10, 6, 12],
      [7, 9, 11],
    ])
    expect(t.cells[0][0]).toEqual({ value: null, primary: true })
    // Hiding 3 alone, anyone computes it: row total 28 - 17 - 8. So 8 goes (the smallest other
    // in its row), then 7 (the smallest other in the 3's column), then 11 (the 8's column).
    expect(t.cells[0][2]).toEqual({ value: null, primary: false })
    expect(t.cells[2][0]).toEqual({ value: null, primary: false })
    expect(t.cells[2][2]).toEqual({ value: null, primary: false })
    expect(hiddenCells(t)).toBe(4)
    expect(t.row_totals.map((c) => c.value)).toEqual([28, 28, 27])
    expect(safe(t)).toBe(true)
    expect(publishableProblem(t)).toBeNull()
  })

  it('protects small margins across the totals', () => {
    const t = suppress([
      [20, 30],
      [0, 4],
    ])
    expect(t.row_totals[1]).toEqual({ value: null, primary: true })
    expect(t.cells[1][1].value).toBeNull()
    // The column totals 20 and 34 with the grand total 54 would give back the row total 4 from
    // 50: something in that margin line goes too.
    expect(safe(t)).toBe(true)
    expect(publishableProblem(t)).toBeNull()
  })

  it('always gives safe and true tables, whatever the counts and k', () => {
    for (let trial = 0; trial < 300; trial++) {
      const { counts, k } = seededCounts(trial)
      const t = suppress(counts, k)
      expect(safe(t), `trial ${trial}`).toBe(true)
      expect(publishableProblem(t), `trial ${trial}`).toBeNull()
      counts.forEach((row, r) =>
        row.forEach((v, c) => {
          if (t.cells[r][c].value !== null) expect(t.cells[r][c].value).toBe(v)
          expect(t.cells[r][c].primary).toBe(v > 0 && v < k)
        }),
      )
    }
  })

  it('refuses bad input', () => {
    expect(() => suppress([[1, 2], [3]])).toThrow('ragged')
    expect(() => suppress([[-1]])).toThrow(RangeError)
    expect(() => suppress([[1.5]])).toThrow(RangeError)
    expect(() => suppress([[1]], 1)).toThrow('k must be at least 2')
    expect(() => suppress([])).toThrow('empty')
  })

  it('checks a table as the server does', () => {
    const t = suppress([
      [10, 20],
      [30, 40],
    ])
    const small = structuredClone(t)
    small.cells[0][0].value = 3
    expect(publishableProblem(small)).toBe('row 1: a figure between 1 and k-1 is shown')
    const lone = structuredClone(t)
    lone.cells[0][0].value = null
    expect(publishableProblem(lone)).toBe('row 1: one hidden figure can be worked out from the others')
    const wrong = structuredClone(t)
    wrong.row_totals[1].value = 71
    expect(publishableProblem(wrong)).toBe('row 2: figures do not add up')
  })

  it('shows a hidden figure as "fewer than k" or as hidden', () => {
    const t = (key: string, args?: Record<string, unknown>) => `${key}:${JSON.stringify(args ?? {})}`
    expect(figureText({ value: 12, primary: false }, 5, t)).toBe('12')
    expect(figureText({ value: null, primary: true }, 5, t)).toBe('case_stats_fewer_than:{"k":5}')
    expect(figureText({ value: null, primary: false }, 5, t)).toBe('case_stats_hidden:{}')
  })
})

describe('count tables', () => {
  const cases: CaseDocument[] = [sampleCase()]

  it('count incidents by type and month, an incident once under each of its types', () => {
    const table = countTable(cases, 'incident_type', 'month', { language: 'en' })
    expect(table.rowKeys).toEqual(['surveillance_physical', 'threats_intimidation', 'cyber_phishing'])
    expect(table.rows).toEqual(['Physical surveillance', 'Threats and intimidation', 'Phishing'])
    expect(table.columnKeys).toEqual(['2026-01', '2026-02'])
    expect(table.counts).toEqual([
      [0, 1],
      [0, 1],
      [1, 0],
    ])
  })

  it('count by category, region and perpetrator, in the language asked', () => {
    expect(countTable(cases, 'incident_category', 'all', { language: 'fr', allLabel: 'Tous' })).toMatchObject({
      rows: ['Surveillance', 'Menaces et intimidation', 'Cyberattaque'],
      columns: ['Tous'],
      counts: [[1], [1], [1]],
    })
    expect(countTable(cases, 'region', 'perpetrator_type', { language: 'es', unknownLabel: 'desconocido' })).toMatchObject({
      rows: ['COD / Ituri', 'desconocido'],
      columns: ['Fuerzas de seguridad del Estado (policía, ejército, inteligencia)', 'Desconocido'],
      counts: [
        [1, 0],
        [0, 1],
      ],
    })
  })

  it('fill the months between the first and the last', () => {
    const doc = sampleCase()
    doc.incidents[0].date = { precision: 'day', start: '2026-05-02' }
    doc.incidents[1].date = { precision: 'year', start: '2025' }
    expect(countTable([doc], 'all', 'month', { language: 'en' }).columnKeys.slice(0, 1)).toEqual(['2026-05'])
    doc.incidents[1].date = { precision: 'month', start: '2025-11' }
    expect(countTable([doc], 'all', 'month', { language: 'en' }).columnKeys).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
    ])
  })

  it('count only what victims consented to, when asked', () => {
    const at = new Date('2026-06-01T00:00:00Z')
    const facts = countTable(cases, 'incident_type', 'all', { language: 'en', consent: { recipient: { id: 'analysis' }, at } })
    expect(facts.counts.flat().reduce((a, b) => a + b, 0)).toBe(3)
    // By perpetrator needs the perpetrator scope, which no one gave.
    expect(() =>
      countTable(cases, 'perpetrator_type', 'all', { language: 'en', consent: { recipient: { id: 'analysis' }, at } }),
    ).toThrow('no incident')
  })

  it('make a document the server accepts from 10,000 cases', () => {
    const many = syntheticCases(10_000, { seed: 5 })
    for (const [rows, columns] of [
      ['incident_category', 'month'],
      ['perpetrator_type', 'country'],
      ['incident_type', 'all'],
      ['region', 'year'],
    ] as const) {
      const table = countTable(many, rows, columns, { language: 'ar' })
      const published = suppress(table.counts, 5)
      const doc = statisticsDocument('الحوادث', table.rows, table.columns, published)
      expect(doc.format).toBe('vigil-statistics/v1')
      expect(Object.keys(doc)).toEqual(['format', 'title', 'k', 'rows', 'columns', 'cells', 'row_totals', 'column_totals', 'total'])
      expect(publishableProblem(published)).toBeNull()
      expect(new TextEncoder().encode(doc.rows.join('')).length).toBeGreaterThan(0)
      for (const l of [...doc.rows, ...doc.columns]) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(200)
    }
  })

  it('read back the document they make, and refuse malformed ones as the server does', () => {
    const t = suppress([[3, 17, 8], [10, 6, 12], [7, 9, 11]])
    const doc = statisticsDocument('Incidents', ['a', 'b', 'c'], ['x', 'y', 'z'], t)
    const back = parseStatistics(JSON.stringify(doc))
    expect(back).toEqual({ ok: true, document: doc, table: t })
    for (const [text, problem] of [
      ['', 'not a JSON object'],
      ['[]', 'not a JSON object'],
      [JSON.stringify({ ...doc, extra: 1 }), 'unknown field extra'],
      [JSON.stringify({ ...doc, k: 1 }), 'k must be an integer from 2 to 100'],
      [JSON.stringify({ ...doc, rows: [] }), 'rows must be 1 to 200 labels'],
      [JSON.stringify({ ...doc, total: { suppressed: 'maybe' } }), 'total is required'],
      [JSON.stringify({ ...doc, cells: [[1, 2], [3], [4]] }), 'a row of cells has the wrong number of figures'],
    ] as const)
      expect(parseStatistics(text)).toEqual({ ok: false, problem: 'statistics: ' + problem })
  })

  it('refuse to build a document from an unsafe table', () => {
    const t = suppress([[10, 20]])
    t.cells[0][0].value = 3
    expect(() => statisticsDocument('x', ['a'], ['b', 'c'], t)).toThrow('not publishable')
    expect(() => statisticsDocument('x', ['a', 'b'], ['b', 'c'], suppress([[10, 20]]))).toThrow('labels')
  })
})
