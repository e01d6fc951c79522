// What several end-to-end files do alike: open a page of the client and wait for its code,
// send a report through the report page, hash files, and search a directory for plaintext
// that must never reach the server's disk, and set up and tear down what a staff flow needs.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launch, Recorder, waitReady } from './browser'
import { Instance } from './instance'
import { Administrator } from './staff'

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export async function openPage(page: Page, origin: string, path: string): Promise<void> {
  await page.goto(origin + path)
  if (!path.startsWith('/nojs/')) await waitReady(page)
}

export interface SentReport {
  passphrase: string
  reportId: string
}

// Fills the report page (already open) with `fields` (element id -> text) and `files`, sends
// it, and reads the passphrase and the report id from the done page.
export async function sendReport(page: Page, fields: Record<string, string>, files: string[] = []): Promise<SentReport> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value)
  if (files.length > 0) await page.setInputFiles('#files', files)
  await page.click('#submit')
  await page.waitForSelector('#done:not([hidden])', { timeout: 180_000 })
  const passphrase = (await page.textContent('#passphrase')) ?? ''
  const reportId = ((await page.textContent('#receipt')) ?? '').match(/[0-9a-f]{32}/)?.[0] ?? ''
  return { passphrase, reportId }
}

// Every file under `dir` that holds one of `needles`, and how many bytes were searched.
export function findPlaintext(dir: string, needles: Buffer[]): { found: string[]; scanned: number } {
  const kept = needles.filter((n) => n.length > 0)
  const found: string[] = []
  let scanned = 0
  const visit = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (entry.isFile()) {
        const data = readFileSync(path)
        scanned += data.length
        for (const n of kept) if (data.indexOf(n) >= 0) found.push(`${path}: ${n.toString('utf8', 0, 24)}`)
      }
    }
  }
  visit(dir)
  return { found, scanned }
}

// What a staff flow runs against: a fresh instance with its first administrator enrolled,
// Chromium with one recorded context that accepts downloads, and an evidence PDF holding
// `fileCanary` on `lines` lines at `evidencePath`.
export interface StaffWorld {
  instance: Instance
  admin: Administrator
  browser: Browser
  context: BrowserContext
  recorder: Recorder
}

export async function startStaffWorld(evidencePath: string, fileCanary: string, lines: number): Promise<StaffWorld> {
  writeFileSync(evidencePath, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`${fileCanary}\n`.repeat(lines))]))
  const instance = await Instance.start()
  const admin = await Administrator.enrol(instance)
  const browser = await launch()
  const recorder = new Recorder(instance.origin)
  const context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' })
  recorder.watch(context)
  return { instance, admin, browser, context, recorder }
}

// Closes the browser, removes the instance and the files folder; safe when start failed.
export async function stopStaffWorld(world: StaffWorld | undefined, filesDir: string): Promise<void> {
  await world?.browser.close()
  await world?.instance.remove()
  rmSync(filesDir, { recursive: true, force: true })
}
