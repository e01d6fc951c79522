// The case pages' logic without DOM: the caseload store (bulk pages, batches, bad ciphertexts),
// and the export helpers (receipt parsing, one checkpoint for every receipt, member names).
import { base64 } from '@scure/base'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { syntheticCases } from '../../src/cases/synthetic'
import { serialise } from '../../src/cases/revisions'
import { decryptWith, encryptTo } from '../../src/crypto/age'
import { CaseStore, type CaseSource } from '../../src/staff/case-store'
import {
  checkpointOrigin,
  receiptCheckpoint,
  receiptObjectId,
  receiptsUnderOneCheckpoint,
  safeName,
  summaryHtml,
} from '../../src/staff/case-export'
import type { CaseSummary } from '../../src/staff/cases-api'

describe('CaseStore', () => {
  it('fetches every page, decrypts, indexes, and marks what does not open', async () => {
    const identity = await generateX25519Identity()
    const recipient = await identityToRecipient(identity)
    const docs = syntheticCases(130, { seed: 3 })
    const summaries: CaseSummary[] = await Promise.all(
      docs.map(async (d, i) => ({
        id: d.case_id,
        revisions: 1,
        created_hour: 1,
        updated_hour: 1000 - i,
        log_index: i,
        latest_log_index: i,
        latest_size: 0,
        ciphertext: base64.encode(await encryptTo([recipient], serialise(d))),
      })),
    )
    summaries[5].ciphertext = base64.encode(new Uint8Array([1, 2, 3]))
    const pages: string[] = []
    const source: CaseSource = {
      async page(after) {
        pages.push(after ?? '')
        const from = after ? Number(after) : 0
        const slice = summaries.slice(from, from + 50)
        return from + 50 < summaries.length ? { cases: slice, next: String(from + 50) } : { cases: slice }
      },
      decrypt: (c) => decryptWith(identity, c),
    }
    const store = new CaseStore(source)
    const progress: number[] = []
    await store.load((n) => progress.push(n))
    expect(pages).toEqual(['', '50', '100'])
    expect(store.cases.size).toBe(130)
    expect(progress.at(-1)).toBe(130)
    expect(store.get(docs[5].case_id)?.doc).toBeNull()
    expect(store.get(docs[6].case_id)?.doc?.title).toBe(docs[6].title)
    expect(store.get(docs[6].case_id)?.summary.ciphertext).toBeUndefined()
    const word = docs[7].persons[0]?.pseudonym ?? docs[7].title
    expect(store.index.search(word)).toContain(docs[7].case_id)
  })
})

function receipt(index: number, objectId: number, checkpoint: string): string {
  const entry = new Uint8Array(78)
  entry[0] = 1
  entry[1] = 3
  entry.fill(objectId, 2, 18)
  return `vigil-receipt/v1\nindex ${index}\nentry ${base64.encode(entry)}\n\n${checkpoint}`
}

describe('export helpers', () => {
  const checkpoint = 'e2e.example/vigil\n12\nROOT=\n\n— e2e.example/vigil SIG=\n'

  it('reads the checkpoint, its origin and the entry object id of a receipt', () => {
    const r = receipt(4, 0xab, checkpoint)
    expect(receiptCheckpoint(r)).toBe(checkpoint)
    expect(checkpointOrigin(checkpoint)).toBe('e2e.example/vigil')
    expect(receiptObjectId(r)).toBe('ab'.repeat(16))
  })

  it('fetches receipts again until they share one checkpoint', async () => {
    let calls = 0
    const fetch = async (index: number) => {
      calls++
      // The first round: the newest index is under a later checkpoint than the others.
      const cp = calls <= 3 && index === 9 ? checkpoint.replace('12', '13') : checkpoint
      return receipt(index, index, cp)
    }
    const got = await receiptsUnderOneCheckpoint([3, 9, 5, 9], fetch)
    expect([...got.keys()].sort()).toEqual([3, 5, 9])
    expect(new Set([...got.values()].map(receiptCheckpoint)).size).toBe(1)
    expect(calls).toBe(6)
  })

  it('names members safely and writes a summary without markup from the case', () => {
    expect(safeName('../../etc/passwd')).toBe('__.._etc_passwd')
    expect(safeName('a\\b:c')).toBe('a_b_c')
    expect(safeName('')).toBe('file')
    const html = summaryHtml({ lang: 'en', dir: 'ltr', title: '<script>x</script>', sections: [{ heading: 'H', lines: ['a & b'] }] })
    expect(html).not.toContain('<script>')
    expect(html).toContain('a &#38; b')
  })
})
