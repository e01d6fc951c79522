// The shared statistics vectors (testdata/statistics/vectors.json, also run by
// src/cases/statistics_test.cc): the browser's suppression gives the expected table, and the
// document it builds is the one the server parses and accepts. UPDATE_VECTORS=1 rewrites the
// file from the inputs (then run the C++ test: it checks them independently).
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { figure, parseStatistics, publishableProblem, statisticsDocument, suppress, type Figure, type StatisticsDocument } from '../src/cases/statistics'

interface Vector {
  name: string
  k: number
  counts: number[][]
  expected: { cells: Figure[][]; row_totals: Figure[]; column_totals: Figure[]; total: Figure }
  document: StatisticsDocument
}

const file = resolve(import.meta.dirname, '../../testdata/statistics/vectors.json')
const vectors: { vectors: Vector[] } = JSON.parse(readFileSync(file, 'utf8'))

function compute(v: Pick<Vector, 'name' | 'k' | 'counts' | 'document'>): Vector {
  const t = suppress(v.counts, v.k)
  return {
    name: v.name,
    k: v.k,
    counts: v.counts,
    expected: {
      cells: t.cells.map((r) => r.map(figure)),
      row_totals: t.row_totals.map(figure),
      column_totals: t.column_totals.map(figure),
      total: figure(t.total),
    },
    document: statisticsDocument(v.document.title, v.document.rows, v.document.columns, t),
  }
}

if (process.env.UPDATE_VECTORS === '1') {
  // One vector a line, so a change shows as the vectors it touches.
  const lines = vectors.vectors.map(compute).map((v) => ' ' + JSON.stringify(v))
  const about = JSON.stringify((vectors as { about?: string }).about ?? '')
  writeFileSync(file, `{"about": ${about},\n"vectors": [\n${lines.join(',\n')}\n]}\n`)
}

describe('statistics vectors', () => {
  it('are many', () => expect(vectors.vectors.length).toBeGreaterThanOrEqual(10))
  for (const v of vectors.vectors) {
    it(`give the expected table: ${v.name}`, () => {
      const got = compute(v)
      expect(got.expected).toEqual(v.expected)
      expect(got.document).toEqual(v.document)
      expect(publishableProblem(suppress(v.counts, v.k))).toBeNull()
      const parsed = parseStatistics(JSON.stringify(v.document))
      expect(parsed.ok && publishableProblem(parsed.table)).toBeNull()
    })
  }
})
