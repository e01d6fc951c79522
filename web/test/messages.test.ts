// The catalogues (messages/, shared with src/pages) have the same keys, compile as ICU
// MessageFormat, and hold every key the pages use: the data-i18n attributes of the HTML, the
// literal keys in src/, and the keys the code builds from a name.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import MessageFormat from '@messageformat/core'
import { describe, expect, it } from 'vitest'
import { FIELD_NAMES } from '../src/api/report-content'
import { catalogueProblems, readCatalogues } from '../vite-plugins'

const web = resolve(import.meta.dirname, '..')
const catalogues = readCatalogues()

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

function usedKeys(): Set<string> {
  const keys = new Set<string>()
  for (const page of ['index.html', 'report.html', 'follow-up.html', 'staff.html']) {
    const html = readFileSync(join(web, page), 'utf8')
    for (const m of html.matchAll(/data-i18n="([a-z_]+)"/g)) keys.add(m[1])
    for (const m of html.matchAll(/data-i18n-attr="([^"]+)"/g))
      for (const pair of m[1].split(',')) keys.add(pair.split(':')[1].trim())
  }
  for (const file of sources(join(web, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_]+)'/g)) keys.add(m[1])
  }
  // Keys built from a name in the code.
  for (const stage of ['keys', 'uploading', 'sending']) keys.add(`status_${stage}`)
  for (const kind of ['report', 'follow_up', 'reply']) keys.add(`message_kind_${kind}`)
  for (const name of FIELD_NAMES) keys.add(`field_${name}`)
  for (const p of ['country', 'region', 'city', 'place']) keys.add(`precision_${p}`)
  // The staff app (src/pages/staff.ts).
  for (const kind of ['report', 'follow_up', 'reply']) keys.add(`staff_kind_${kind}`)
  for (const role of ['admin', 'coordinator', 'auditor', 'mirror', 'editor']) keys.add(`staff_role_${role}`)
  for (const problem of ['wrong_passphrase', 'no_organisation_key', 'key_mismatch', 'locked'])
    keys.add(`staff_error_${problem}`)
  for (const problem of ['wrong_credentials', 'missing_fields', 'session_expired']) keys.add(`staff_error_${problem}`)
  keys.add('staff_noscript')
  return keys
}

describe('message catalogues', () => {
  it('are the four languages with the same keys', () => {
    expect([...catalogues.keys()].sort()).toEqual(['ar', 'en', 'es', 'fr'])
    expect(catalogueProblems(catalogues)).toEqual([])
  })

  it('notice a missing key', () => {
    const broken = new Map(catalogues)
    const { submit: _dropped, ...rest } = catalogues.get('fr')!
    broken.set('fr', rest)
    expect(catalogueProblems(broken)).toEqual(['fr: missing submit'])
  })

  it('hold every key the pages use', () => {
    const english = catalogues.get('en')!
    const used = [...usedKeys()]
    expect(used.length).toBeGreaterThan(60)
    expect(used.filter((k) => !(k in english))).toEqual([])
  })

  it('compile as ICU MessageFormat in every language, filling their arguments', () => {
    for (const [lang, catalogue] of catalogues) {
      const mf = new MessageFormat(lang)
      for (const [key, text] of Object.entries(catalogue)) {
        expect(() => mf.compile(text), `${lang}: ${key}`).not.toThrow()
      }
      const done = mf.compile(catalogue.done_stored)({ index: 42 })
      expect(done).toContain('42')
    }
  })
})
