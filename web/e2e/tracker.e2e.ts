// The State cooperation tracker end to end (issue 8), in Debian's headless Chromium against a
// real vigild:
// - every tracker page and the statistics page in every language: language and direction,
//   no untranslated text, axe-core; screenshots of the table, the map and a State page in
//   English and Arabic;
// - the headline counts on the page equal those computed here from data/tracker/*.csv;
// - the table's filters and sort, the map's colours changing with the indicator and its table
//   alternative, a State page with its timeline and sources, and a State with a missing value
//   showing "unknown", in English and Arabic;
// - the staff sign-in on the editor page, an edit with its source appearing in the public
//   history and on the State's page, a CSV and a JSON import, sign-out; without WebAssembly
//   the editor page says why it cannot sign in; a published table on the statistics page with a receipt that verifies;
// and throughout: no Content-Security-Policy violation, no request to another origin.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatCsv, parseCsv } from '../src/tracker/csv'
import { expectedHeadline, readCsv } from '../test/tracker-data'
import { launch, newPage, Recorder, screenshot, seriousViolations, waitReady } from './browser'
import { Instance, VIGIL_CLI } from './instance'
import { Administrator } from './staff'

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const
const PAGES = ['/tracker', '/tracker/map', '/tracker/state?iso3=FRA', '/tracker/changes', '/statistics', '/tracker/edit']
const SHOTS: Record<string, string> = { '/tracker': 'tracker', '/tracker/map': 'tracker-map', '/tracker/state?iso3=FRA': 'tracker-state' }
const expected = expectedHeadline()
const states = readCsv('states_parties.csv')
const apic = readCsv('apic.csv')

let instance: Instance
let admin: Administrator
let browser: Browser
let context: BrowserContext
let recorder: Recorder
const filesDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-tracker-'))

beforeAll(async () => {
  instance = await Instance.start()
  admin = await Administrator.enrol(instance)
  browser = await launch()
  recorder = new Recorder(instance.origin)
  context = await browser.newContext({ locale: 'en-GB' })
  recorder.watch(context)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await instance?.remove()
  rmSync(filesDir, { recursive: true, force: true })
})

async function open(page: Page, path: string, lang: string): Promise<void> {
  await page.goto(`${instance.origin}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`)
  await waitReady(page)
}

async function cookieHeader(): Promise<string> {
  return (await context.cookies(instance.origin)).map((c) => `${c.name}=${c.value}`).join('; ')
}

const rowCount = (page: Page, selector: string) => page.$$eval(selector, (rows) => rows.length)

describe.sequential('tracker', () => {
  it('serves every page in every language, accessible, right to left in Arabic', async () => {
    const page = await newPage(context, recorder)
    const violations: string[] = []
    for (const lang of LANGUAGES) {
      for (const path of PAGES) {
        // axe takes seconds over the whole table of States (its colour-contrast rule, cell by
        // cell): Arabic checks every row, the other languages the same table with one regional
        // group's rows (the English screenshot of the whole table is taken in the flows below).
        const shown = path === '/tracker' && lang !== 'ar' ? `${path}?region=Eastern+European+States` : path
        await open(page, shown, lang)
        expect(await page.getAttribute('html', 'lang'), path).toBe(lang)
        expect(await page.getAttribute('html', 'dir'), path).toBe(lang === 'ar' ? 'rtl' : 'ltr')
        const untranslated = await page.$$eval('[data-i18n]', (els) =>
          els.filter((e) => e.textContent === (e as HTMLElement).dataset.i18n || e.textContent === '').length,
        )
        expect(untranslated, `${path}?lang=${lang} has untranslated elements`).toBe(0)
        expect(await page.textContent('#error'), `${path}?lang=${lang}`).toBe('')
        violations.push(...(await seriousViolations(page)))
        if (SHOTS[path] && (lang === 'ar' || (lang === 'en' && path !== '/tracker'))) await screenshot(page, `${SHOTS[path]}-${lang}`)
      }
    }
    expect(violations).toEqual([])
    await page.close()
  }, 240_000)

  it('shows the headline counts of the data files, saying how much is confirmed', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/tracker', 'en')
    await screenshot(page, 'tracker-en')
    const headline = (await page.$$eval('#headline li', (items) => items.map((i) => i.textContent ?? ''))).join('\n')
    expect(headline).toContain(`${expected.statesParties} States Parties to the Rome Statute`)
    expect(headline).toContain(`Ratification date confirmed for ${expected.ratificationDatesKnown} of ${expected.statesParties}`)
    expect(headline).toContain(`${expected.apicListed} confirmed of about 79 APIC parties`)
    expect(headline).toContain(`APIC ratification confirmed for ${expected.apicListedParties} of ${expected.statesParties}`)
    expect(headline).toContain(
      `${expected.apicDatesRead} read from a source, ${expected.apicDatesDerived} derived, ${expected.apicDatesUnknown} unknown`,
    )
    for (const s of expected.statements) expect(headline).toContain(`${s.listed} signatories listed of ${s.reported} reported`)
    await open(page, '/tracker', 'ar')
    const arabic = await page.textContent('#headline')
    expect(arabic).toContain(`${expected.apicListed} مؤكدة من أصل نحو 79`)
    await page.close()
  })

  for (const lang of ['en', 'ar'] as const) {
    it(`filters and sorts the table (${lang})`, async () => {
      const page = await newPage(context, recorder)
      await open(page, '/tracker', lang)
      expect(await rowCount(page, '#states-body tr')).toBe(states.length)
      await page.selectOption('#filter-region', 'African States')
      expect(await rowCount(page, '#states-body tr')).toBe(states.filter((s) => s.region === 'African States').length)
      await page.selectOption('#filter-region', '')
      await page.selectOption('#filter-indicator', 'apic')
      await page.selectOption('#filter-category', 'party')
      expect(await rowCount(page, '#states-body tr')).toBe(apic.filter((a) => states.some((s) => s.iso3 === a.iso3)).length)
      expect(page.url()).toContain('indicator=apic')
      await page.selectOption('#filter-indicator', '')
      await page.fill('#filter-text', 'FRA')
      expect(await page.$$eval('#states-body tr', (rows) => rows.map((r) => r.getAttribute('data-iso3')))).toEqual(['FRA'])
      await page.fill('#filter-text', '')
      // Newest ratification first, then oldest first; States of unknown date last either way.
      const ratification = page.locator('th[data-sort=ratification] button')
      await ratification.click()
      await ratification.click()
      expect(await page.getAttribute('th[data-sort=ratification]', 'aria-sort')).toBe('descending')
      const dated = states.filter((s) => s.ratification_date).sort((a, b) => a.ratification_date.localeCompare(b.ratification_date))
      const first = await page.getAttribute('#states-body tr:first-child', 'data-iso3')
      expect(dated.at(-1)!.ratification_date).toBe(states.find((s) => s.iso3 === first)!.ratification_date)
      const last = await page.getAttribute('#states-body tr:last-child', 'data-iso3')
      expect(states.find((s) => s.iso3 === last)!.ratification_date).toBe('')
      await ratification.click()
      expect(await page.getAttribute('th[data-sort=ratification]', 'aria-sort')).toBe('ascending')
      expect(await page.getAttribute('#states-body tr:first-child', 'data-iso3')).toBe(dated[0].iso3)
      await page.close()
    })

    it(`colours the map by the chosen indicator, with a legend and a table alternative (${lang})`, async () => {
      const page = await newPage(context, recorder)
      await open(page, '/tracker/map', lang)
      expect(await rowCount(page, '#map svg path')).toBeGreaterThan(150)
      // The atlas came from this origin.
      expect(recorder.requests.some((r) => r.url.startsWith(`${instance.origin}/assets/countries-110m-`))).toBe(true)
      const afg = '#map path[data-iso3=AFG]'
      expect(await page.getAttribute(afg, 'class')).toBe('map-rome-statute-0')
      expect(await page.getAttribute('#map path[data-iso3=USA]', 'class')).toBe('map-none')
      expect(await rowCount(page, '#map-table-body tr')).toBe(states.length)
      expect(await rowCount(page, '#legend li')).toBe(4)
      await page.check('input[name=indicator][value=apic]')
      expect(await page.getAttribute(afg, 'class')).toBe('map-none')
      expect(await page.getAttribute('#map path[data-iso3=FRA]', 'class')).toBe('map-apic-0')
      expect(await page.getAttribute('#map-table-body tr[data-iso3=AFG]', 'data-category')).toBe('not_listed')
      expect(await rowCount(page, '#legend li')).toBe(2)
      await page.check('input[name=indicator][value=statements]')
      expect(await page.getAttribute(afg, 'class')).toBe('map-statements-0')
      expect(await page.textContent('#map title')).not.toBe('')
      await page.close()
    })

    it(`shows a State's timeline with its sources, and a missing value as unknown (${lang})`, async () => {
      const page = await newPage(context, recorder)
      const unknownWord = lang === 'ar' ? 'غير معروف' : 'unknown'
      await open(page, '/tracker/state?iso3=FRA', lang)
      expect(await rowCount(page, '#timeline li')).toBeGreaterThanOrEqual(4)
      const links = await page.$$eval('#timeline a.source-link', (as) => as.map((a) => (a as HTMLAnchorElement).href))
      expect(links.length).toBeGreaterThan(0)
      expect(links.every((l) => l.startsWith('http'))).toBe(true)
      // Entry into force is computed (Rome Statute art. 126): marked as derived.
      expect(await page.textContent('#timeline li[data-event=rome_statute_entry_into_force] .derived')).not.toBe('')
      expect(await page.textContent('#facts-body tr[data-fact=apic_ratification] .fact')).toBe(unknownWord)
      await open(page, `/tracker/state?iso3=${expected.missingRatification}`, lang)
      expect(await page.textContent('#facts-body tr[data-fact=ratification] .fact')).toBe(unknownWord)
      expect(await page.getAttribute('#facts-body tr[data-fact=ratification] .fact', 'class')).toContain('unknown')
      expect(await page.textContent('#timeline li:last-child .date')).toBe(lang === 'ar' ? 'التاريخ غير معروف' : 'date unknown')
      await page.close()
    })
  }

  it('records an edit with its source made on the editor page, shown in the public history', async () => {
    const page = await newPage(context, recorder)
    const iso3 = expected.missingRatification
    const source = 'https://treaties.un.org/ e2e source for the ratification date'
    // The staff sign-in on the page, in Arabic: the login secret derived in the browser.
    await open(page, '/tracker/edit', 'ar')
    expect(await page.isVisible('#signin')).toBe(true)
    expect(await page.isVisible('#editor')).toBe(false)
    await page.fill('#login-name', admin.loginName)
    await page.fill('#signin-passphrase', admin.passphrase)
    await page.fill('#totp-code', await admin.nextCode())
    await page.click('#signin-form button[type=submit]')
    await page.waitForSelector('#editor:not([hidden])', { timeout: 60_000 })
    expect(await page.inputValue('#signin-passphrase')).toBe('')
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'tracker-edit-ar')
    await open(page, '/tracker/edit', 'en')
    expect(await page.isVisible('#editor')).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await page.selectOption('#edit-state', iso3)
    await page.selectOption('#edit-field', 'ratification_date')
    expect(await page.textContent('#edit-current')).toContain('unknown')
    await page.fill('#edit-value', '2005-05-12')
    // No source, no change: the browser holds the form back.
    await page.click('#edit-form button[type=submit]')
    expect(await page.$eval('#edit-source', (el) => (el as HTMLTextAreaElement).validity.valueMissing)).toBe(true)
    expect(recorder.requests.some((r) => r.method === 'POST' && r.url.includes('/edits'))).toBe(false)
    await page.fill('#edit-source', source)
    await page.click('#edit-form button[type=submit]')
    await page.waitForFunction(() => /log index \d+/.test(document.getElementById('edit-status')?.textContent ?? ''))
    expect(await page.textContent('#edit-current')).toContain('2005')

    for (const lang of ['en', 'ar']) {
      await open(page, '/tracker/changes', lang)
      expect(await page.getAttribute('#changes-body tr', 'data-iso3')).toBe(iso3)
      expect(await page.textContent('#changes-body tr')).toContain('2005-05-12')
      expect(await page.getAttribute('#changes-body tr a.source-link', 'href')).toBe('https://treaties.un.org/')
      await open(page, `/tracker/state?iso3=${iso3}`, lang)
      expect(await page.textContent('#facts-body tr[data-fact=ratification] .fact')).not.toContain(lang === 'ar' ? 'غير معروف' : 'unknown')
      expect(await rowCount(page, '#history > li')).toBe(1)
    }
    await open(page, '/tracker', 'en')
    expect(await page.textContent('#headline')).toContain(
      `Ratification date confirmed for ${expected.ratificationDatesKnown + 1} of ${expected.statesParties}`,
    )
    await page.close()
  })

  it('imports a CSV and a JSON file on the editor page: a changed value with its new source is one change', async () => {
    const table = parseCsv(await (await instance.fetch('/v1/tracker/export?format=csv')).text())
    const row = table.rows.find((r) => r.iso3 === 'ISL')!
    row.blocking_measures = 'Statement of protective measures (e2e)'
    row.blocking_measures_source = 'https://example.org/e2e-blocking-measures'
    const csvFile = join(filesDir, 'states.csv')
    writeFileSync(csvFile, formatCsv(table))
    const page = await newPage(context, recorder)
    await open(page, '/tracker/edit', 'en')
    const importFile = async (file: string, expectedStatus: string) => {
      await page.setInputFiles('#import-file', file)
      await page.click('#import-form button[type=submit]')
      await page.waitForFunction(() => /recorded|change|not imported/i.test(document.getElementById('import-status')?.textContent ?? ''))
      expect(await page.textContent('#import-status')).toBe(expectedStatus)
    }
    await importFile(csvFile, 'One change recorded.')
    // The JSON export, one finding added with its source, imported back.
    const exported = await (await instance.fetch('/v1/tracker/export?format=json')).json()
    const kenya = exported.states.find((s: { iso3: string }) => s.iso3 === 'KEN')
    kenya.non_cooperation_findings = { value: 'Finding of non-cooperation (e2e)', known: true, derived: false, source: 'https://example.org/e2e-finding' }
    const jsonFile = join(filesDir, 'states.json')
    writeFileSync(jsonFile, JSON.stringify(exported))
    await importFile(jsonFile, 'One change recorded.')
    await open(page, '/tracker?q=ISL', 'en')
    expect(await page.textContent('#states-body tr[data-iso3=ISL]')).toContain('Statement of protective measures (e2e)')
    await open(page, '/tracker/changes', 'en')
    expect(await page.textContent('#changes-body tr:last-child')).toContain('Finding of non-cooperation (e2e)')
    expect(await page.getAttribute('#changes-body tr:last-child a.source-link', 'href')).toBe('https://example.org/e2e-finding')
    await page.close()
  })

  it('shows a published table with a receipt that verifies offline', async () => {
    const document = {
      format: 'vigil-statistics/v1',
      title: 'Incidents by type, e2e',
      k: 5,
      rows: ['threats', 'surveillance'],
      columns: ['Q1', 'Q2'],
      cells: [[10, 6], [7, 8]],
      row_totals: [16, 15],
      column_totals: [17, 14],
      total: 31,
    }
    // The session the editor page signed in with (the cookie is HttpOnly: no script reads it).
    const session = (await context.cookies(instance.origin)).find((c) => c.name === 'vigil_session')!
    expect(session.httpOnly).toBe(true)
    const published = await instance.fetch('/v1/statistics', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `${session.name}=${session.value}` },
      body: JSON.stringify(document),
    })
    expect(published.status, await published.clone().text()).toBe(201)
    const page = await newPage(context, recorder)
    await open(page, '/statistics', 'ar')
    expect(await page.textContent('.publication h2')).toBe('Incidents by type, e2e')
    expect(await rowCount(page, '.publication tbody tr')).toBe(3)
    expect(await seriousViolations(page)).toEqual([])
    const href = await page.getAttribute('.publication a[download]', 'href')
    let receipt = await instance.fetch(href!)
    for (let i = 0; i < 20 && receipt.status === 409; i++) {
      await new Promise((ok) => setTimeout(ok, 500))
      receipt = await instance.fetch(href!)
    }
    expect(receipt.status).toBe(200)
    const file = join(filesDir, 'receipt.txt')
    writeFileSync(file, await receipt.text())
    const verified = execFileSync(VIGIL_CLI, ['log', 'verify-receipt', file, '--key', instance.verifierKey], { encoding: 'utf8' })
    expect(verified).toContain('e2e.example/vigil')
    await page.close()
  })

  it('signs the editor out', async () => {
    const page = await newPage(context, recorder)
    await open(page, '/tracker/edit', 'en')
    const signedIn = await cookieHeader()
    await page.click('#sign-out')
    await page.waitForSelector('#signin:not([hidden])')
    expect(await page.isVisible('#editor')).toBe(false)
    expect((await instance.fetch('/v1/sessions/current', { headers: { Cookie: signedIn } })).status).toBe(401)
    await page.close()
  })

  it('without WebAssembly, the editor page says why it cannot sign in; the public pages work', async () => {
    const noWasm = await browser.newContext({ locale: 'fr-FR' })
    recorder.watch(noWasm)
    await noWasm.addInitScript(() => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly
    })
    const page = await newPage(noWasm, recorder)
    await open(page, '/tracker/edit', 'fr')
    expect(await page.isVisible('#wasm-notice')).toBe(true)
    expect(await page.isDisabled('#signin-form button')).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await open(page, '/tracker/map', 'fr')
    expect(await rowCount(page, '#map svg path')).toBeGreaterThan(150)
    await noWasm.close()
  })

  it('loaded nothing from another origin and broke no policy', () => {
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
  })
})
