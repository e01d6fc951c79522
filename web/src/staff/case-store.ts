// The coordinator's caseload in the browser: every case's latest revision fetched in pages of
// 500 (GET /v1/cases?include=ciphertext), decrypted here in batches that leave the page
// responsive between them, validated, and indexed for full-text search. Nothing decrypted is
// stored anywhere but this object.
import { base64 } from '@scure/base'
import { parseCase } from '../cases/validate'
import { CaseIndex } from '../cases/search'
import type { CaseDocument } from '../cases/model'
import { getCasePage, type CaseSummary } from './cases-api'

export interface LoadedCase {
  summary: CaseSummary
  doc: CaseDocument | null // null: did not decrypt or is not a valid case document
}

export interface CaseSource {
  page(after?: string): Promise<{ cases: CaseSummary[]; next?: string }>
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>
}

export function serverCaseSource(decrypt: (c: Uint8Array) => Promise<Uint8Array>): CaseSource {
  return { page: (after) => getCasePage(after), decrypt }
}

// Lets the browser paint and handle input between batches.
function breathe(): Promise<void> {
  return new Promise((ok) => setTimeout(ok, 0))
}

export const BATCH = 64

export class CaseStore {
  cases = new Map<string, LoadedCase>()
  index = new CaseIndex()

  constructor(private readonly source: CaseSource) {}

  // Fetches and decrypts the whole caseload; `progress` after each batch. The next page is
  // fetched while the current one is decrypted.
  async load(progress: (done: number) => void = () => {}): Promise<void> {
    const cases = new Map<string, LoadedCase>()
    const index = new CaseIndex()
    let done = 0
    let pending = this.source.page()
    for (;;) {
      const page = await pending
      const more = page.next !== undefined && page.cases.length > 0
      if (more) pending = this.source.page(page.next)
      for (let i = 0; i < page.cases.length; i += BATCH) {
        const batch = page.cases.slice(i, i + BATCH)
        const opened = await Promise.all(batch.map((s) => this.open(s)))
        for (const c of opened) {
          cases.set(c.summary.id, c)
          if (c.doc) index.add(c.doc)
        }
        done += batch.length
        progress(done)
        await breathe()
      }
      if (!more) break
    }
    this.cases = cases
    this.index = index
  }

  private async open(summary: CaseSummary): Promise<LoadedCase> {
    const ciphertext = summary.ciphertext
    const bare = { ...summary }
    delete bare.ciphertext
    if (!ciphertext) return { summary: bare, doc: null }
    try {
      const plain = await this.source.decrypt(base64.decode(ciphertext))
      const parsed = parseCase(new TextDecoder().decode(plain))
      return { summary: bare, doc: parsed.ok && parsed.value.case_id === summary.id ? parsed.value : null }
    } catch {
      return { summary: bare, doc: null }
    }
  }

  // A revision this page stored (or reloaded): replaces the case in the list and the index.
  put(summary: CaseSummary, doc: CaseDocument): void {
    this.cases.set(summary.id, { summary, doc })
    this.index.add(doc)
  }

  get(id: string): LoadedCase | undefined {
    return this.cases.get(id)
  }
}
