// The case pages end to end, in Debian's headless Chromium against a real vigild:
// - a reporter sends a report with a file; the coordinator signs in, opens a case from the
//   report, records a person, an incident, a risk assessment and an action whose due date has
//   passed (overdue in the case and in the list), a consent that is then revoked, and a note;
// - the court-ready package downloads, `vigil verify-export` accepts it with the log's key and
//   the organisation identity, and refuses it once one byte is changed;
// - statistics are counted, published, and listed by the public API;
// - the case list and view in French and Arabic (right to left), axe-clean, with screenshots;
// and throughout: no Content-Security-Policy violation, no request to another origin, and the
// note's canary nowhere in the data directory or the server's log.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPage, Recorder, screenshot, seriousViolations } from './browser'
import { findPlaintext, openPage, sendReport, sha256, startStaffWorld, stopStaffWorld, type StaffWorld } from './helpers'
import { Instance, VIGIL_CLI } from './instance'
import { Administrator } from './staff'

const tag = randomBytes(8).toString('hex')
const canary = {
  what: `canary-cases-what-${tag} two men waited outside my office`,
  file: `VIGIL-CASES-FILE-CANARY-${tag}`,
  note: `canary-cases-note-${tag} called the witness back`,
  pseudonym: `Witness-${tag}`,
}

let instance: Instance
let admin: Administrator
let context: BrowserContext
let recorder: Recorder
let page: Page
const filesDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-cases-'))
const evidencePath = join(filesDir, 'photo-menace.pdf')
let reportId = ''
let caseId = ''

let world: StaffWorld | undefined

beforeAll(async () => {
  world = await startStaffWorld(evidencePath, canary.file, 200)
  ;({ instance, admin, context, recorder } = world)
}, 120_000)

afterAll(() => stopStaffWorld(world, filesDir))

async function visible(p: Page, view: string): Promise<void> {
  await p.waitForSelector(`#${view}:not([hidden])`, { timeout: 60_000 })
}

// Waits until the page says a revision was saved, and no error.
async function saved(p: Page, before: number): Promise<void> {
  await expect
    .poll(async () => ((await p.textContent('#error')) ?? '') || (await p.textContent('#case-meta')), { timeout: 60_000 })
    .toContain(`Revision ${before + 1}`)
}

// The revision the case view shows, once it shows one (a loaded machine may still be opening it).
async function revision(p: Page): Promise<number> {
  const text = async () => ((await p.textContent('#case-meta')) ?? '').match(/Revision (\d+)/)?.[1] ?? ''
  await expect.poll(text, { timeout: 60_000 }).not.toBe('')
  return Number(await text())
}

async function openForms(p: Page): Promise<void> {
  await p.$$eval('#case-view details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)))
}

describe.sequential('cases', () => {
  it('a reporter sends a report with a file', async () => {
    const reporter = await newPage(context, recorder)
    await openPage(reporter, instance.origin, '/report?lang=en')
    ;({ reportId } = await sendReport(reporter, { what: canary.what }, [evidencePath]))
    expect(reportId).toMatch(/^[0-9a-f]{32}$/)
    await reporter.close()
  }, 180_000)

  it('the coordinator opens a case from the report', async () => {
    page = await newPage(context, recorder)
    await openPage(page, instance.origin, `/staff?lang=en#/reports/${reportId}`)
    await page.fill('#login-name', admin.loginName)
    await page.fill('#signin-passphrase', admin.passphrase)
    await page.fill('#totp-code', await admin.nextCode())
    await page.click('#signin-form button')
    await visible(page, 'report-view')
    await expect.poll(() => page.locator('#report-thread > li').count(), { timeout: 60_000 }).toBe(1)
    await page.click('#case-from-report')
    await visible(page, 'case-view')
    await expect.poll(() => page.textContent('#case-heading'), { timeout: 60_000 }).toContain('two men waited')
    caseId = page.url().match(/#\/cases\/([0-9a-f]{32})$/)?.[1] ?? ''
    expect(caseId).toMatch(/^[0-9a-f]{32}$/)
    expect(await page.locator('#case-links li').count()).toBe(2) // the report and its file
  }, 120_000)

  it('records a person, an incident, an assessment and an overdue action', async () => {
    await openForms(page)
    let r = await revision(page)
    await page.fill('#person-pseudonym', canary.pseudonym)
    await page.selectOption('#person-role', 'witness')
    await page.click('#person-form button')
    await saved(page, r++)

    await openForms(page)
    await page.selectOption('#incident-precision', 'month')
    await page.fill('#incident-start', '2026-03')
    await page.fill('#incident-country', 'COD')
    await page.check('#incident-types input[value="threats_intimidation"]')
    await page.check('#incident-victims input[type=checkbox]')
    await page.click('#incident-form button')
    await saved(page, r++)
    await expect.poll(() => page.locator('#case-incidents li').count()).toBe(1)

    await openForms(page)
    await page.selectOption('#risk-likelihood', '4')
    await page.selectOption('#risk-impact', '5')
    expect(await page.textContent('#risk-level')).toBe('Critical')
    await page.fill('#risk-rationale', 'Followed twice in a week.')
    await page.click('#risk-form button')
    await saved(page, r++)
    expect(await page.textContent('#case-risk-current')).toContain('Critical')

    await openForms(page)
    await page.selectOption('#action-type', { index: 1 })
    await page.fill('#action-due', '2026-01-05')
    await page.click('#action-form button')
    await saved(page, r++)
    await expect.poll(() => page.isVisible('#case-overdue')).toBe(true)
    expect(await page.textContent('#case-overdue')).toContain('1 overdue action')
    expect(await page.locator('#case-actions li.is-overdue').count()).toBe(1)
  }, 180_000)

  it('records a consent, then revokes it; keeps a note', async () => {
    await openForms(page)
    let r = await revision(page)
    await page.check('#consent-scope input[value="incident_facts"]')
    await page.selectOption('#consent-recipient', 'court_registry_vws')
    await page.click('#consent-form button')
    await saved(page, r++)
    await expect.poll(() => page.getAttribute('#case-consents li', 'data-status')).toBe('active')
    await page.click('#case-consents li button')
    await saved(page, r++)
    await expect.poll(() => page.getAttribute('#case-consents li', 'data-status')).toBe('revoked')

    await page.fill('#note-text', canary.note)
    await page.click('#note-form button')
    await saved(page, r++)
    expect(await page.textContent('#case-notes')).toContain(canary.note)
    expect(await page.locator('#custody-rows tr').count()).toBe(r)
    expect(await seriousViolations(page)).toEqual([])
  }, 120_000)

  it('a stale revision is refused with a clear message', async () => {
    // Another tab stores a revision first: this page's next save is a conflict.
    const other = await newPage(context, recorder)
    await openPage(other, instance.origin, `/staff?lang=en#/cases/${caseId}`)
    await visible(other, 'unlock-view')
    await other.fill('#unlock-passphrase', admin.passphrase)
    await other.click('#unlock-form button')
    await visible(other, 'case-view')
    const r = await revision(other)
    await other.selectOption('#case-status', 'in_progress')
    await other.click('#case-main-form button')
    await saved(other, r)
    await other.close()

    await page.selectOption('#case-status', 'monitoring')
    await page.click('#case-main-form button')
    await expect.poll(() => page.isVisible('#case-conflict'), { timeout: 30_000 }).toBe(true)
    expect(await page.textContent('#error')).toContain('Someone else changed this case')
    await page.click('#case-reload')
    await expect.poll(() => page.textContent('#case-meta'), { timeout: 30_000 }).toContain('In progress')
  }, 120_000)

  it('the court-ready package verifies, and fails once one byte is changed', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      page.click('#case-export'),
    ])
    const zipPath = join(filesDir, 'package.zip')
    await download.saveAs(zipPath)
    expect(download.suggestedFilename()).toMatch(/^vigil-case-[0-9a-f]{8}-r\d+\.zip$/)
    const identityPath = join(filesDir, 'organisation.key')
    writeFileSync(identityPath, admin.organisationIdentity + '\n', { mode: 0o600 })
    const out = execFileSync(VIGIL_CLI, ['verify-export', zipPath, '--key', instance.verifierKey, '-i', identityPath], {
      encoding: 'utf8',
    })
    expect(out).toContain('verify-export: OK')
    expect(out).toMatch(/the manifest logged at index \d+/)
    const withoutIdentity = execFileSync(VIGIL_CLI, ['verify-export', zipPath, '--key', instance.verifierKey], { encoding: 'utf8' })
    expect(withoutIdentity).toContain('verify-export: OK')

    // The original inside is the reporter's file, byte for byte.
    const zip = readFileSync(zipPath)
    expect(zip.indexOf(Buffer.from('manifest.json'))).toBeGreaterThan(0)
    // One byte changed, in the middle of the file: refused.
    const bad = Buffer.from(zip)
    bad[Math.floor(bad.length / 2)] ^= 0x01
    const badPath = join(filesDir, 'package-changed.zip')
    writeFileSync(badPath, bad)
    let failed = false
    try {
      execFileSync(VIGIL_CLI, ['verify-export', badPath, '--key', instance.verifierKey], { encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      failed = (error as { status?: number }).status === 1
    }
    expect(failed).toBe(true)
    // The export is in the custody log.
    await expect.poll(() => page.locator('#custody-rows tr').filter({ hasText: 'Package of revision' }).count(), { timeout: 30_000 }).toBe(1)
    expect(sha256(zip)).toMatch(/^[0-9a-f]{64}$/)
  }, 180_000)

  it('the case list shows the overdue case; filters, search and CSV work', async () => {
    await page.click('#staff-nav a[href="#/cases"]')
    await visible(page, 'cases-view')
    const row = page.locator(`#case-rows tr[data-case="${caseId}"]`)
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1)
    expect(await row.locator('.overdue').textContent()).toContain('overdue')
    await page.check('#filter-overdue')
    expect(await row.count()).toBe(1)
    await page.fill('#case-search', 'no-such-word-anywhere')
    await expect.poll(() => row.count()).toBe(0)
    await page.fill('#case-search', canary.pseudonym.toLowerCase())
    await expect.poll(() => row.count()).toBe(1)
    await page.fill('#case-search', '')
    await page.uncheck('#filter-overdue')
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#csv-form button')])
    const csvPath = join(filesDir, 'cases.csv')
    await csv.saveAs(csvPath)
    const text = readFileSync(csvPath, 'utf8')
    expect(text.split('\r\n')[0]).toMatch(/^case,incident,/)
    // The consent was revoked: the incident's facts are withheld.
    expect(text).not.toContain('threats')
    expect(text).toContain('incident_facts')
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'staff-cases-en')
  }, 120_000)

  it('statistics are counted with suppression and published', async () => {
    await page.click('#staff-nav a[href="#/statistics"]')
    await visible(page, 'stats-view')
    await page.selectOption('#stats-rows', 'incident_category')
    await page.selectOption('#stats-columns', 'all')
    await page.click('#stats-form button')
    await visible(page, 'stats-figure')
    expect(await page.textContent('#stats-table')).toContain('fewer than 5')
    expect(await page.locator('#stats-chart svg rect').count()).toBeGreaterThan(0)
    await page.fill('#stats-title', `Incidents by category ${tag}`)
    await page.click('#publish-form button')
    await expect.poll(() => page.getAttribute('#stats-published', 'data-publication'), { timeout: 60_000 }).toMatch(/.+/)
    const list = await (await instance.fetch('/v1/statistics')).json()
    const published = list.publications.find((p: { title: string }) => p.title === `Incidents by category ${tag}`)
    expect(published).toBeTruthy()
    const one = await (await instance.fetch(`/v1/statistics/${published.id}`)).text()
    expect(one).toContain('fewer_than_k')
    expect(await seriousViolations(page)).toEqual([])
  }, 120_000)

  it('in French and Arabic: the list and the case, accessible, right to left in Arabic', async () => {
    for (const lang of ['fr', 'ar'] as const) {
      const p = await newPage(context, recorder)
      await openPage(p, instance.origin, `/staff?lang=${lang}#/cases`)
      await visible(p, 'unlock-view')
      await p.fill('#unlock-passphrase', admin.passphrase)
      await p.click('#unlock-form button')
      await visible(p, 'cases-view')
      expect(await p.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr')
      const row = p.locator(`#case-rows tr[data-case="${caseId}"]`)
      await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1)
      if (lang === 'fr') expect(await row.locator('.overdue').textContent()).toContain('en retard')
      expect(await seriousViolations(p)).toEqual([])
      if (lang === 'ar') await screenshot(p, 'staff-cases-ar')
      await row.locator('a').click()
      await visible(p, 'case-view')
      await expect.poll(() => p.locator('#case-actions li.is-overdue').count(), { timeout: 60_000 }).toBe(1)
      if (lang === 'fr') {
        // A note in French, through the same form.
        await p.fill('#note-text', 'Témoin rappelé, situation stable.')
        await p.click('#note-form button')
        await expect.poll(() => p.textContent('#status'), { timeout: 60_000 }).toContain('nouvelle révision')
        expect(await p.textContent('#case-notes')).toContain('Témoin rappelé')
      }
      expect(await seriousViolations(p)).toEqual([])
      if (lang === 'ar') await screenshot(p, 'staff-case-ar')
      await p.close()
    }
    await page.click(`#staff-nav a[href="#/cases"]`)
    await page.locator(`#case-rows tr[data-case="${caseId}"] a`).click()
    await visible(page, 'case-view')
    await screenshot(page, 'staff-case-en')
  }, 180_000)

  it('no plaintext on the server, no CSP violation, no foreign request', async () => {
    await page.close()
    const { found, scanned } = findPlaintext(instance.dataDir, [
      Buffer.from(canary.note),
      Buffer.from(canary.pseudonym),
      Buffer.from(canary.file),
    ])
    expect(scanned).toBeGreaterThan(0)
    expect(found).toEqual([])
    const log = instance.serverLog()
    expect(log).not.toContain(canary.note)
    expect(log).not.toContain(canary.pseudonym)
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
  })
})
