// The reporter's side end to end, in Debian's headless Chromium against a real vigild:
// - every page in every language: the language and direction, axe-core, screenshots;
// - a report with two files in French, the 20 MB upload cut off and resumed; the organisation
//   decrypts it, both files and all, and replies;
// - the reporter follows up with the passphrase in Arabic (right to left): reads the reply,
//   downloads a file decrypted in the browser, adds information;
// - the same through the no-JavaScript form in Spanish with JavaScript disabled, then read back
//   on the follow-up page;
// and throughout: no Content-Security-Policy violation, no request to another origin, and the
// plaintext canaries nowhere in the data directory or the server's log.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, newPage, Recorder, screenshot, seriousViolations } from './browser'
import { findPlaintext, openPage, sendReport, sha256 } from './helpers'
import { execFileSync } from 'node:child_process'
import { Instance, VIGIL_CLI } from './instance'
import { Administrator } from './staff'

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const
const PAGES = ['/', '/report', '/follow-up', '/nojs/report']
const wordList = new Set(
  readFileSync(resolve(import.meta.dirname, '../../data/wordlists/eff_large_wordlist.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[1]),
)

const tag = randomBytes(8).toString('hex')
const canary = {
  what: `canary-what-${tag} they waited outside the office`,
  where: `canary-where-${tag}`,
  responsible: `canary-responsible-${tag}`,
  followUp: `canary-follow-up-${tag}`,
  nojs: `canary-nojs-${tag}`,
  smallFile: `VIGIL-FILE-CANARY-${tag}`,
  bigFile: `VIGIL-BIG-CANARY-${tag}`,
  nojsFile: `VIGIL-NOJS-FILE-CANARY-${tag}`,
  laterFile: `VIGIL-LATER-FILE-CANARY-${tag}`,
}
const reply = `The organisation read your report (${tag}).`

let instance: Instance
let admin: Administrator
let browser: Browser
let context: BrowserContext
let recorder: Recorder
const filesDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-files-'))
const smallPath = join(filesDir, 'statement-été.txt')
const bigPath = join(filesDir, 'video.bin')
const nojsPath = join(filesDir, 'photo.jpg')
const laterPath = join(filesDir, 'later-évidence.pdf')
let bigSample: Buffer
let passphrase = ''
let reportId = ''
let nojsPassphrase = ''

beforeAll(async () => {
  writeFileSync(smallPath, `${canary.smallFile}\nA short statement.\n`.repeat(50))
  const big = randomBytes(20 * 1024 * 1024)
  for (const at of [0, 7 * 1024 * 1024, big.length - 100]) big.write(canary.bigFile, at)
  bigSample = Buffer.from(big.subarray(12345678, 12345678 + 64))
  writeFileSync(bigPath, big)
  writeFileSync(laterPath, `%PDF-1.4 ${canary.laterFile}\n`.repeat(200))
  writeFileSync(nojsPath, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(canary.nojsFile)]))
  instance = await Instance.start()
  admin = await Administrator.enrol(instance)
  await admin.signIn()
  browser = await launch()
  recorder = new Recorder(instance.origin)
  context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' })
  recorder.watch(context)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await instance?.remove()
  rmSync(filesDir, { recursive: true, force: true })
})

// Opens the thread of the passphrase typed on the follow-up page; fails with the page's error.
async function openThread(page: Page): Promise<void> {
  await page.click('#open-form button')
  await page.waitForSelector('#thread-section:not([hidden]), #error:not(:empty)', { timeout: 60_000 })
  expect(await page.textContent('#error')).toBe('')
}

async function open(page: Page, path: string): Promise<void> {
  await openPage(page, instance.origin, path)
}

describe.sequential('reporter', () => {
  it('notices a policy violation, so that finding none means something', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/?lang=en')
    await page.evaluate(() => {
      const img = document.createElement('img')
      img.src = 'https://elsewhere.invalid/pixel.png'
      document.body.append(img)
    })
    // Both the browser's console report and the page's violation event, and the attempt to
    // reach another origin, even though the policy stopped it.
    await expect.poll(() => recorder.cspViolations.length).toBe(2)
    expect(recorder.cspViolations.join('\n')).toContain("img-src 'self'")
    expect(recorder.foreignRequests).toEqual(['https://elsewhere.invalid/pixel.png'])
    recorder.cspViolations.length = 0
    recorder.foreignRequests.length = 0
    await page.close()
  })

  it('serves every page in every language, accessible, right to left in Arabic', async () => {
    const page = await newPage(context, recorder)
    const violations: string[] = []
    for (const lang of LANGUAGES) {
      for (const path of PAGES) {
        await open(page, `${path}?lang=${lang}`)
        expect(await page.getAttribute('html', 'lang'), path).toBe(lang)
        expect(await page.getAttribute('html', 'dir'), path).toBe(lang === 'ar' ? 'rtl' : 'ltr')
        // Every text was filled from the catalogue: no element still shows a message key.
        const keys = await page.$$eval('[data-i18n]', (els) =>
          els.filter((e) => e.textContent === (e as HTMLElement).dataset.i18n || e.textContent === '').length,
        )
        expect(keys, `${path}?lang=${lang} has untranslated elements`).toBe(0)
        violations.push(...(await seriousViolations(page)))
        if (lang === 'en' || lang === 'ar') {
          const name = path === '/' ? 'landing' : path.replace(/^\//, '').replace('/', '-')
          await screenshot(page, `${name}-${lang}`)
        }
      }
    }
    expect(violations).toEqual([])
    await page.close()
  }, 300_000)

  it('sends a report with two files in French, the 20 MB upload cut off and resumed', async () => {
    const page = await newPage(context, recorder)
    let patches = 0
    let cut = ''
    await page.route('**/v1/uploads/*', async (route) => {
      const request = route.request()
      if (request.method() === 'PATCH' && ++patches === 3) {
        // The second request of the big file (the first is the small file's only one).
        cut = request.url()
        await route.abort('connectionreset')
        return
      }
      await route.continue()
    })
    await open(page, '/report?lang=fr')
    await page.selectOption('#where_precision', 'city')
    await page.setInputFiles('#files', [smallPath, bigPath])
    expect(await page.locator('#file-list progress').count()).toBe(2)
    ;({ passphrase, reportId } = await sendReport(page, {
      what: canary.what,
      when: 'mars 2026',
      where: canary.where,
      responsible: canary.responsible,
    }))
    const words = passphrase.split(' ')
    expect(words).toHaveLength(8)
    for (const w of words) expect(wordList.has(w), w).toBe(true)
    expect(reportId).not.toBe('')
    // The signed receipt, saved from the page, checks offline with the log's public key alone.
    const [receipt] = await Promise.all([page.waitForEvent('download'), page.click('#save-receipt')])
    const receiptFile = join(filesDir, 'receipt.txt')
    await receipt.saveAs(receiptFile)
    const verified = execFileSync(VIGIL_CLI, ['log', 'verify-receipt', receiptFile, '--key', instance.verifierKey], {
      encoding: 'utf8',
    })
    expect(verified).toContain('e2e.example/vigil')
    // Argon2id ran in its worker, not on the page's thread.
    expect(recorder.requests.some((r) => /\/assets\/argon2-worker-[^/]*\.js$/.test(r.url))).toBe(true)
    await screenshot(page, 'report-done-fr')
    expect(await seriousViolations(page)).toEqual([])
    // The cut request was followed by an offset check (HEAD) and more data for the same upload.
    expect(cut).not.toBe('')
    const after = recorder.requests.slice(recorder.requests.findIndex((r) => r.method === 'PATCH' && r.url === cut) + 1)
    expect(after.some((r) => r.method === 'HEAD' && r.url === cut)).toBe(true)
    expect(after.some((r) => r.method === 'PATCH' && r.url === cut)).toBe(true)
    await page.close()
  }, 300_000)

  it('is decrypted by the organisation, files and all, which replies', async () => {
    const view = await admin.report(reportId)
    expect(view.messages).toHaveLength(1)
    const message = view.messages[0]
    const content = JSON.parse(
      new TextDecoder().decode(await admin.decrypt(`/v1/reports/${reportId}/messages/${message.id}`)),
    )
    expect(content).toMatchObject({
      format: 'vigil-report/v1',
      language: 'fr',
      submitted_via: 'web',
      fields: {
        what: canary.what,
        when: 'mars 2026',
        where: `${canary.where} (précision : Ville ou localité)`,
        responsible: canary.responsible,
      },
    })
    expect(content.attachments.map((a: { name: string }) => a.name)).toEqual(['statement-été.txt', 'video.bin'])
    // The i-th file named in the content is the i-th attachment of the message.
    expect(message.attachments).toHaveLength(2)
    for (const [i, path] of [smallPath, bigPath].entries()) {
      const plain = await admin.decrypt(`/v1/reports/${reportId}/attachments/${message.attachments[i].id}`)
      expect(sha256(plain)).toBe(sha256(readFileSync(path)))
      expect(content.attachments[i].size).toBe(statSync(path).size)
    }
    await admin.reply(reportId, view.reporter_recipient, reply)
  }, 120_000)

  it('follows up with the passphrase in Arabic, right to left', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/follow-up?lang=ar')
    expect(await page.getAttribute('html', 'dir')).toBe('rtl')
    // Capitals and extra spaces, as someone copying from paper might type it.
    await page.fill('#passphrase', `  ${passphrase.toUpperCase().replace(/ /g, '   ')} `)
    await openThread(page)
    const thread = page.locator('#thread > li')
    await expect.poll(() => thread.count()).toBe(2)
    expect(await thread.nth(0).textContent()).toContain(canary.what)
    expect(await thread.nth(1).textContent()).toContain(reply)
    expect(await page.inputValue('#passphrase')).toBe('')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      thread.nth(0).locator('.attachments button').first().click(),
    ])
    const saved = join(filesDir, 'downloaded')
    await download.saveAs(saved)
    expect(sha256(readFileSync(saved))).toBe(sha256(readFileSync(smallPath)))
    expect(download.suggestedFilename()).toBe('statement-été.txt')
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'follow-up-thread-ar')
    await page.fill('#message', canary.followUp)
    await page.setInputFiles('#message-files', laterPath)
    await page.click('#message-form button')
    await expect.poll(() => thread.count(), { timeout: 60_000 }).toBe(3)
    expect(await thread.nth(2).textContent()).toContain(canary.followUp)
    expect(await thread.nth(2).textContent()).toContain('later-évidence.pdf')
    await page.close()
    const view = await admin.report(reportId)
    expect(view.messages.map((m: { kind: string }) => m.kind)).toEqual(['report', 'reply', 'follow_up'])
    const added = JSON.parse(
      new TextDecoder().decode(await admin.decrypt(`/v1/reports/${reportId}/messages/${view.messages[2].id}`)),
    )
    expect(added.fields).toEqual({ what: canary.followUp })
    expect(added.language).toBe('ar')
    expect(added.attachments.map((a: { name: string }) => a.name)).toEqual(['later-évidence.pdf'])
    const later = await admin.decrypt(`/v1/reports/${reportId}/attachments/${view.messages[2].attachments[0].id}`)
    expect(sha256(later)).toBe(sha256(readFileSync(laterPath)))
  }, 120_000)

  it('refuses a wrong passphrase without revealing anything', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/follow-up?lang=en')
    await page.fill('#passphrase', 'abacus abacus abacus abacus abacus abacus abacus abacus')
    await page.click('#open-form button')
    await expect.poll(() => page.textContent('#error'), { timeout: 60_000 }).toContain('No report matches')
    expect(await page.isHidden('#thread-section')).toBe(true)
    await page.close()
  }, 120_000)

  it('takes the same report through the no-JavaScript form in Spanish, JavaScript disabled', async () => {
    const nojs = await browser.newContext({ javaScriptEnabled: false, locale: 'es-ES' })
    recorder.watch(nojs)
    const page = await newPage(nojs, recorder)
    // The web client's page without JavaScript offers the form that needs none.
    await page.goto(instance.origin + '/report?lang=es')
    await Promise.all([page.waitForURL(/\/nojs\/report\?lang=es$/), page.click('a[href="/nojs/report?lang=es"]')])
    expect(await page.getAttribute('html', 'lang')).toBe('es')
    await page.fill('#what', canary.nojs)
    await page.fill('#where', canary.where)
    await page.setInputFiles('#files', nojsPath)
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')])
    await page.waitForSelector('.passphrase strong')
    nojsPassphrase = (await page.textContent('.passphrase strong')) ?? ''
    expect(nojsPassphrase.split(' ')).toHaveLength(8)
    await screenshot(page, 'nojs-done-es')
    await nojs.close()

    // Read back on the web client: the server-side encryption opens with the same derivations.
    const web = await newPage(context, recorder)
    await open(web, '/follow-up?lang=es')
    await web.fill('#passphrase', nojsPassphrase)
    await openThread(web)
    const text = (await web.textContent('#thread')) ?? ''
    expect(text).toContain(canary.nojs)
    expect(text).toContain('photo.jpg')
    await web.close()
  }, 180_000)

  it('sends a browser without WebAssembly (Tor Browser, \u201cSafer\u201d) to the no-JavaScript form', async () => {
    const noWasm = await browser.newContext({ locale: 'fr-FR' })
    recorder.watch(noWasm)
    await noWasm.addInitScript(() => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly
    })
    const page = await newPage(noWasm, recorder)
    for (const [path, button] of [['/report', '#submit'], ['/follow-up', '#open-form button']]) {
      await open(page, path)
      expect(await page.isVisible('#wasm-notice'), path).toBe(true)
      expect(await page.getAttribute('#wasm-notice a', 'href')).toBe('/nojs/report?lang=fr')
      expect(await page.isDisabled(button), path).toBe(true)
      expect(await seriousViolations(page)).toEqual([])
    }
    await noWasm.close()
  })

  it('met no policy violation, no other origin and no script error', () => {
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
    expect(recorder.requests.length).toBeGreaterThan(50)
  })

  it('left no plaintext canary in the data directory or the server log', async () => {
    await instance.stop()
    const needles = [
      ...Object.values(canary).map((c) => Buffer.from(c)),
      bigSample,
      Buffer.from(passphrase),
      Buffer.from(nojsPassphrase),
    ]
    const { found, scanned } = findPlaintext(instance.dir, needles)
    expect(scanned).toBeGreaterThan(20 * 1024 * 1024)
    expect(instance.serverLog()).toContain('"route":"/v1/uploads/{id}"')
    expect(found).toEqual([])
  }, 120_000)
})
