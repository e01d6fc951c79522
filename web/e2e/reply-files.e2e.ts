// A coordinator's reply with files, end to end in Debian's headless Chromium against a real
// vigild:
// - the reply form takes several files, lists their names and sizes, lets one be removed, says
//   the instance's limit, and warns about hidden metadata; axe finds nothing serious in any of
//   the four languages; screenshots in English and Arabic;
// - the file is encrypted and uploaded with tus (a dropped PATCH resumes), the reply names it,
//   and the staff view shows and downloads it decrypted;
// - a file over the limit the instance announces, and an upload that expires, send nothing and
//   say so; sending again works;
// - the reporter, on the follow-up page, downloads the file decrypted, byte for byte the
//   original; its canary bytes are nowhere in the data directory.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPage, screenshot, seriousViolations } from './browser'
import { findPlaintext, openPage, sendReport, sha256, startStaffWorld, stopStaffWorld, type StaffWorld } from './helpers'

const tag = randomBytes(8).toString('hex')
const canary = {
  what: `canary-replyfiles-what-${tag}`,
  file: `VIGIL-REPLY-FILE-CANARY-${tag}`,
  reply: `canary-replyfiles-reply-${tag} here is the referral letter`,
  retry: `canary-replyfiles-retry-${tag}`,
}
const filesDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-replyfiles-'))
// The coordinator's document, with the canary on every line.
const letterPath = join(filesDir, 'lettre de référence.pdf')
const extraPath = join(filesDir, 'not-this-one.txt')
let world: StaffWorld
let passphrase = ''
let reportId = ''
let staffPage: Page

beforeAll(async () => {
  world = await startStaffWorld(letterPath, canary.file, 300)
  writeFileSync(extraPath, 'a file chosen by mistake\n')
}, 120_000)

afterAll(() => stopStaffWorld(world, filesDir))

async function visible(page: Page, view: string): Promise<void> {
  await page.waitForSelector(`#${view}:not([hidden])`, { timeout: 60_000 })
}

function thread(page: Page) {
  return page.locator('#report-thread > li')
}

// Opens the report view in `lang`: signs in on a fresh page, unlocks on a page whose session
// survives from before.
async function openReport(page: Page, lang: string, signIn: boolean): Promise<void> {
  await openPage(page, world.instance.origin, `/staff?lang=${lang}#/reports/${reportId}`)
  if (signIn) {
    await page.fill('#login-name', world.admin.loginName)
    await page.fill('#signin-passphrase', world.admin.passphrase)
    await page.fill('#totp-code', await world.admin.nextCode())
    await page.click('#signin-form button')
  } else {
    await visible(page, 'unlock-view')
    await page.fill('#unlock-passphrase', world.admin.passphrase)
    await page.click('#unlock-form button')
  }
  await visible(page, 'report-view')
  await expect.poll(() => thread(page).count(), { timeout: 60_000 }).toBeGreaterThan(0)
}

async function expectNoViolations(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([])
}

describe.sequential('replies with files', () => {
  it('a reporter sends a report', async () => {
    const page = await newPage(world.context, world.recorder)
    await openPage(page, world.instance.origin, '/report?lang=en')
    ;({ passphrase, reportId } = await sendReport(page, { what: canary.what }))
    expect(reportId).toMatch(/^[0-9a-f]{32}$/)
    await page.close()
  }, 120_000)

  it('a coordinator replies with a file: chosen, listed, one removed, a dropped upload resumed', async () => {
    staffPage = await newPage(world.context, world.recorder)
    const page = staffPage
    await openReport(page, 'en', true)
    await expect.poll(() => page.textContent('#reply-files-limit')).toMatch(/per file, 32 files at most/)
    expect(await page.textContent('#reply-files-warning')).toContain('hidden information')

    await page.setInputFiles('#reply-files', [letterPath, extraPath])
    const chosen = page.locator('#reply-file-list li')
    await expect.poll(() => chosen.count()).toBe(2)
    const size = readFileSync(letterPath).length
    // Names are isolated (FSI, PDI) in the list's text.
    const entry = async (i: number) => ((await chosen.nth(i).textContent()) ?? '').replace(/[\u2068\u2069]/g, '')
    expect(await entry(0)).toContain(`lettre de référence.pdf (${(size / 1000).toFixed(1)} KB)`)
    expect(await entry(1)).toContain('not-this-one.txt (25 B)')
    await page.getByRole('button', { name: 'Remove not-this-one.txt' }).click()
    await expect.poll(() => chosen.count()).toBe(1)
    await page.fill('#reply', canary.reply)
    await expectNoViolations(page)
    await screenshot(page, 'staff-reply-files-en')

    // The first PATCH is cut: tus asks the offset (HEAD) and goes on from there.
    let cut = false
    await page.route('**/v1/uploads/*', (route) => {
      if (!cut && route.request().method() === 'PATCH') {
        cut = true
        return route.abort('connectionreset')
      }
      return route.continue()
    })
    await page.click('#reply-send')
    await expect.poll(() => thread(page).count(), { timeout: 60_000 }).toBe(2)
    await page.unroute('**/v1/uploads/*')
    expect(cut).toBe(true)
    expect(world.recorder.requests.some((r) => r.method === 'HEAD' && r.url.includes('/v1/uploads/'))).toBe(true)
    expect(await page.textContent('#status')).toMatch(/Reply sent with 1 file and recorded as log entry \d+/)
    expect(await chosen.count()).toBe(0)

    // The staff view lists the reply's file like a report's and decrypts it on this device.
    const reply = thread(page).nth(1)
    expect(await reply.textContent()).toContain(canary.reply)
    expect(await reply.locator('.attachments .file-name').textContent()).toBe('lettre de référence.pdf')
    const [download] = await Promise.all([page.waitForEvent('download'), reply.locator('.attachments button').click()])
    const saved = join(filesDir, 'staff-download')
    await download.saveAs(saved)
    expect(sha256(readFileSync(saved))).toBe(sha256(readFileSync(letterPath)))
  }, 120_000)

  it('a file over the announced limit sends nothing, and says so (French)', async () => {
    const page = await newPage(world.context, world.recorder)
    // This instance announces a limit of 1,000 bytes (tus discovery).
    await page.route('**/v1/uploads', (route) =>
      route.request().method() === 'OPTIONS'
        ? route.fulfill({ status: 204, headers: { 'Tus-Resumable': '1.0.0', 'Tus-Max-Size': '1000' } })
        : route.continue(),
    )
    await openReport(page, 'fr', false)
    await expect.poll(() => page.textContent('#reply-files-limit')).toContain('Jusqu’à 1 KB par fichier')
    await page.setInputFiles('#reply-files', [letterPath, extraPath])
    await expect.poll(() => page.locator('#reply-file-list .file-problem').count()).toBe(1)
    await expectNoViolations(page)
    const uploadsBefore = world.recorder.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/v1/uploads')).length
    await page.fill('#reply', 'pas envoyé')
    await page.click('#reply-send')
    await expect.poll(() => page.textContent('#error')).toContain('Rien n’a été envoyé')
    const uploadsAfter = world.recorder.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/v1/uploads')).length
    expect(uploadsAfter).toBe(uploadsBefore)
    expect(await page.isHidden('#reply-file-progress')).toBe(true)
    expect(await thread(page).count()).toBe(2)
    await page.close()
  }, 120_000)

  it('an upload that expires sends nothing, and sending again works (Spanish)', async () => {
    const page = await newPage(world.context, world.recorder)
    await openReport(page, 'es', false)
    await page.setInputFiles('#reply-files', [extraPath])
    await expectNoViolations(page)
    await page.route('**/v1/uploads/*', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"not_found"}}' })
        : route.continue(),
    )
    await page.fill('#reply', canary.retry)
    await page.click('#reply-send')
    await expect.poll(() => page.textContent('#error'), { timeout: 30_000 }).toMatch(/no se envió nada/i)
    expect(await thread(page).count()).toBe(2)
    await page.unroute('**/v1/uploads/*')
    await page.click('#reply-send')
    await expect.poll(() => thread(page).count(), { timeout: 60_000 }).toBe(3)
    expect(await thread(page).nth(2).textContent()).toContain('not-this-one.txt')
    await page.close()
  }, 120_000)

  it('the reply form is right to left and accessible in Arabic', async () => {
    const page = staffPage
    await openReport(page, 'ar', false)
    expect(await page.getAttribute('html', 'dir')).toBe('rtl')
    await page.setInputFiles('#reply-files', [letterPath, extraPath])
    await expect.poll(() => page.locator('#reply-file-list li').count()).toBe(2)
    await expectNoViolations(page)
    await screenshot(page, 'staff-reply-files-ar')
  }, 120_000)

  it('the reporter downloads the file on the follow-up page, decrypted, byte for byte', async () => {
    const page = await newPage(world.context, world.recorder)
    await openPage(page, world.instance.origin, '/follow-up?lang=en')
    await page.fill('#passphrase', passphrase)
    await page.click('#open-form button')
    const messages = page.locator('#thread > li')
    await expect.poll(() => messages.count(), { timeout: 60_000 }).toBe(3)
    const reply = messages.nth(1)
    expect(await reply.textContent()).toContain(canary.reply)
    const button = reply.locator('.attachments button')
    expect(await button.textContent()).toContain('lettre de référence.pdf')
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
    expect(download.suggestedFilename()).toBe('lettre de référence.pdf')
    const saved = join(filesDir, 'reporter-download')
    await download.saveAs(saved)
    expect(sha256(readFileSync(saved))).toBe(sha256(readFileSync(letterPath)))
    await page.close()
  }, 120_000)

  it('met no policy violation, no other origin and no script error', () => {
    expect(world.recorder.cspViolations).toEqual([])
    expect(world.recorder.foreignRequests).toEqual([])
    expect(world.recorder.pageErrors).toEqual([])
  })

  it('left the file\u2019s canary bytes nowhere in the data directory', async () => {
    await world.instance.stop()
    const { found, scanned } = findPlaintext(world.instance.dir, [
      Buffer.from(canary.file),
      Buffer.from(canary.reply),
      Buffer.from(canary.retry),
    ])
    expect(scanned).toBeGreaterThan(10_000)
    expect(found).toEqual([])
  }, 60_000)
})
