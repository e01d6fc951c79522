// The case side of the staff API (docs/api/openapi.yaml, /v1/cases, /v1/receipts,
// /v1/statistics). Case documents travel only as age files made in this browser to the
// organisation recipient; the server sees ids, sizes and times.
import { base64 } from '@scure/base'
import { ApiError, send } from '../api/client'

const staff = { credentials: 'same-origin' as RequestCredentials }

export interface CaseSummary {
  id: string
  revisions: number
  created_hour: number
  updated_hour: number
  log_index: number
  latest_log_index: number
  latest_size: number
  ciphertext?: string // base64 age file of the latest revision (include=ciphertext)
}

export interface CaseAck {
  case_id: string
  revision: number
  log_index: number
  receipt_url: string
}

export interface CustodyEvent {
  log_index: number
  kind: 'revision' | 'export'
  revision: number
  hour: number
  author: string
  size?: number
  manifest_sha256?: string
}

export interface CaseView extends CaseSummary {
  custody: CustodyEvent[]
}

// One page of cases (most recently updated first), each with its latest revision inline.
export async function getCasePage(after?: string, limit = 500): Promise<{ cases: CaseSummary[]; next?: string }> {
  let path = `/v1/cases?include=ciphertext&limit=${limit}`
  if (after !== undefined) path += `&after=${encodeURIComponent(after)}`
  return (await send('GET', path, staff)).json()
}

export async function postCase(caseId: string, ciphertext: Uint8Array): Promise<CaseAck> {
  const response = await send('POST', '/v1/cases', { ...staff, json: { case_id: caseId, ciphertext: base64.encode(ciphertext) } })
  return response.json()
}

// ApiError 409 revision_conflict when `baseRevision` is no longer the latest.
export async function postRevision(caseId: string, baseRevision: number, ciphertext: Uint8Array): Promise<CaseAck> {
  const response = await send('POST', `/v1/cases/${caseId}/revisions`, {
    ...staff,
    json: { ciphertext: base64.encode(ciphertext), base_revision: baseRevision },
  })
  return response.json()
}

export async function getCase(caseId: string): Promise<CaseView> {
  return (await send('GET', `/v1/cases/${caseId}`, staff)).json()
}

export async function getRevision(caseId: string, revision: number): Promise<Uint8Array> {
  const response = await send('GET', `/v1/cases/${caseId}/revisions/${revision}`, staff)
  return new Uint8Array(await response.arrayBuffer())
}

export async function postExport(caseId: string, revision: number, manifestSha256: string): Promise<CaseAck> {
  const response = await send('POST', `/v1/cases/${caseId}/exports`, {
    ...staff,
    json: { revision, manifest_sha256: manifestSha256 },
  })
  return response.json()
}

// The receipt of a log entry, as text. ApiError 409 receipt_pending until a checkpoint covers it.
export async function getReceipt(index: number): Promise<string> {
  return (await send('GET', `/v1/receipts/${index}`, staff)).text()
}

// The receipt, waiting (up to `tries` times, as Retry-After says, at most 5 s each) while the
// next checkpoint is not signed yet.
export async function waitReceipt(index: number, tries = 20): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await getReceipt(index)
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'receipt_pending' || i + 1 >= tries) throw error
      const wait = Math.min(5, Math.max(0.5, error.retryAfter ?? 1))
      await new Promise((ok) => setTimeout(ok, wait * 1000))
    }
  }
}

export interface Publication {
  id: string
  title: string
  log_index: number
  hour: number
  receipt_url: string
}

export async function postStatistics(document: unknown): Promise<Publication> {
  return (await send('POST', '/v1/statistics', { ...staff, json: document })).json()
}
