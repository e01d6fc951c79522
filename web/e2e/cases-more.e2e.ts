// The case pages' second round, end to end in Debian's headless Chromium against a real vigild:
// - the organisation's taxonomy (#/taxonomy): an administrator adds entries with labels in the
//   four languages (a missing label is named), retires one; pickers, validation (in the case
//   workers too), filters and statistics labels use it, and a retired entry stays on old data;
// - a response action edited field by field: problems named by field, every status, and the
//   overdue mark following the due date and the status at once;
// - the identities compartment: opened only behind "show identities", its own encrypted chain
//   with the same conflict handling as cases, never a row of the list, never found by search,
//   never in the CSV;
// - a published aggregate on the public /statistics page in French and in Arabic (right to
//   left), small cells said as "fewer than k", and its receipt, downloaded, verifies offline;
// - axe on every new view in the four languages, screenshots in English and Arabic, and the
//   identities' canary nowhere in the data directory or the server's log.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { base64 } from '@scure/base'
import { identityToRecipient } from 'age-encryption'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseDocument } from '../src/cases/model'
import { firstRevision, serialise } from '../src/cases/revisions'
import { syntheticCases } from '../src/cases/synthetic'
import { encryptTo } from '../src/crypto/age'
import { newPage, Recorder, screenshot, seriousViolations } from './browser'
import { findPlaintext, openPage, startStaffWorld, stopStaffWorld, type StaffWorld } from './helpers'
import { Instance, VIGIL_CLI } from './instance'
import { Administrator } from './staff'

const tag = randomBytes(8).toString('hex')
const canary = {
  name: `Canary-Name-${tag}`,
  contact: `canary-contact-${tag}@example.org`,
}
const SEEDED = 40
const LANGS = ['en', 'fr', 'es', 'ar'] as const

let instance: Instance
let admin: Administrator
let context: BrowserContext
let recorder: Recorder
let page: Page
let world: StaffWorld | undefined
const filesDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-cases-more-'))
let subject: CaseDocument

async function visible(p: Page, view: string): Promise<void> {
  await p.waitForSelector(`#${view}:not([hidden])`, { timeout: 60_000 })
}

async function revision(p: Page): Promise<number> {
  const text = async () => ((await p.textContent('#case-meta')) ?? '').match(/Revision (\d+)/)?.[1] ?? ''
  await expect.poll(text, { timeout: 60_000 }).not.toBe('')
  return Number(await text())
}

async function saved(p: Page, before: number): Promise<void> {
  await expect
    .poll(async () => ((await p.textContent('#error')) ?? '') || (await p.textContent('#case-meta')), { timeout: 60_000 })
    .toContain(`Revision ${before + 1}`)
}

// A second page of the same session: the keys are asked for again.
async function unlocked(lang: string, hash: string): Promise<Page> {
  const p = await newPage(context, recorder)
  await openPage(p, instance.origin, `/staff?lang=${lang}${hash}`)
  await visible(p, 'unlock-view')
  await p.fill('#unlock-passphrase', admin.passphrase)
  await p.click('#unlock-form button')
  return p
}

beforeAll(async () => {
  world = await startStaffWorld(join(filesDir, 'unused.pdf'), 'unused', 1)
  ;({ instance, admin, context, recorder } = world)
}, 120_000)

afterAll(() => stopStaffWorld(world, filesDir))

// Cases stored through the API with the session the page signed in with (one TOTP code less
// than a sign-in of its own, which could wait for the next 30-second step): synthetic ones for
// the statistics, and the subject case with two persons and an action due in the future.
async function seed(): Promise<void> {
  const session = (await context.cookies(instance.origin)).find((c) => c.name === 'vigil_session')!
  const recipient = await identityToRecipient(admin.organisationIdentity)
  subject = firstRevision({ title: `Subject case ${tag}`, author: 'a1'.repeat(16), now: new Date() })
  subject.persons = [
    { id: 'p1', pseudonym: 'Witness K', court_links: [{ role: 'witness' }] },
    { id: 'p2', pseudonym: 'Relative of K', court_links: [] },
  ]
  subject.actions = [{ id: 'a1', type: 'referral_registry_vws', due: '2099-01-01', status: 'planned' }]
  for (const doc of [...syntheticCases(SEEDED, { seed: 11 }), subject]) {
    const response = await instance.fetch('/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `${session.name}=${session.value}` },
      body: JSON.stringify({ case_id: doc.case_id, ciphertext: base64.encode(await encryptTo([recipient], serialise(doc))) }),
    })
    expect(response.status, await response.clone().text()).toBe(201)
  }
}

describe.sequential('cases, more', () => {
  it('an administrator extends the taxonomy and retires an entry', async () => {
    page = await newPage(context, recorder)
    await openPage(page, instance.origin, '/staff?lang=en#/taxonomy')
    await page.fill('#login-name', admin.loginName)
    await page.fill('#signin-passphrase', admin.passphrase)
    await page.fill('#totp-code', await admin.nextCode())
    await page.click('#signin-form button')
    await visible(page, 'taxonomy-view')
    await seed()
    expect(await page.isVisible('#nav-taxonomy')).toBe(true)
    expect(await page.textContent('#taxonomy-meta')).toContain('base taxonomy')

    // A label missing in one language is named, and nothing is stored.
    await page.selectOption('#taxonomy-list', 'incident_types')
    await page.fill('#taxonomy-label-en', 'Land seizure')
    await page.fill('#taxonomy-label-es', 'Incautación de tierras')
    await page.fill('#taxonomy-label-ar', 'مصادرة الأراضي')
    await page.click('#taxonomy-form button[type=submit]')
    expect(await page.textContent('#taxonomy-problems')).toContain('Label in French: give a label of 1 to 200 characters.')
    expect(await page.getAttribute('#taxonomy-label-fr', 'aria-invalid')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('taxonomy-label-fr')

    await page.fill('#taxonomy-label-fr', 'Saisie de terres')
    await page.click('#taxonomy-form button[type=submit]')
    const land = page.locator('tr[data-entry="org_land_seizure"]')
    await expect.poll(() => land.count(), { timeout: 30_000 }).toBe(1)
    expect(await page.textContent('#taxonomy-meta')).toContain('Revision 1')

    const labels = { en: 'Forced eviction', fr: 'Expulsion forcée', es: 'Desalojo forzoso', ar: 'الإخلاء القسري' }
    for (const [lang, text] of Object.entries(labels)) await page.fill(`#taxonomy-label-${lang}`, text)
    await page.click('#taxonomy-form button[type=submit]')
    const eviction = page.locator('tr[data-entry="org_forced_eviction"]')
    await expect.poll(() => eviction.count(), { timeout: 30_000 }).toBe(1)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'staff-taxonomy-en')
  }, 120_000)

  it('pickers, validation in the workers, filters: the extension everywhere; a retired entry stays on old data', async () => {
    await page.evaluate((id) => (location.hash = `#/cases/${id}`), subject.case_id)
    await visible(page, 'case-view')
    let r = await revision(page)
    await page.$$eval('#case-view details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)))
    await page.selectOption('#incident-precision', 'year')
    await page.fill('#incident-start', '2026')
    await page.fill('#incident-country', 'COD')
    await page.check('#incident-types input[value="org_forced_eviction"]')
    await page.check('#incident-victims input[value="p1"]')
    await page.click('#incident-form button')
    await saved(page, r++)
    expect(await page.textContent('#case-incidents')).toContain('Forced eviction')

    // Retired: no longer offered, still shown on the case that holds it.
    await page.click('#staff-nav a[href="#/taxonomy"]')
    await visible(page, 'taxonomy-view')
    await page.locator('tr[data-entry="org_forced_eviction"] button').click()
    await expect.poll(() => page.getAttribute('tr[data-entry="org_forced_eviction"]', 'data-state'), { timeout: 30_000 }).toBe('retired')
    expect(await page.textContent('#status')).toContain('revision 3')

    await page.click('#staff-nav a[href="#/cases"]')
    await visible(page, 'cases-view')
    const row = page.locator(`#case-rows tr[data-case="${subject.case_id}"]`)
    // Opened in a worker with the extension: the case reads, it is no "could not be read" row.
    await expect.poll(() => row.locator('a').textContent(), { timeout: 60_000 }).toBe(subject.title)
    await page.selectOption('#filter-type', 'org_forced_eviction')
    await expect.poll(() => page.locator('#case-rows tr').count()).toBe(1)
    await page.selectOption('#filter-type', '')
    await row.locator('a').click()
    await visible(page, 'case-view')
    await expect.poll(() => page.textContent('#case-incidents'), { timeout: 30_000 }).toContain('Forced eviction')
    expect(await page.locator('#incident-types input[value="org_forced_eviction"]').count()).toBe(0)
    expect(await page.locator('#incident-types input[value="org_land_seizure"]').count()).toBe(1)
  }, 180_000)

  it('an action is edited field by field; problems are named; the overdue mark follows at once', async () => {
    let r = await revision(page)
    await page.click('#case-actions li[data-action="a1"] button')
    await visible(page, 'action-edit-form')
    const statuses = await page.$$eval('#action-edit-status option', (all) => all.map((o) => (o as HTMLOptionElement).value))
    expect(statuses).toEqual(['planned', 'in_progress', 'done', 'cancelled'])
    await page.selectOption('#action-edit-type', 'digital_security')
    await page.selectOption('#action-edit-owner', { index: 1 })
    await page.fill('#action-edit-due', '2026-01-05')
    await page.selectOption('#action-edit-status', 'in_progress')
    await page.fill('#action-edit-outcome', 'x'.repeat(10_001))
    await page.click('#action-edit-form button[type=submit]')
    expect(await page.textContent('#action-edit-problems')).toContain('Outcome: at most 10,000 characters.')
    expect(await page.textContent('#error')).toContain('Outcome')
    expect(await page.getAttribute('#action-edit-outcome', 'aria-invalid')).toBe('true')
    expect(await page.textContent('#case-meta')).toContain(`Revision ${r}`)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'staff-action-edit-en')

    await page.fill('#action-edit-outcome', 'Called the Registry twice.')
    await page.click('#action-edit-form button[type=submit]')
    await saved(page, r++)
    await expect.poll(() => page.isVisible('#action-edit-form')).toBe(false)
    await expect.poll(() => page.isVisible('#case-overdue')).toBe(true)
    const item = page.locator('#case-actions li[data-action="a1"]')
    expect(await item.getAttribute('class')).toContain('is-overdue')
    expect(await item.textContent()).toContain('Digital-security help')
    expect(await item.textContent()).toContain('Called the Registry twice.')

    await page.click('#case-actions li[data-action="a1"] button')
    await page.selectOption('#action-edit-status', 'cancelled')
    await page.click('#action-edit-form button[type=submit]')
    await saved(page, r++)
    await expect.poll(() => page.isVisible('#case-overdue')).toBe(false)
    expect((await item.getAttribute('class')) ?? '').not.toContain('is-overdue')
    expect(await item.textContent()).toContain('Cancelled')
  }, 120_000)

  it('identities: behind "show identities", their own chain, with conflicts like cases', async () => {
    const before = await revision(page)
    expect(await page.textContent('#case-view')).not.toContain(canary.name)
    await page.click('#identities-show')
    await visible(page, 'identities-view')
    expect(page.url()).toMatch(new RegExp(`#/cases/${subject.case_id}/identities$`))
    // The view shows at once; its state follows when the chain has been read.
    await expect.poll(() => page.textContent('#identities-meta')).toContain('No identities document yet')

    await page.selectOption('#identity-person', 'p1')
    await page.fill('#identity-name', 'two\tparts')
    await page.click('#identity-form button[type=submit]')
    expect(await page.textContent('#identity-problems')).toContain('Name: give a name on one line')
    await page.fill('#identity-name', canary.name)
    await page.fill('#identity-other-names', 'K.\nKay')
    await page.fill('#identity-contact', canary.contact)
    await page.click('#identity-form button[type=submit]')
    await expect.poll(() => page.textContent('#identities-meta'), { timeout: 30_000 }).toContain('revision 1')
    expect(await page.textContent('#identity-list li[data-person="p1"]')).toContain(canary.name)
    expect(await page.textContent('#identity-list li[data-person="p1"]')).toContain('K.; Kay')
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'staff-identities-en')

    // Another tab stores a revision of the identities first: this page's save is refused.
    const other = await unlocked('en', `#/cases/${subject.case_id}/identities`)
    await visible(other, 'identities-view')
    await expect.poll(() => other.textContent('#identities-meta'), { timeout: 30_000 }).toContain('revision 1')
    await other.selectOption('#identity-person', 'p2')
    await other.fill('#identity-name', 'Second person')
    await other.click('#identity-form button[type=submit]')
    await expect.poll(() => other.textContent('#identities-meta'), { timeout: 30_000 }).toContain('revision 2')
    await other.close()
    await page.selectOption('#identity-person', 'p2')
    await page.fill('#identity-name', 'A different name')
    await page.click('#identity-form button[type=submit]')
    await expect.poll(() => page.isVisible('#identities-conflict'), { timeout: 30_000 }).toBe(true)
    expect(await page.textContent('#error')).toContain('Someone else changed these identities')
    await page.click('#identities-reload')
    await expect.poll(() => page.textContent('#identity-list li[data-person="p2"]'), { timeout: 30_000 }).toContain('Second person')

    // Leaving the view drops the identities from the page; the case named its chain once.
    await page.click('#identities-back')
    await visible(page, 'case-view')
    expect(await revision(page)).toBe(before + 1)
    expect(await page.locator('#identity-list li').count()).toBe(0)
    expect(await page.textContent('body')).not.toContain(canary.name)
  }, 120_000)

  it('identities and the taxonomy are no rows of the list; search and the CSV never see them', async () => {
    await page.click('#staff-nav a[href="#/cases"]')
    await visible(page, 'cases-view')
    // As loaded before the identities existed, then fetched again with their chain in it.
    for (const refresh of [false, true]) {
      if (refresh) {
        await page.click('#cases-refresh')
        await expect.poll(() => page.textContent('#status'), { timeout: 60_000 }).toBe('')
      }
      await expect.poll(() => page.getAttribute('#cases-count', 'data-loaded'), { timeout: 60_000 }).toBe(String(SEEDED + 1))
      expect(await page.locator('#case-rows tr').count()).toBe(SEEDED + 1)
      expect(await page.textContent('#case-rows')).not.toContain('could not be read')
    }
    await page.fill('#case-search', canary.name.toLowerCase())
    await expect.poll(() => page.locator('#case-rows tr').count()).toBe(0)
    await page.fill('#case-search', 'kay')
    await expect.poll(() => page.locator('#case-rows tr').count()).toBe(0)
    await page.fill('#case-search', '')
    await page.selectOption('#csv-recipient', 'analysis')
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#csv-form button')])
    const csvPath = join(filesDir, 'cases.csv')
    await csv.saveAs(csvPath)
    const text = readFileSync(csvPath, 'utf8')
    expect(text).not.toContain(canary.name)
    expect(text).not.toContain(canary.contact)
  }, 120_000)

  it('a published aggregate on the public page in French and Arabic, with a receipt that verifies', async () => {
    await page.click('#staff-nav a[href="#/statistics"]')
    await visible(page, 'stats-view')
    await page.selectOption('#stats-rows', 'incident_category')
    await page.selectOption('#stats-columns', 'all')
    await page.click('#stats-form button')
    await visible(page, 'stats-figure')
    // The organisation's entry is a row, with its label.
    expect(await page.textContent('#stats-table')).toContain('Forced eviction')
    const title = `Incidents by category (${tag})`
    await page.fill('#stats-title', title)
    await page.click('#publish-form button')
    await expect.poll(() => page.getAttribute('#stats-published', 'data-publication'), { timeout: 60_000 }).toMatch(/.+/)
    const id = (await page.getAttribute('#stats-published', 'data-publication'))!
    const published = await (await instance.fetch(`/v1/statistics/${id}`)).json()
    const doc = published.document ?? published
    const figures: (number | { suppressed: string })[] = [...doc.cells.flat(), ...doc.row_totals, ...doc.column_totals, doc.total]
    const shown = figures.filter((f): f is number => typeof f === 'number')
    expect(shown.length).toBeGreaterThan(0)
    expect(figures.some((f) => typeof f !== 'number' && f.suppressed === 'fewer_than_k')).toBe(true)

    for (const lang of ['fr', 'ar'] as const) {
      const p = await newPage(context, recorder)
      await openPage(p, instance.origin, `/statistics?lang=${lang}`)
      expect(await p.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr')
      const section = p.locator(`.publication[data-id="${id}"]`)
      await expect.poll(() => section.count(), { timeout: 30_000 }).toBe(1)
      expect(await section.locator('h2').textContent()).toBe(title)
      const table = (await section.locator('table').textContent()) ?? ''
      expect(table).toContain(lang === 'fr' ? 'moins de 5' : 'أقل من 5')
      const total = await p.evaluate(([l, n]) => new Intl.NumberFormat(l as string).format(n as number), [lang, doc.total])
      expect(await section.locator('tr.totals').textContent()).toContain(total)
      expect(await seriousViolations(p)).toEqual([])
      await screenshot(p, `public-statistics-${lang}`)

      // The receipt link: once a checkpoint covers the entry, the download verifies offline.
      const href = (await section.locator('a[download]').getAttribute('href'))!
      await expect.poll(async () => (await instance.fetch(href)).status, { timeout: 30_000, interval: 500 }).toBe(200)
      const [download] = await Promise.all([p.waitForEvent('download'), section.locator('a[download]').click()])
      const file = join(filesDir, `receipt-${lang}.txt`)
      await download.saveAs(file)
      const verified = execFileSync(VIGIL_CLI, ['log', 'verify-receipt', file, '--key', instance.verifierKey], { encoding: 'utf8' })
      expect(verified).toContain('e2e.example/vigil')
      await p.close()
    }
  }, 120_000)

  it('the new views are accessible in every language; screenshots in Arabic', async () => {
    for (const lang of LANGS) {
      const p = await unlocked(lang, '#/taxonomy')
      await visible(p, 'taxonomy-view')
      await expect.poll(() => p.locator('tr[data-entry]').count(), { timeout: 30_000 }).toBe(2)
      expect(await p.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr')
      expect(await seriousViolations(p), `${lang} taxonomy`).toEqual([])
      if (lang === 'ar') await screenshot(p, 'staff-taxonomy-ar')

      await p.evaluate((id) => (location.hash = `#/cases/${id}`), subject.case_id)
      await visible(p, 'case-view')
      await p.click('#case-actions li[data-action="a1"] button')
      await visible(p, 'action-edit-form')
      expect(await seriousViolations(p), `${lang} action`).toEqual([])
      if (lang === 'ar') await screenshot(p, 'staff-action-edit-ar')

      await p.click('#identities-show')
      await visible(p, 'identities-view')
      await expect.poll(() => p.locator('#identity-list li dl').count(), { timeout: 30_000 }).toBe(2)
      expect(await seriousViolations(p), `${lang} identities`).toEqual([])
      if (lang === 'ar') await screenshot(p, 'staff-identities-ar')
      await p.close()
    }
  }, 180_000)

  it('no identity on the server, no CSP violation, no foreign request', async () => {
    await page.close()
    const { found, scanned } = findPlaintext(instance.dataDir, [Buffer.from(canary.name), Buffer.from(canary.contact), Buffer.from('Land seizure')])
    expect(scanned).toBeGreaterThan(0)
    expect(found).toEqual([])
    const log = instance.serverLog()
    expect(log).not.toContain(canary.name)
    expect(log).not.toContain(canary.contact)
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
  })
})
