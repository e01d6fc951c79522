// The administrator's side end to end, in Debian's headless Chromium against a real vigild:
// - the first administrator opens the /join#token link that `vigil init` printed, enrols (the
//   organisation key is made in the browser), signs in to /admin, invites a coordinator;
// - the coordinator enrols through the same join page in French, a second one in Arabic; the
//   administrator gives each the organisation key;
// - a 2-of-3 recovery kit is made, and two of its kits rebuild the key on /recover (Spanish);
// - the second coordinator is demoted and the key rotated: the first coordinator, signed in
//   through the API, unlocks the new generation and the old one;
// - the log view checks the checkpoint against the key `vigil init` printed, from the tiles;
// and throughout: every page in four languages passes axe, Arabic is right to left, no
// Content-Security-Policy violation, no request to another origin, no page error.
import { base32nopad, base64 } from '@scure/base'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { argon2id } from '../src/crypto/argon2'
import { deriveLoginSecret, fromHex } from '../src/crypto/derivation'
import { StaffKeys } from '../src/staff/keys'
import { launch, newPage, Recorder, screenshot, seriousViolations, waitReady } from './browser'
import { Instance } from './instance'
import { totp } from './staff'

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const

let instance: Instance
let browser: Browser
let context: BrowserContext
let recorder: Recorder
let adminPage: Page
const violations: string[] = []

interface Person {
  loginName: string
  passphrase: string
  secret: Uint8Array
  lastStep: number
  accountId?: string
}
const admin: Person = { loginName: 'e2e-admin', passphrase: '', secret: new Uint8Array(), lastStep: -1 }
const coordinator: Person = { loginName: 'coordinatrice', passphrase: '', secret: new Uint8Array(), lastStep: -1 }
const second: Person = { loginName: 'second-coordinator', passphrase: '', secret: new Uint8Array(), lastStep: -1 }
let kits: string[] = []

// A code the server has not seen for this person: the server takes the steps around now
// (one either side) once each, in increasing order; wait for the next step when they are used.
// `lasting`: a code for a slow request (enrolment derives keys in the page, which can take many
// seconds on a loaded machine), taken no older than the current step so it stays valid longer.
async function code(person: Person, lasting = false): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 1000 / 30)
    const step = Math.max(lasting ? now : now - 1, person.lastStep + 1)
    if (step <= now + 1) {
      person.lastStep = step
      return totp(person.secret, step * 30)
    }
    await new Promise((ok) => setTimeout(ok, 2000))
  }
}

beforeAll(async () => {
  instance = await Instance.start()
  browser = await launch()
  recorder = new Recorder(instance.origin)
  context = await browser.newContext({ locale: 'en-GB' })
  recorder.watch(context)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await instance?.remove()
})

async function open(page: Page, path: string): Promise<void> {
  await page.goto(instance.origin + path)
  await waitReady(page)
}

async function checkPage(page: Page, lang: string): Promise<void> {
  expect(await page.getAttribute('html', 'lang')).toBe(lang)
  expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr')
  violations.push(...(await seriousViolations(page)))
}

// Enrols through the join page: returns when the account exists.
async function join(page: Page, link: string, person: Person, lang: string, shots = false): Promise<void> {
  const url = new URL(link)
  await open(page, `/join?lang=${lang}${url.hash}`)
  // The token leaves the address bar at once.
  expect(new URL(page.url()).hash).toBe('')
  await checkPage(page, lang)
  if (shots) await screenshot(page, `join-${lang}`)
  await page.click('#start')
  await page.waitForSelector('#account-form:not([hidden]), #error:not(:empty)', { timeout: 30_000 })
  expect(await page.textContent('#error')).toBe('')
  const secretText = (await page.textContent('#totp-secret')) ?? ''
  person.secret = base32nopad.decode(secretText.replace(/\s+/g, ''))
  expect(await page.textContent('#totp-uri')).toContain('otpauth://totp/')
  expect(await page.locator('#qr svg path').count()).toBe(1)
  person.passphrase = (await page.textContent('#passphrase')) ?? ''
  expect(person.passphrase.split(' ')).toHaveLength(8)
  await checkPage(page, lang)
  if (shots) await screenshot(page, `join-account-${lang}`)
  await page.fill('#login-name', person.loginName)
  await page.check('#written')
  await page.fill('#totp-code', await code(person, true))
  await page.click('#account-form button[type=submit]')
  await page.waitForSelector('#done-section:not([hidden]), #error:not(:empty)', { timeout: 120_000 })
  expect(await page.textContent('#error')).toBe('')
  expect(await page.textContent('#passphrase')).toBe('')
  await checkPage(page, lang)
}

async function signIn(page: Page, lang: string): Promise<void> {
  await open(page, `/admin?lang=${lang}`)
  await checkPage(page, lang)
  await page.fill('#login-name', admin.loginName)
  await page.fill('#passphrase', admin.passphrase)
  await page.fill('#totp-code', await code(admin))
  await page.click('#sign-in-form button')
  await page.waitForSelector('#console:not([hidden]), #error:not(:empty)', { timeout: 120_000 })
  expect(await page.textContent('#error')).toBe('')
}

// Makes an invitation: returns its link, never the one shown before it.
async function invite(page: Page, role: string): Promise<string> {
  const before = await page.textContent('#invitation-link')
  await page.selectOption('#invite-role', role)
  await page.click('#invite-form button')
  await page.waitForSelector('#invitation:not([hidden])')
  const link = (await page.textContent('#invitation-link')) ?? ''
  expect(link).not.toBe(before)
  return link
}

async function accountRows(page: Page): Promise<{ id: string; key: string }[]> {
  return page.$$eval('#accounts tbody tr', (rows) =>
    rows.map((r) => ({ id: r.children[0].textContent ?? '', key: r.children[2].textContent ?? '' })),
  )
}

// Clicks the button of the row whose account id starts with `id`, waits for the status.
async function rowAction(page: Page, id: string, label: string, role?: string): Promise<void> {
  const row = page.locator('#accounts tbody tr', { hasText: id.slice(0, 8) })
  if (role) await row.locator('select').selectOption(role)
  await page.evaluate(() => (document.getElementById('status')!.textContent = ''))
  await row.getByRole('button', { name: label }).click()
  await page.waitForFunction(() => document.getElementById('status')!.textContent !== '' || document.getElementById('error')!.textContent !== '')
  expect(await page.textContent('#error')).toBe('')
}

// The accounts as the API gives them, with the administrator's session (cookie of the page).
async function accounts(): Promise<{ id: string; role: string; has_current_key: boolean }[]> {
  return (await adminPage.evaluate(() => fetch('/v1/accounts', { credentials: 'same-origin' }).then((r) => r.json()))).accounts
}

describe.sequential('administrator', () => {
  it('serves the join, admin and recover pages in every language, accessible', async () => {
    const page = await newPage(context, recorder)
    for (const lang of LANGUAGES) {
      for (const path of ['/join', '/admin', '/recover']) {
        await open(page, `${path}?lang=${lang}`)
        await checkPage(page, lang)
        const untranslated = await page.$$eval('[data-i18n]', (els) =>
          els.filter((e) => e.textContent === '' || e.textContent === (e as HTMLElement).dataset.i18n).length,
        )
        expect(untranslated, `${path}?lang=${lang}`).toBe(0)
      }
    }
    // Without a token the join page says what to do.
    await open(page, '/join?lang=en')
    expect(await page.isVisible('#no-token')).toBe(true)
    await page.close()
  }, 120_000)

  it('enrols the first administrator from the link vigil init printed, the organisation key made in the browser', async () => {
    const before = await (await instance.fetch('/v1/instance')).json()
    expect(before.organisation_key).toBeNull()
    const page = await newPage(context, recorder)
    await join(page, `${instance.origin}/join#${instance.invitationToken}`, admin, 'en', true)
    expect(await page.isVisible('#admin-link')).toBe(true)
    await screenshot(page, 'join-done-en')
    const after = await (await instance.fetch('/v1/instance')).json()
    expect(after.organisation_key.generation).toBe(1)
    // The link works once (another query, so that the browser loads the page anew).
    await open(page, `/join?lang=fr#${instance.invitationToken}`)
    await page.click('#start')
    await page.waitForSelector('#error:not(:empty)')
    await page.close()
  }, 180_000)

  it('signs in, invites a coordinator who enrols in French, and gives them the organisation key', async () => {
    adminPage = await newPage(context, recorder)
    await signIn(adminPage, 'en')
    await checkPage(adminPage, 'en')
    const link = await invite(adminPage, 'coordinator')
    expect(link).toMatch(new RegExp(`^${instance.origin}/join#[0-9a-f]{64}$`))
    await screenshot(adminPage, 'admin-invitations-en')

    // The coordinator, in a browser of their own.
    const theirs = await browser.newContext({ locale: 'fr-FR' })
    recorder.watch(theirs)
    const page = await newPage(theirs, recorder)
    await join(page, link, coordinator, 'fr')
    expect(await page.isVisible('#admin-link')).toBe(false)
    expect(await page.getAttribute('#staff-link', 'href')).toBe('/staff?lang=fr')
    expect(await page.isVisible('#staff-link')).toBe(true)
    await theirs.close()

    await adminPage.click('#refresh')
    await expect.poll(async () => (await accounts()).length).toBe(2)
    const list = await accounts()
    const waiting = list.find((a) => a.role === 'coordinator')!
    expect(waiting.has_current_key).toBe(false)
    coordinator.accountId = waiting.id
    await adminPage.click('#refresh')
    await expect.poll(async () => (await accountRows(adminPage)).length).toBe(2)
    await rowAction(adminPage, waiting.id, 'Give the organisation key')
    expect((await accounts()).find((a) => a.id === waiting.id)!.has_current_key).toBe(true)
    await checkPage(adminPage, 'en')
  }, 240_000)

  it('enrols a second coordinator in Arabic and makes a 2-of-3 recovery kit that rebuilds the key', async () => {
    const link = await invite(adminPage, 'coordinator')
    const theirs = await browser.newContext({ locale: 'ar' })
    recorder.watch(theirs)
    const page = await newPage(theirs, recorder)
    await join(page, link, second, 'ar', true)
    await theirs.close()
    await adminPage.click('#refresh')
    await expect.poll(async () => (await accountRows(adminPage)).length).toBe(3)
    second.accountId = (await accounts()).find((a) => a.role === 'coordinator' && a.id !== coordinator.accountId)!.id
    await rowAction(adminPage, second.accountId, 'Give the organisation key')

    // Every member holds a share; any two rebuild the key.
    for (const box of await adminPage.$$('#holders input')) await box.check()
    await adminPage.fill('#threshold', '2')
    await adminPage.click('#recovery-form button')
    await adminPage.waitForSelector('#kits:not([hidden])')
    kits = await adminPage.$$eval('.kit-text', (els) => els.map((e) => e.textContent ?? ''))
    expect(kits).toHaveLength(3)
    await checkPage(adminPage, 'en')
    await adminPage.emulateMedia({ media: 'print' })
    await screenshot(adminPage, 'admin-recovery-kits-print-en')
    await adminPage.emulateMedia({ media: 'screen' })
    // The administrator's own share, read back from the server and opened with their identity.
    await adminPage.click('#my-kits')
    await adminPage.waitForSelector('#my-kit-list .kit-text')
    const mine = await adminPage.$$eval('#my-kit-list .kit-text', (els) => els.map((e) => e.textContent ?? ''))
    expect(mine).toHaveLength(1)
    expect(kits).toContain(mine[0])

    const recover = await newPage(context, recorder)
    await open(recover, '/recover?lang=es')
    await recover.fill('#shares', kits[0] + '\n' + kits[2])
    await recover.click('#recover-form button')
    await recover.waitForSelector('#result:not([hidden]), #error:not(:empty)')
    expect(await recover.textContent('#error')).toBe('')
    const current = (await (await instance.fetch('/v1/instance')).json()).organisation_key
    expect(await recover.textContent('#result-text')).toContain(current.recipient)
    expect(await recover.textContent('#identity')).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/)
    await checkPage(recover, 'es')
    // One kit alone rebuilds nothing.
    await recover.fill('#shares', kits[1])
    await recover.click('#recover-form button')
    await recover.waitForSelector('#error:not(:empty)')
    await recover.close()
  }, 240_000)

  it('rotates the organisation key after a coordinator is demoted; the one who stays unlocks both generations', async () => {
    await rowAction(adminPage, second.accountId!, 'Apply the role', 'editor')
    expect(await adminPage.textContent('#status')).toContain('rotate')
    await adminPage.click('#rotate')
    await adminPage.waitForFunction(() => /generation 2/.test(document.getElementById('status')!.textContent ?? ''))
    const generation = (await (await instance.fetch('/v1/instance')).json()).organisation_key
    expect(generation.generation).toBe(2)
    const list = await accounts()
    expect(list.find((a) => a.id === coordinator.accountId)!.has_current_key).toBe(true)
    expect(list.find((a) => a.id === second.accountId)!.has_current_key).toBe(false)

    // The coordinator signs in as their browser would and unlocks generation 2 and, through
    // it, generation 1.
    const post = (path: string, body: unknown, cookie = '') =>
      instance.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(body) })
    const salt = (await (await post('/v1/login-salts', { login_name: coordinator.loginName })).json()).login_salt
    const session = await post('/v1/sessions', {
      login_name: coordinator.loginName,
      login_secret: base64.encode(await deriveLoginSecret(coordinator.passphrase, fromHex(salt), argon2id)),
      totp_code: await code(coordinator),
    })
    expect(session.status).toBe(201)
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]
    const keys = await (await instance.fetch('/v1/accounts/me/keys', { headers: { Cookie: cookie } })).json()
    const unlocked = await StaffKeys.unlockFrom(keys, coordinator.passphrase)
    expect(unlocked.generations).toEqual([2, 1])
    expect(unlocked.current.recipient).toBe(generation.recipient)
  }, 240_000)

  it('checks the log against the key vigil init printed, and lists the latest entries', async () => {
    await adminPage.fill('#vkey', instance.verifierKey)
    await adminPage.click('#log-form button')
    await adminPage.waitForSelector('#log-result:not([hidden])')
    await adminPage.waitForFunction(() => document.getElementById('log-verdict')!.textContent !== '')
    expect(await adminPage.getAttribute('#log-verdict', 'class')).toBe('verdict ok')
    const types = await adminPage.$$eval('#entries tbody tr', (rows) => rows.map((r) => r.children[1].textContent))
    expect(types).toContain('organisation key')
    expect(types).toContain('recovery share')
    expect(types).toContain('invitation')
    await checkPage(adminPage, 'en')
    await adminPage.locator('#log-section').scrollIntoViewIfNeeded()
    await screenshot(adminPage, 'admin-log-en')
    // A wrong key: the page says so.
    await adminPage.fill('#vkey', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')
    await adminPage.click('#log-form button')
    await adminPage.waitForFunction(() => document.getElementById('log-verdict')!.className === 'verdict bad')
  }, 120_000)

  it('shows the signed-in pages in Arabic, right to left', async () => {
    await adminPage.click('#sign-out')
    await adminPage.waitForSelector('#sign-in-form:not([hidden])')
    await signIn(adminPage, 'ar')
    await checkPage(adminPage, 'ar')
    await invite(adminPage, 'auditor')
    await screenshot(adminPage, 'admin-invitations-ar')
    await adminPage.fill('#vkey', instance.verifierKey)
    await adminPage.click('#log-form button')
    await adminPage.waitForFunction(() => document.getElementById('log-verdict')!.className === 'verdict ok')
    await checkPage(adminPage, 'ar')
    await screenshot(adminPage, 'admin-log-ar')
  }, 120_000)

  it('found no accessibility violation, policy violation, other origin or page error', () => {
    expect(violations).toEqual([])
    expect(recorder.cspViolations).toEqual([])
    expect(recorder.foreignRequests).toEqual([])
    expect(recorder.pageErrors).toEqual([])
  })
})
