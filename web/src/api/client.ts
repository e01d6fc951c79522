// The HTTP API of the instance (docs/api/openapi.yaml), as the pages use it. Shared by the
// reporter pages now and the staff pages later. Requests go to this origin only, carry no
// cookie for reporters, and are never cached.
import { base64 } from '@scure/base'

// A failed request: the stable code of the error document (docs/api/http.md), or "network"
// when no answer came.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    // Seconds from Retry-After, when the answer gave one (429 locked_out, 409 receipt_pending).
    readonly retryAfter: number | null = null,
    // The error document's other fields, when it has any (400 invalid_setting: setting, bound).
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${status} ${code}`)
  }
}

export interface KeyGeneration {
  generation: number
  recipient: string
  log_index: number
}

export interface Instance {
  log_origin: string
  organisation_key: KeyGeneration | null
  // Who runs the instance, set by its administrators (empty: not shown).
  organisation_name?: string
  reporter_contact?: string
  statistics_min_cell?: number
}

export interface Acknowledgement {
  report_id: string
  message_id: string
  log_index: number
  attachments: { id: string; log_index: number }[]
  receipt_url: string
}

export interface ThreadMessage {
  id: string
  kind: 'report' | 'follow_up' | 'reply'
  author: string
  size: number
  log_index: number
  created_hour: number
  attachments: { id: string; size: number; log_index: number }[]
}

export interface ReportView {
  report_id: string
  created_hour: number
  updated_hour: number
  log_index: number
  messages: ThreadMessage[]
}

export const LOOKUP_HEADER = 'Vigil-Lookup-Id'

interface RequestOptions {
  json?: unknown
  // A body that is not JSON (the tracker's CSV import), with its content type.
  text?: { body: string; type: string }
  headers?: Record<string, string>
  // Staff pages send their session cookie; reporter requests never carry one.
  credentials?: RequestCredentials
}

export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.json !== undefined) headers['Content-Type'] = 'application/json'
  if (options.text !== undefined) headers['Content-Type'] = options.text.type
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.json === undefined ? options.text?.body : JSON.stringify(options.json),
      credentials: options.credentials ?? 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    })
  } catch {
    throw new ApiError(0, 'network')
  }
  if (!response.ok) {
    let code = 'http_' + response.status
    let details: Record<string, unknown> = {}
    try {
      const document = await response.json()
      if (typeof document?.error?.code === 'string') {
        code = document.error.code
        details = document.error
      }
    } catch {
      // Not an error document: keep the status.
    }
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10)
    throw new ApiError(response.status, code, Number.isFinite(retry) ? retry : null, details)
  }
  return response
}

export async function getInstance(): Promise<Instance> {
  return (await send('GET', '/v1/instance')).json()
}

export interface NewReport {
  lookupId: string
  reporterRecipient: string
  ciphertext: Uint8Array
  attachments: string[] // ids of finished uploads
}

export async function postReport(report: NewReport): Promise<Acknowledgement> {
  const response = await send('POST', '/v1/reports', {
    json: {
      lookup_id: report.lookupId,
      reporter_recipient: report.reporterRecipient,
      ciphertext: base64.encode(report.ciphertext),
      attachments: report.attachments,
    },
  })
  return response.json()
}

export async function postLookup(lookupId: string): Promise<ReportView> {
  return (await send('POST', '/v1/lookups', { json: { lookup_id: lookupId } })).json()
}

// /v1/reports/{id}[/{collection}/{item}], the ids checked so that nothing else reaches a path.
export function reportPath(reportId: string, collection?: string, itemId?: string): string {
  for (const id of itemId === undefined ? [reportId] : [reportId, itemId])
    if (!/^[0-9a-f]{32}$/.test(id)) throw new ApiError(0, 'invalid_id')
  return collection === undefined ? `/v1/reports/${reportId}` : `/v1/reports/${reportId}/${collection}/${itemId}`
}

// A message's age file, as the reporter (lookup id) reads it.
export async function getMessage(reportId: string, messageId: string, lookupId: string): Promise<Uint8Array> {
  const response = await send('GET', reportPath(reportId, 'messages', messageId), {
    headers: { [LOOKUP_HEADER]: lookupId },
  })
  return new Uint8Array(await response.arrayBuffer())
}

export async function getAttachment(reportId: string, attachmentId: string, lookupId: string): Promise<Uint8Array> {
  const response = await send('GET', reportPath(reportId, 'attachments', attachmentId), {
    headers: { [LOOKUP_HEADER]: lookupId },
  })
  return new Uint8Array(await response.arrayBuffer())
}

export async function postFollowUp(
  reportId: string,
  lookupId: string,
  ciphertext: Uint8Array,
  attachments: string[] = [],
): Promise<Acknowledgement> {
  const response = await send('POST', reportPath(reportId) + '/messages', {
    headers: { [LOOKUP_HEADER]: lookupId },
    json: { ciphertext: base64.encode(ciphertext), attachments },
  })
  return response.json()
}

// The signed receipt of a message's log entry (docs/formats/receipts.md), as text. ApiError
// "receipt_pending" (409) until a checkpoint covers the entry.
export async function getReceipt(reportId: string, messageId: string, lookupId: string): Promise<string> {
  const response = await send('GET', reportPath(reportId, 'messages', messageId) + '/receipt', {
    headers: { [LOOKUP_HEADER]: lookupId },
  })
  return response.text()
}

// ---- The State cooperation tracker and published statistics (issue 8): public reads, and
// the editor's changes with the session cookie. Types in src/tracker/model.ts.

export async function getStates(): Promise<import('../tracker/model').StatesDocument> {
  return (await send('GET', '/v1/states')).json()
}

function iso3Path(iso3: string, suffix = ''): string {
  if (!/^[A-Z]{3}$/.test(iso3)) throw new ApiError(400, 'invalid_request')
  return `/v1/states/${iso3}${suffix}`
}

export async function getState(iso3: string): Promise<import('../tracker/model').StateDetail> {
  return (await send('GET', iso3Path(iso3))).json()
}

export interface ChangesPage {
  changes: import('../tracker/model').Change[]
  next_after?: number
}

export async function getStateHistory(iso3: string): Promise<ChangesPage> {
  return (await send('GET', iso3Path(iso3, '/history'))).json()
}

export async function getTrackerChanges(after = 0): Promise<ChangesPage> {
  return (await send('GET', `/v1/tracker/changes?after=${Math.max(0, Math.floor(after))}`)).json()
}

export async function postStateEdit(
  iso3: string,
  edit: { field: string; value: string; source: string },
): Promise<import('../tracker/model').Change> {
  return (await send('POST', iso3Path(iso3, '/edits'), { json: edit, credentials: 'same-origin' })).json()
}

export async function exportTracker(format: 'csv' | 'json'): Promise<string> {
  return (await send('GET', `/v1/tracker/export?format=${format}`)).text()
}

// An editor's CSV import: the number of changes made, or the error's code and detail (which
// names the line and the State of a refused row).
export async function importTrackerCsv(csv: string): Promise<{ changes: number } | { error: string; detail: string }> {
  const response = await fetch('/v1/tracker/import', {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv' },
    body: csv,
    credentials: 'same-origin',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
  }).catch(() => null)
  if (!response) return { error: 'network', detail: '' }
  const document = await response.json().catch(() => ({}))
  if (response.ok) return { changes: (document.changes ?? []).length }
  return { error: String(document?.error?.code ?? 'http_' + response.status), detail: String(document?.error?.detail ?? '') }
}

export interface Publication {
  id: string
  title: string
  log_index: number
  hour: number
  receipt_url: string
}

export type Figure = number | { suppressed: 'fewer_than_k' | 'complementary' }

export interface StatisticsDocument {
  format: string
  title: string
  k: number
  rows: string[]
  columns: string[]
  cells: Figure[][]
  row_totals: Figure[]
  column_totals: Figure[]
  total: Figure
}

export async function getPublications(): Promise<Publication[]> {
  return (await send('GET', '/v1/statistics')).json().then((d) => d.publications ?? [])
}

export async function getPublication(id: string): Promise<Publication & { document: StatisticsDocument }> {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) throw new ApiError(400, 'invalid_request')
  return (await send('GET', `/v1/statistics/${id}`)).json()
}
