// Instance settings end to end, in Debian's headless Chromium against a real vigild:
// - an administrator (enrolled through the API, as staff.ts does) signs in to /admin in French,
//   changes the organisation's name and contact and the session idle time in the settings form;
//   a value out of bounds is refused in the page, naming the setting, and nothing is sent;
// - the reporter's first page shows the name and contact at once, as text, in every language
//   (right to left in Arabic), and the no-JavaScript form too;
// - a change made meanwhile by another administrator (through the API) makes the page's save a
//   conflict, and the form reloads their values;
// - the settings form passes axe in all four languages; no CSP violation, other origin or error.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, newPage, Recorder, screenshot, seriousViolations, waitReady } from './browser'
import { Instance } from './instance'
import { Administrator } from './staff'

let instance: Instance
let browser: Browser
let context: BrowserContext
let recorder: Recorder
let admin: Administrator
let page: Page
const violations: string[] = []
const NAME = 'Réseau <Témoins> — شبكة الشهود'
const CONTACT = 'Signal : +31 6 0000 0000\nwitness@example.org'

beforeAll(async () => {
  instance = await Instance.start()
  admin = await Administrator.enrol(instance)
  browser = await launch()
  recorder = new Recorder(instance.origin)
  context = await browser.newContext({ locale: 'fr-FR' })
  recorder.watch(context)
  page = await newPage(context, recorder)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await instance?.remove()
})

async function open(path: string): Promise<void> {
  await page.goto(instance.origin + path)
  await waitReady(page)
}

async function signIn(lang: string): Promise<void> {
  await open(`/admin?lang=${lang}`)
  await page.fill('#login-name', admin.loginName)
  await page.fill('#passphrase', admin.passphrase)
  await page.fill('#totp-code', await admin.nextCode())
  await page.click('#sign-in-form button')
  await page.waitForSelector('#settings-form:not([hidden]), #error:not(:empty)', { timeout: 120_000 })
  expect(await page.textContent('#error')).toBe('')
  expect(await page.getAttribute('html', 'lang')).toBe(lang)
  expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr')
}

// A request with the page's own session (no second sign-in: each costs a TOTP step).
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const cookie = (await context.cookies(instance.origin)).map((c) => `${c.name}=${c.value}`).join('; ')
  return instance.fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), Cookie: cookie } })
}

async function settings(): Promise<any> {
  return (await request('/v1/settings')).json()
}

describe.sequential('instance settings', () => {
  it('an administrator changes the name, contact and idle time in French', async () => {
    await signIn('fr')
    expect(await page.textContent('label[for="setting-session-idle-minutes"]')).toBe('Déconnexion après une inactivité de')
    expect(await page.inputValue('#setting-session-idle-minutes')).toBe('30')
    violations.push(...(await seriousViolations(page)))

    // Out of bounds: said in the page, next to the field and in the summary; nothing sent.
    await page.fill('#setting-organisation-name', NAME)
    await page.fill('#setting-session-idle-minutes', '0')
    await page.click('#settings-form button[type="submit"]')
    await page.waitForSelector('#setting-session-idle-minutes-error:not(:empty)')
    const said = await page.textContent('#setting-session-idle-minutes-error')
    expect(said).toBe('Saisissez un nombre entier de 1 à 1440.')
    expect(await page.getAttribute('#setting-session-idle-minutes', 'aria-invalid')).toBe('true')
    expect(await page.textContent('#settings-errors')).toContain('Rien n’a été enregistré')
    expect((await settings()).version).toBe(0)
    violations.push(...(await seriousViolations(page)))

    await page.fill('#setting-session-idle-minutes', '10')
    await page.fill('#setting-reporter-contact', CONTACT)
    await page.click('#settings-form button[type="submit"]')
    await page.waitForSelector('#settings-status:not(:empty)')
    const status = (await page.textContent('#settings-status')) ?? ''
    expect(status).toContain('Enregistré')
    expect(status).toContain('10 minutes')
    const after = await settings()
    const idle = after.settings.find((s: { key: string }) => s.key === 'session_idle_minutes')
    expect(idle).toMatchObject({ value: 10, default: 30, source: 'log' })
    expect(after.settings.find((s: { key: string }) => s.key === 'organisation_name').value).toBe(NAME)
    // The form now says where the value comes from.
    expect(await page.textContent('#setting-session-idle-minutes-source')).toContain(`entrée ${idle.log_index}`)
    await screenshot(page, 'settings-saved-fr')
  }, 180_000)

  it('the reporter pages show who runs the instance, as text, in every language', async () => {
    const reporter = await newPage(context, recorder)
    for (const lang of ['en', 'fr', 'es', 'ar']) {
      await reporter.goto(`${instance.origin}/?lang=${lang}`)
      await waitReady(reporter)
      expect(await reporter.isVisible('#organisation')).toBe(true)
      expect(await reporter.textContent('#organisation-name')).toBe(NAME)
      expect(await reporter.getAttribute('#organisation-name', 'dir')).toBe('auto')
      expect(await reporter.innerText('#organisation-contact')).toBe(CONTACT)
      // Text only: the angle brackets are characters, not an element.
      expect(await reporter.$$eval('#organisation-name *', (els) => els.length)).toBe(0)
      violations.push(...(await seriousViolations(reporter)))
      if (lang === 'en' || lang === 'ar') await screenshot(reporter, `landing-organisation-${lang}`)
    }
    const form = await (await instance.fetch('/nojs/report?lang=ar')).text()
    expect(form).toContain('Réseau &lt;Témoins&gt; — شبكة الشهود')
    expect(form).toContain('dir="auto"')
    await reporter.close()
  }, 120_000)

  it('a change by another administrator meanwhile is a conflict, and the form reloads', async () => {
    const current = await settings()
    const other = await request('/v1/settings', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: current.version, max_failed_logins: 7 }),
    })
    expect(other.status).toBe(200)
    await page.fill('#setting-login-lockout-minutes', '20')
    await page.click('#settings-form button[type="submit"]')
    await page.waitForFunction(() => (document.getElementById('settings-status')?.textContent ?? '').includes('administrateur'))
    expect(await page.inputValue('#setting-max-failed-logins')).toBe('7')
    expect(await page.inputValue('#setting-login-lockout-minutes')).toBe('15')
    expect((await settings()).settings.find((s: { key: string }) => s.key === 'login_lockout_minutes').value).toBe(15)
  }, 60_000)

  it('the settings form passes axe in the other languages', async () => {
    for (const lang of ['ar', 'en', 'es']) {
      await page.click('#sign-out')
      await page.waitForSelector('#sign-in-form:not([hidden])')
      await signIn(lang)
      violations.push(...(await seriousViolations(page)))
      if (lang !== 'es') await screenshot(page, `settings-${lang}`)
    }
    expect(await page.getAttribute('#setting-organisation-name', 'dir')).toBe('auto')
  }, 240_000)

  it('found no accessibility violation, policy violation, other origin or page error', () => {
    expect(violations).toEqual([])
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
  })
})
