// The coordinator's side end to end, in Debian's headless Chromium against a real vigild:
// - the staff app (/staff) in every language: direction, axe-core, screenshots;
// - wrong credentials and a locked-out login name said as such;
// - a reporter sends a report with a file; the administrator signs in through the page with
//   passphrase and TOTP, the inbox shows the report decrypted, the report view shows every
//   field, the file downloads decrypted and equal to the original, the reply reaches the
//   reporter's follow-up page, and the reporter's answer shows as a new follow-up;
// - sign-out, sign-in again in Arabic (right to left), and unlock after a language change in
//   French and Spanish; a session that ends on the server sends the page back to sign-in;
//   without WebAssembly the page says why it cannot sign in;
// and throughout: no Content-Security-Policy violation, no request to another origin, and the
// plaintext canaries nowhere in the data directory or the server's log.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPage, Recorder, screenshot, seriousViolations } from './browser'
import { findPlaintext, openPage, sendReport, sha256, startStaffWorld, stopStaffWorld, type StaffWorld } from './helpers'
import { Instance, VIGIL_CLI } from './instance'
import { Administrator } from './staff'

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const
const tag = randomBytes(8).toString('hex')
const canary = {
  what: `canary-coordinator-what-${tag} a car followed me home`,
  where: `canary-coordinator-where-${tag}`,
  targeted: `canary-coordinator-targeted-${tag}`,
  file: `VIGIL-COORDINATOR-FILE-CANARY-${tag}`,
  reply: `canary-coordinator-reply-${tag} we will call you`,
  followUp: `canary-coordinator-follow-up-${tag}`,
}

let instance: Instance
let admin: Administrator
let browser: Browser
let context: BrowserContext
let recorder: Recorder
let staffPage: Page
const filesDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-coordinator-'))
const evidencePath = join(filesDir, 'témoignage.pdf')
let passphrase = ''
let reportId = ''

let world: StaffWorld | undefined

beforeAll(async () => {
  world = await startStaffWorld(evidencePath, canary.file, 300)
  ;({ instance, admin, browser, context, recorder } = world)
}, 120_000)

afterAll(() => stopStaffWorld(world, filesDir))

async function open(page: Page, path: string): Promise<void> {
  await openPage(page, instance.origin, path)
}

async function visible(page: Page, view: string): Promise<void> {
  await page.waitForSelector(`#${view}:not([hidden])`, { timeout: 60_000 })
}

async function signInThroughPage(page: Page, secret = admin.passphrase): Promise<void> {
  await page.fill('#login-name', admin.loginName)
  await page.fill('#signin-passphrase', secret)
  await page.fill('#totp-code', await admin.nextCode())
  await page.click('#signin-form button')
}

function row(page: Page) {
  return page.locator(`#inbox-rows tr[data-report="${reportId}"]`)
}

async function expectNoViolations(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([])
}

describe.sequential('coordinator', () => {
  it('a reporter sends a report with a file', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/report?lang=en')
    ;({ passphrase, reportId } = await sendReport(
      page,
      { what: canary.what, where: canary.where, targeted: canary.targeted },
      [evidencePath],
    ))
    expect(reportId).toMatch(/^[0-9a-f]{32}$/)
    expect(passphrase.split(' ')).toHaveLength(8)
    await page.close()
  }, 180_000)

  it('serves the sign-in page in every language, accessible, right to left in Arabic', async () => {
    const page = await newPage(context, recorder)
    for (const lang of LANGUAGES) {
      await open(page, `/staff?lang=${lang}`)
      await visible(page, 'signin-view')
      expect(await page.getAttribute('html', 'lang')).toBe(lang)
      expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr')
      const untranslated = await page.$$eval('[data-i18n]', (els) =>
        els.filter((e) => e.textContent === (e as HTMLElement).dataset.i18n || e.textContent === '').length,
      )
      expect(untranslated, lang).toBe(0)
      expect(await page.isVisible('#sign-out')).toBe(false)
      await expectNoViolations(page)
      if (lang === 'en' || lang === 'ar') await screenshot(page, `staff-signin-${lang}`)
    }
    await page.close()
  }, 120_000)

  it('says when the credentials are wrong, and when a login name is locked out', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/staff?lang=en')
    await signInThroughPage(page, 'not the passphrase of this account')
    await expect.poll(() => page.textContent('#error'), { timeout: 60_000 }).toContain('is wrong')
    expect(await page.inputValue('#signin-passphrase')).toBe('')
    // Five failures lock a name (max_failed_logins); the sixth attempt, through the page, is
    // told to wait.
    for (let i = 0; i < 5; i++) {
      const response = await instance.fetch('/v1/sessions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ login_name: 'nobody-here', login_secret: 'A'.repeat(43) + '=', totp_code: '000000' }),
      })
      expect(response.status).toBe(401)
    }
    await page.fill('#login-name', 'nobody-here')
    await page.fill('#signin-passphrase', 'any passphrase at all')
    await page.fill('#totp-code', '123456')
    await page.click('#signin-form button')
    await expect.poll(() => page.textContent('#error'), { timeout: 60_000 }).toContain('locked')
    await page.close()
  }, 120_000)

  it('signs in with passphrase and TOTP; the inbox shows the report decrypted', async () => {
    staffPage = await newPage(context, recorder)
    const page = staffPage
    await open(page, '/staff?lang=en')
    await signInThroughPage(page)
    await visible(page, 'inbox-view')
    await expect.poll(() => row(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('open')
    expect(await row(page).locator('a').textContent()).toBe(canary.what)
    expect(await row(page).locator('.unread').textContent()).toBe('None')
    expect(await page.textContent('#account-who')).toContain('administrator')
    // Argon2id ran in its worker, and nothing but the login secret left the page.
    expect(recorder.requests.some((r) => /\/assets\/argon2-worker-[^/]*\.js$/.test(r.url))).toBe(true)
    await expectNoViolations(page)
    await screenshot(page, 'staff-inbox-en')
  }, 120_000)

  it('shows the report, downloads its file decrypted, saves a receipt and replies', async () => {
    const page = staffPage
    await row(page).locator('a').click()
    await visible(page, 'report-view')
    const thread = page.locator('#report-thread > li')
    await expect.poll(() => thread.count(), { timeout: 60_000 }).toBe(1)
    const text = (await thread.nth(0).textContent()) ?? ''
    for (const value of [canary.what, canary.where, canary.targeted, 'témoignage.pdf', 'application/pdf'])
      expect(text).toContain(value)
    expect(text).toMatch(/Log entry \d+/)
    expect(await page.textContent('#report-meta')).toContain('Written in English')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      thread.nth(0).locator('.attachments button').click(),
    ])
    const saved = join(filesDir, 'downloaded')
    await download.saveAs(saved)
    expect(download.suggestedFilename()).toBe('témoignage.pdf')
    expect(sha256(readFileSync(saved))).toBe(sha256(readFileSync(evidencePath)))

    await page.fill('#reply', canary.reply)
    await page.click('#reply-form button')
    await expect.poll(() => thread.count(), { timeout: 60_000 }).toBe(2)
    expect(await thread.nth(1).textContent()).toContain(canary.reply)
    expect(await thread.nth(1).locator('h2').textContent()).toBe('Reply from the organisation')
    expect(await page.textContent('#status')).toMatch(/Reply sent and recorded as log entry \d+/)

    // The report's receipt, once a checkpoint covers it, checks offline with the log's key.
    let receiptFile = ''
    for (let attempt = 0; attempt < 20 && !receiptFile; attempt++) {
      const downloaded = page.waitForEvent('download', { timeout: 3000 }).catch(() => null)
      await thread.nth(0).locator('.log-status button').click()
      const receipt = await downloaded
      if (receipt) {
        receiptFile = join(filesDir, 'receipt.txt')
        await receipt.saveAs(receiptFile)
      }
    }
    expect(receiptFile).not.toBe('')
    const verified = execFileSync(VIGIL_CLI, ['log', 'verify-receipt', receiptFile, '--key', instance.verifierKey], {
      encoding: 'utf8',
    })
    expect(verified).toContain('e2e.example/vigil')
    await expectNoViolations(page)
    await screenshot(page, 'staff-report-en')
  }, 180_000)

  it('the reporter reads the reply on the follow-up page and answers; the inbox says so', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/follow-up?lang=en')
    await page.fill('#passphrase', passphrase)
    await page.click('#open-form button')
    const thread = page.locator('#thread > li')
    await expect.poll(() => thread.count(), { timeout: 60_000 }).toBe(2)
    expect(await thread.nth(1).textContent()).toContain(canary.reply)
    await page.fill('#message', canary.followUp)
    await page.click('#message-form button')
    await expect.poll(() => thread.count(), { timeout: 60_000 }).toBe(3)
    await page.close()

    await staffPage.click('a[href="#/inbox"]')
    await visible(staffPage, 'inbox-view')
    await staffPage.click('#refresh')
    await expect.poll(() => row(staffPage).locator('.unread').textContent(), { timeout: 60_000 }).toBe('1 new')
  }, 120_000)

  it('signs out, and signs in again in Arabic, right to left', async () => {
    const page = staffPage
    await page.click('#sign-out')
    await visible(page, 'signin-view')
    expect(await page.textContent('#status')).toContain('Signed out')
    expect(await page.locator('#inbox-rows tr').count()).toBe(0)
    await open(page, '/staff?lang=ar')
    await visible(page, 'signin-view')
    expect(await page.getAttribute('html', 'dir')).toBe('rtl')
    await signInThroughPage(page)
    await visible(page, 'inbox-view')
    await expect.poll(() => row(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('open')
    expect(await row(page).locator('a').textContent()).toBe(canary.what)
    expect(await row(page).locator('.unread.has-unread').count()).toBe(1)
    await expectNoViolations(page)
    await screenshot(page, 'staff-inbox-ar')
    await row(page).locator('a').click()
    await visible(page, 'report-view')
    await expect.poll(() => page.locator('#report-thread > li').count(), { timeout: 60_000 }).toBe(3)
    expect(await page.locator('#report-thread > li').nth(2).textContent()).toContain(canary.followUp)
    await expectNoViolations(page)
    await screenshot(page, 'staff-report-ar')
  }, 180_000)

  it('after a change of language, unlocks with the passphrase alone, every view accessible', async () => {
    const page = staffPage
    for (const lang of ['fr', 'es', 'en'] as const) {
      await open(page, `/staff?lang=${lang}`)
      // Still signed in, but the keys were in the old page's memory only.
      await visible(page, 'unlock-view')
      await expectNoViolations(page)
      await page.fill('#unlock-passphrase', admin.passphrase)
      await page.click('#unlock-form button')
      await visible(page, 'inbox-view')
      await expect.poll(() => row(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('open')
      expect(await row(page).locator('a').textContent()).toBe(canary.what)
      await expectNoViolations(page)
      await row(page).locator('a').click()
      await visible(page, 'report-view')
      await expect.poll(() => page.locator('#report-thread > li').count(), { timeout: 60_000 }).toBe(3)
      await expectNoViolations(page)
    }
    // A wrong passphrase does not unlock.
    await open(page, '/staff?lang=en')
    await visible(page, 'unlock-view')
    await page.fill('#unlock-passphrase', 'wrong wrong wrong wrong wrong wrong')
    await page.click('#unlock-form button')
    await expect.poll(() => page.textContent('#error'), { timeout: 60_000 }).toContain('does not open your keys')
  }, 180_000)

  it('goes back to sign-in when the session ends on the server', async () => {
    const page = staffPage
    await page.fill('#unlock-passphrase', admin.passphrase)
    await page.click('#unlock-form button')
    await visible(page, 'inbox-view')
    const cookie = (await context.cookies(instance.origin)).find((c) => c.name === 'vigil_session')
    expect(cookie?.httpOnly).toBe(true)
    const ended = await instance.fetch('/v1/sessions/current', {
      method: 'DELETE',
      headers: { Cookie: `${cookie!.name}=${cookie!.value}` },
    })
    expect(ended.status).toBe(204)
    await page.click('#refresh')
    await visible(page, 'signin-view')
    expect(await page.textContent('#error')).toContain('Your session has ended')
    expect(await page.locator('#inbox-rows tr').count()).toBe(0)
  }, 60_000)

  it('without WebAssembly (Tor Browser, \u201cSafer\u201d) says so and offers no sign-in', async () => {
    const noWasm = await browser.newContext({ locale: 'es-ES' })
    recorder.watch(noWasm)
    await noWasm.addInitScript(() => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly
    })
    const page = await newPage(noWasm, recorder)
    await open(page, '/staff')
    expect(await page.getAttribute('html', 'lang')).toBe('es')
    expect(await page.isVisible('#wasm-notice')).toBe(true)
    expect(await page.isDisabled('#signin-form button')).toBe(true)
    await expectNoViolations(page)
    await noWasm.close()
  })

  it('met no policy violation, no other origin and no script error', () => {
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
  })

  it('left no plaintext canary in the data directory or the server log', async () => {
    await instance.stop()
    const needles = [
      ...Object.values(canary).map((c) => Buffer.from(c)),
      readFileSync(evidencePath),
      Buffer.from(passphrase),
      Buffer.from(admin.passphrase),
    ]
    const { found, scanned } = findPlaintext(instance.dir, needles)
    expect(scanned).toBeGreaterThan(10_000)
    expect(instance.serverLog()).toContain('"route":"/v1/reports/{id}/messages"')
    expect(found).toEqual([])
  }, 60_000)
})
