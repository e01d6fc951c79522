// The case_ keys of the catalogues: one per id of the fixed lists, with the taxonomy's label in
// each language (so the two cannot drift apart), and every key the case pages build from a name.
import MessageFormat from '@messageformat/core'
import { describe, expect, it } from 'vitest'
import { DIMENSIONS } from '../src/cases/statistics'
import { DATE_PRECISIONS, LINK_KINDS, PLACE_PRECISIONS } from '../src/cases/model'
import { BASE_TAXONOMY, LABEL_LANGUAGES, type ListName } from '../src/cases/taxonomy'
import { readCatalogues } from '../vite-plugins'

const catalogues = readCatalogues()

describe('case messages', () => {
  it('give the taxonomy labels of the fixed lists', () => {
    const lists: [string, ListName][] = [
      ['case_status_', 'case_statuses'],
      ['case_action_status_', 'action_statuses'],
      ['case_consent_status_', 'consent_statuses'],
      ['case_risk_', 'risk_levels'],
      ['case_likelihood_', 'risk_likelihood'],
      ['case_impact_', 'risk_impact'],
    ]
    for (const lang of LABEL_LANGUAGES)
      for (const [prefix, list] of lists)
        for (const e of BASE_TAXONOMY.lists[list]) expect(catalogues.get(lang)![prefix + e.id], `${lang} ${prefix}${e.id}`).toBe(e.labels[lang])
  })

  it('have every key built from a name', () => {
    const keys = [
      ...DATE_PRECISIONS.map((p) => `case_date_precision_${p}`),
      ...PLACE_PRECISIONS.map((p) => `case_place_precision_${p}`),
      ...LINK_KINDS.map((k) => `case_link_${k}`),
      ...DIMENSIONS.map((d) => `case_stats_dimension_${d}`),
    ]
    for (const lang of LABEL_LANGUAGES) expect(keys.filter((k) => !(k in catalogues.get(lang)!)), lang).toEqual([])
  })

  it('come as one block in each catalogue, and compile', () => {
    for (const lang of LABEL_LANGUAGES) {
      const names = Object.keys(catalogues.get(lang)!)
      // One contiguous block (other helpers' blocks, staff_ and casep_, follow it).
      const at = names.flatMap((k, i) => (k.startsWith('case_') ? [i] : []))
      expect(at[at.length - 1] - at[0] + 1, lang).toBe(at.length)
      const mf = new MessageFormat(lang)
      expect(mf.compile(catalogues.get(lang)!.case_overdue_count)({ count: 3 })).toContain('3')
      expect(mf.compile(catalogues.get(lang)!.case_stats_fewer_than)({ k: 5 })).toContain('5')
    }
  })
})
