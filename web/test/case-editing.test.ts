// The case pages' editing logic without DOM: response actions edited field by field, the
// identities compartment (its own chain, named by the case, never listed), and the
// organisation's taxonomy chain (extension entries added and retired, used for validation,
// search and statistics, and by the caseload store when it opens cases).
import { base64 } from '@scure/base'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { actionFromFields, actionProblems, withAction, type ActionFields } from '../src/cases/actions'
import { firstIdentities, identityFromFields, identityProblems, newIdentitiesId, nonCaseChains, withIdentity } from '../src/cases/identities'
import { isOverdue } from '../src/cases/model'
import { chainProblem, nextRevision, serialise } from '../src/cases/revisions'
import { CaseIndex } from '../src/cases/search'
import { countTable } from '../src/cases/statistics'
import { extendTaxonomy, label, offered, offeredWith } from '../src/cases/taxonomy'
import {
  emptyExtension,
  extensionChainId,
  firstTaxonomyRevision,
  suggestExtensionId,
  taxonomyChainProblems,
  withEntry,
  withRetired,
} from '../src/cases/taxonomy-chain'
import { validateCase, validateIdentities } from '../src/cases/validate'
import { decryptWith, encryptTo } from '../src/crypto/age'
import { CaseStore, type CaseSource } from '../src/staff/case-store'
import type { CaseSummary } from '../src/staff/cases-api'
import { ALICE, BOB, sampleCase } from './cases-fixture'

const fields = (over: Partial<ActionFields> = {}): ActionFields => ({
  type: 'referral_registry_vws',
  typeOther: '',
  description: '',
  owner: BOB,
  due: '2026-03-10',
  status: 'in_progress',
  outcome: '',
  ...over,
})

const LAND = { en: 'Land seizure', fr: 'Saisie de terres', es: 'Incautación de tierras', ar: 'مصادرة الأراضي' }

describe('editing a response action', () => {
  it('turns the form into an action, leaving empty fields out', () => {
    expect(actionFromFields('a1', fields({ description: '  ', outcome: ' Done well. ', typeOther: 'ignored' }))).toEqual({
      id: 'a1',
      type: 'referral_registry_vws',
      status: 'in_progress',
      owner: BOB,
      due: '2026-03-10',
      outcome: 'Done well.',
    })
    expect(actionFromFields('a9', fields({ type: 'other', typeOther: 'Escort', owner: '', due: '' }))).toEqual({
      id: 'a9',
      type: 'other',
      type_other: 'Escort',
      status: 'in_progress',
    })
  })

  it('replaces the action in place, and every status of the taxonomy validates', () => {
    const doc = sampleCase()
    for (const status of ['planned', 'in_progress', 'done', 'cancelled']) {
      const action = actionFromFields('a1', fields({ status }))
      expect(actionProblems(doc, action)).toEqual([])
      const actions = withAction(doc, action)
      expect(actions.map((a) => a.id)).toEqual(['a1', 'a2', 'a3'])
      expect(actions[0].status).toBe(status)
    }
    expect(withAction(doc, actionFromFields('a4', fields())).map((a) => a.id)).toEqual(['a1', 'a2', 'a3', 'a4'])
  })

  it('names the field of each problem', () => {
    const doc = sampleCase()
    const bad = actionFromFields('a2', fields({ type: 'no_such_type', due: '2026-02-30', status: 'paused', outcome: 'x'.repeat(10_001) }))
    const problems = actionProblems(doc, bad)
    expect(problems.map((p) => p.path).sort()).toEqual(['due', 'outcome', 'status', 'type'])
    expect(problems.find((p) => p.path === 'due')?.message).toContain('2026-03-14')
    expect(actionProblems(doc, actionFromFields('a1', fields({ owner: 'someone' })))[0]).toMatchObject({ path: 'owner' })
  })

  it('changes the overdue mark with the due date and the status', () => {
    const now = new Date('2026-03-20T12:00:00Z')
    expect(isOverdue(actionFromFields('a1', fields({ due: '2026-03-10' })), now)).toBe(true)
    expect(isOverdue(actionFromFields('a1', fields({ due: '2026-03-20' })), now)).toBe(false)
    expect(isOverdue(actionFromFields('a1', fields({ due: '2026-03-10', status: 'cancelled' })), now)).toBe(false)
    expect(isOverdue(actionFromFields('a1', fields({ due: '' })), now)).toBe(false)
  })
})

describe('the identities compartment', () => {
  it('is its own chain, named by the case, holding only persons of the case', () => {
    const doc = sampleCase()
    const chain = newIdentitiesId(doc.case_id)
    expect(chain).toMatch(/^[0-9a-f]{32}$/)
    expect(chain).not.toBe(doc.case_id)
    const named = nextRevision(doc, { identities: chain }, ALICE, new Date('2026-03-02T00:00:00Z'))
    expect(validateCase(named).ok).toBe(true)
    expect(validateCase({ ...named, identities: doc.case_id }).ok).toBe(false)
    expect(validateCase({ ...named, identities: 'XYZ' }).ok).toBe(false)

    const first = firstIdentities(named, ALICE, new Date('2026-03-02T00:00:00Z'))
    const who = identityFromFields('p2', { name: ' Jeanne M. ', otherNames: 'J. M.\n\n  Mama J ', contact: '', notes: 'Lives with A.' })
    expect(who).toEqual({ id: 'p2', name: 'Jeanne M.', other_names: ['J. M.', 'Mama J'], notes: 'Lives with A.' })
    const r1 = { ...first, persons: withIdentity(first, named, who) }
    expect(validateIdentities(r1, named).ok).toBe(true)
    // p1 comes before p2, as in the case.
    const both = withIdentity(r1, named, identityFromFields('p1', { name: 'Amani K.', otherNames: '', contact: '+243 000', notes: '' }))
    expect(both.map((p) => p.id)).toEqual(['p1', 'p2'])
    const r2 = nextRevision(r1, { persons: both }, BOB, new Date('2026-03-03T00:00:00Z'))
    expect(chainProblem([r1, r2])).toBeNull()
    expect(validateIdentities({ ...r2, persons: [...both, { id: 'p7', name: 'Nobody' }] }, named).ok).toBe(false)
  })

  it('names the form field of each problem', () => {
    const doc = sampleCase()
    const first = firstIdentities(doc, ALICE, new Date('2026-03-02T00:00:00Z'))
    const bad = identityFromFields('p1', {
      name: 'two\tparts',
      otherNames: Array.from({ length: 11 }, (_, i) => `n${i}`).join('\n'),
      contact: 'c'.repeat(2001),
      notes: '',
    })
    expect(identityProblems(first, doc, bad).map((p) => p.path).sort()).toEqual(['contact', 'name', 'other_names'])
    expect(identityProblems(first, doc, identityFromFields('p1', { name: '', otherNames: '', contact: '', notes: '' }))[0].path).toBe('name')
  })

  it('never reaches the case list: the chains that are not cases are set apart', () => {
    const a = { ...sampleCase(), identities: 'e'.repeat(32) }
    const b = { ...sampleCase(), case_id: 'f'.repeat(32) }
    expect([...nonCaseChains([a, b, null], 'c'.repeat(32))].sort()).toEqual(['c'.repeat(32), 'e'.repeat(32)])
  })
})

describe('the taxonomy chain', () => {
  it('has an id every key holder derives alike, and that says nothing without the key', async () => {
    const identity = await generateX25519Identity()
    const id = extensionChainId(identity)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(extensionChainId(identity)).toBe(id)
    expect(extensionChainId(await generateX25519Identity())).not.toBe(id)
  })

  it('adds entries with ids from their English label, retires them, and never loses an id', () => {
    const { extension: one, entry } = withEntry(emptyExtension(), 'incident_types', LAND)
    expect(entry.id).toBe('org_land_seizure')
    const { extension: two, entry: second } = withEntry(one, 'incident_types', LAND, 'surveillance')
    expect(second).toMatchObject({ id: 'org_land_seizure_2', parent: 'surveillance' })
    expect(suggestExtensionId('مصادرة', new Set())).toMatch(/^org_[0-9a-f]{8}$/)
    expect(suggestExtensionId('Détention arbitraire', new Set())).toBe('org_detention_arbitraire')

    const r1 = firstTaxonomyRevision('d'.repeat(32), two, ALICE, new Date('2026-04-01T00:00:00Z'))
    expect(taxonomyChainProblems(r1, 'd'.repeat(32))).toEqual([])
    expect(taxonomyChainProblems(r1, 'e'.repeat(32))[0]).toContain('case_id')
    const retired = withRetired(two, 'incident_types', 'org_land_seizure')
    const r2 = nextRevision(r1, { extension: retired }, ALICE, new Date('2026-04-02T00:00:00Z'))
    expect(taxonomyChainProblems(r2, 'd'.repeat(32), r1)).toEqual([])
    expect(chainProblem([r1, r2])).toBeNull()
    expect(withRetired(retired, 'incident_types', 'org_land_seizure', false).lists.incident_types![0].retired).toBeUndefined()

    // Dropping an id, or a label in one language, is refused, naming the field.
    const dropped = nextRevision(r2, { extension: { ...retired, lists: { incident_types: [] } } }, ALICE, new Date('2026-04-03T00:00:00Z'))
    expect(taxonomyChainProblems(dropped, 'd'.repeat(32), r2).join()).toContain('org_land_seizure was removed')
    const { extension: blank } = withEntry(emptyExtension(), 'response_types', { ...LAND, fr: ' ' })
    expect(taxonomyChainProblems(firstTaxonomyRevision('d'.repeat(32), blank, ALICE, new Date()))).toEqual([
      'extension.lists.response_types[0].labels.fr: must be 1 to 200 characters',
    ])
  })

  it('is used everywhere: pickers, validation, search, statistics labels', () => {
    const { extension } = withEntry(emptyExtension(), 'incident_types', LAND)
    const retired = withRetired(withEntry(extension, 'response_types', { en: 'Escort', fr: 'Escorte', es: 'Escolta', ar: 'مرافقة' }).extension, 'incident_types', 'org_land_seizure')
    const taxonomy = extendTaxonomy(retired)
    // Retired: not offered for new data, still shown for data that holds it.
    expect(offered(taxonomy, 'incident_types').some((e) => e.id === 'org_land_seizure')).toBe(false)
    expect(offeredWith(taxonomy, 'incident_types', ['org_land_seizure']).some((e) => e.id === 'org_land_seizure')).toBe(true)
    expect(offered(taxonomy, 'response_types').some((e) => e.id === 'org_escort')).toBe(true)
    expect(label(taxonomy, 'incident_types', 'org_land_seizure', 'fr')).toBe('Saisie de terres')

    const doc = sampleCase()
    doc.incidents[0].types = ['org_land_seizure']
    expect(validateCase(doc).ok).toBe(false)
    expect(validateCase(doc, taxonomy).ok).toBe(true)
    const index = new CaseIndex(taxonomy)
    index.add(doc)
    expect(index.search('saisie')).toEqual([doc.case_id])
    const table = countTable([doc], 'incident_category', 'all', { taxonomy, language: 'ar' })
    expect(table.rows).toContain('مصادرة الأراضي')
  })

  it('reaches the caseload store, which validates and indexes with it', async () => {
    const identity = await generateX25519Identity()
    const recipient = await identityToRecipient(identity)
    const { extension } = withEntry(emptyExtension(), 'incident_types', LAND)
    const doc = sampleCase()
    doc.incidents[0].types = ['org_land_seizure']
    const identities = { ...firstIdentities(doc, ALICE, new Date()), persons: [{ id: 'p1', name: 'Amani K.' }] }
    const summary = async (id: string, d: object): Promise<CaseSummary> => ({
      id,
      revisions: 1,
      created_hour: 1,
      updated_hour: 1,
      log_index: 0,
      latest_log_index: 0,
      latest_size: 0,
      ciphertext: base64.encode(await encryptTo([recipient], serialise(d as never))),
    })
    const page = [await summary(doc.case_id, doc), await summary('e'.repeat(32), identities)]
    const open = async (taxonomy?: ReturnType<typeof extendTaxonomy>) => {
      const source: CaseSource = { page: async () => ({ cases: page }), decrypt: (c) => decryptWith(identity, c), taxonomy }
      const store = new CaseStore(source)
      await store.load()
      return store
    }
    expect((await open()).get(doc.case_id)?.doc).toBeNull()
    const store = await open(extendTaxonomy(extension))
    expect(store.get(doc.case_id)?.doc?.incidents[0].types).toEqual(['org_land_seizure'])
    // The identities document opens as no case at all: nothing of it is kept or searchable.
    expect(store.get('e'.repeat(32))?.doc).toBeNull()
    expect(store.index.search('amani')).toEqual([])
    expect(store.index.search('terres')).toEqual([doc.case_id])
  })
})
