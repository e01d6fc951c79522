// Debian's Chromium driven by playwright-core (never a downloaded browser), with what every
// end-to-end test records: Content-Security-Policy violations, requests to any origin other
// than the instance's, and accessibility violations found by axe-core.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
export const SCREENSHOTS = resolve(import.meta.dirname, '../../build/web-e2e/screenshots')

// Playwright gives each launch a fresh temporary profile (--user-data-dir).
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
}

export class Recorder {
  readonly cspViolations: string[] = []
  readonly foreignRequests: string[] = []
  readonly requests: { method: string; url: string }[] = []
  readonly pageErrors: string[] = []

  constructor(private readonly origin: string) {}

  watch(context: BrowserContext): void {
    // The browser reports each violation to the page as an event too; say it on the console,
    // where watchPage collects it (init scripts are not subject to the page's policy).
    void context.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
      ),
    )
    context.on('request', (request) => {
      const url = request.url()
      this.requests.push({ method: request.method(), url })
      // blob: URLs are the page's own decrypted downloads, never a request to a server.
      if (new URL(url).origin !== this.origin && !url.startsWith('blob:')) this.foreignRequests.push(url)
    })
  }

  watchPage(page: Page): void {
    page.on('console', (message) => {
      const text = message.text()
      if (/Content[- ]Security[- ]Policy|Refused to (load|execute|connect|apply|compile)/i.test(text))
        this.cspViolations.push(`${page.url()}: ${text}`)
    })
    page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`))
  }
}

export async function newPage(context: BrowserContext, recorder: Recorder): Promise<Page> {
  const page = await context.newPage()
  recorder.watchPage(page)
  return page
}

// The page's client code has run and the page is usable (src/pages/page.ts markReady).
export async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30000 })
}

// Serious and critical axe-core violations of the page as it is now, one line each.
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
