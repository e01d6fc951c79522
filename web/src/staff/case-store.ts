// The coordinator's caseload in the browser: every case's latest revision fetched in pages of
// 500 (GET /v1/cases?include=ciphertext), decrypted here in batches that leave the page
// responsive between them, validated, and indexed for full-text search. Nothing decrypted is
// stored anywhere but this object.
import { base64 } from '@scure/base'
import { parseCase } from '../cases/validate'
import { CaseIndex } from '../cases/search'
import type { CaseDocument } from '../cases/model'
import { extendTaxonomy, type Taxonomy, type TaxonomyExtension } from '../cases/taxonomy'
import { getCasePage, type CaseSummary } from './cases-api'
import type { OpenRequest, OpenResponse } from './case-worker'

export interface LoadedCase {
  summary: CaseSummary
  doc: CaseDocument | null // null: did not decrypt or is not a valid case document
}

export interface CaseSource {
  page(after?: string): Promise<{ cases: CaseSummary[]; next?: string }>
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>
  // Opens a batch elsewhere (workers); absent: decrypt() and validation on this thread.
  openBatch?(items: { id: string; ciphertext: string }[]): Promise<(CaseDocument | null)[]>
  close?(): void
  taxonomy?: Taxonomy // the organisation's (base and extension) for validation and search
}

export function serverCaseSource(decrypt: (c: Uint8Array) => Promise<Uint8Array>): CaseSource {
  return { page: (after) => getCasePage(after), decrypt }
}

// A source that opens batches in `workers` workers (case-worker.ts), given the organisation
// identities; close() ends the workers and so their copy of the identities.
export function workerCaseSource(
  decrypt: (c: Uint8Array) => Promise<Uint8Array>,
  identities: string[],
  workers = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)),
  extension?: TaxonomyExtension,
): CaseSource {
  const taxonomy = extension ? extendTaxonomy(extension) : undefined
  if (typeof Worker === 'undefined') return { ...serverCaseSource(decrypt), taxonomy }
  const pool = Array.from({ length: workers }, () => ({
    worker: new Worker(new URL('./case-worker.ts', import.meta.url), { type: 'module' }),
    busy: 0, // batches handed to it and not yet back
  }))
  interface Call {
    request: OpenRequest
    resolve(docs: (CaseDocument | null)[]): void
    reject(e: Error): void
  }
  // Batches wait here until a worker has fewer than two, so that a faster worker takes more
  // and none is left with a queue at the end.
  const waiting: Call[] = []
  const pending = new Map<number, Call>()
  const pump = () => {
    for (const slot of pool)
      while (slot.busy < 2 && waiting.length > 0) {
        const call = waiting.shift()!
        pending.set(call.request.id, call)
        slot.busy++
        slot.worker.postMessage(call.request)
      }
  }
  let next = 0
  for (const slot of pool) {
    slot.worker.onmessage = (event: MessageEvent<OpenResponse>) => {
      const call = pending.get(event.data.id)
      pending.delete(event.data.id)
      slot.busy--
      pump()
      call?.resolve(JSON.parse(event.data.docs) as (CaseDocument | null)[])
    }
    slot.worker.onerror = () => {
      for (const call of [...pending.values(), ...waiting]) call.reject(new Error('a case worker failed'))
      pending.clear()
      waiting.length = 0
    }
  }
  return {
    page: (after) => getCasePage(after),
    decrypt,
    taxonomy,
    openBatch(items) {
      return new Promise((resolve, reject) => {
        waiting.push({ request: { id: next++, identities, items, extension }, resolve, reject })
        pump()
      })
    },
    close() {
      for (const slot of pool) slot.worker.terminate()
    },
  }
}

// The summary without its ciphertext, built field by field (deleting a field would leave ten
// thousand objects in V8's slow dictionary form).
function withoutCiphertext(s: CaseSummary): CaseSummary {
  return {
    id: s.id,
    revisions: s.revisions,
    created_hour: s.created_hour,
    updated_hour: s.updated_hour,
    log_index: s.log_index,
    latest_log_index: s.latest_log_index,
    latest_size: s.latest_size,
  }
}

// Lets the browser paint and handle input between batches.
function breathe(): Promise<void> {
  return new Promise((ok) => setTimeout(ok, 0))
}

export const BATCH = 250

export class CaseStore {
  cases = new Map<string, LoadedCase>()
  private searchIndex: CaseIndex | null = null
  private indexing: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly source: CaseSource) {}

  // Fetches and decrypts the whole caseload; `progress` after each batch. The next page is
  // fetched while the current one is opened; batches go to the workers all at once, when the
  // source has them, else one after the other with a pause for the page between them.
  async load(progress: (done: number) => void = () => {}): Promise<void> {
    const cases = new Map<string, LoadedCase>()
    let done = 0
    try {
      // Every batch is handed over as soon as its page arrives, so the workers never wait for
      // the slowest batch of a page before starting on the next one.
      const inFlight: Promise<LoadedCase[]>[] = []
      let pending = this.source.page()
      for (;;) {
        const page = await pending
        const more = page.next !== undefined && page.cases.length > 0
        if (more) pending = this.source.page(page.next)
        for (let i = 0; i < page.cases.length; i += BATCH) {
          const batch = page.cases.slice(i, i + BATCH)
          inFlight.push(
            this.openBatch(batch).then((opened) => {
              done += batch.length
              progress(done)
              return opened
            }),
          )
        }
        if (!more) break
      }
      for (const batch of await Promise.all(inFlight)) for (const c of batch) cases.set(c.summary.id, c)
    } finally {
      this.source.close?.()
    }
    this.cases = cases
    this.searchIndex = null
    this.indexSoon()
  }

  // The search index, built in the background after a load (a few hundred cases at a time),
  // or now, when a search comes first.
  get index(): CaseIndex {
    if (this.indexing !== null) clearTimeout(this.indexing)
    this.indexing = null
    if (!this.searchIndex) {
      this.searchIndex = new CaseIndex(this.source.taxonomy)
      for (const c of this.cases.values()) if (c.doc) this.searchIndex.add(c.doc)
    }
    return this.searchIndex
  }

  private indexSoon(): void {
    const all = [...this.cases.values()]
    const index = new CaseIndex(this.source.taxonomy)
    let at = 0
    const step = () => {
      for (const end = Math.min(all.length, at + 500); at < end; at++) if (all[at].doc) index.add(all[at].doc!)
      if (at < all.length) this.indexing = setTimeout(step, 0)
      else {
        this.indexing = null
        this.searchIndex = index
      }
    }
    this.indexing = setTimeout(step, 0)
  }

  private async openBatch(batch: CaseSummary[]): Promise<LoadedCase[]> {
    if (this.source.openBatch) {
      const withText = batch.filter((s) => s.ciphertext)
      const docs = await this.source.openBatch(withText.map((s) => ({ id: s.id, ciphertext: s.ciphertext! })))
      const byId = new Map(withText.map((s, i) => [s.id, docs[i]]))
      return batch.map((s) => ({ summary: withoutCiphertext(s), doc: byId.get(s.id) ?? null }))
    }
    const opened = await Promise.all(batch.map((s) => this.open(s)))
    await breathe()
    return opened
  }

  private async open(summary: CaseSummary): Promise<LoadedCase> {
    const ciphertext = summary.ciphertext
    const bare = withoutCiphertext(summary)
    if (!ciphertext) return { summary: bare, doc: null }
    try {
      const plain = await this.source.decrypt(base64.decode(ciphertext))
      const parsed = parseCase(new TextDecoder().decode(plain), this.source.taxonomy)
      return { summary: bare, doc: parsed.ok && parsed.value.case_id === summary.id ? parsed.value : null }
    } catch {
      return { summary: bare, doc: null }
    }
  }

  // A revision this page stored (or reloaded): replaces the case in the list and the index.
  put(summary: CaseSummary, doc: CaseDocument): void {
    this.cases.set(summary.id, { summary, doc })
    if (this.indexing !== null) {
      // Mid-way through the background index: built again when first searched.
      clearTimeout(this.indexing)
      this.indexing = null
      this.searchIndex = null
    } else {
      this.searchIndex?.add(doc)
    }
  }

  get(id: string): LoadedCase | undefined {
    return this.cases.get(id)
  }
}
