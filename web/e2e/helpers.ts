// What several end-to-end files do alike: open a page of the client and wait for its code,
// send a report through the report page, hash files, and search a directory for plaintext
// that must never reach the server's disk.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { waitReady } from './browser'

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
