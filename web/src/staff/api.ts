// The staff side of the HTTP API (docs/api/openapi.yaml): sign-in, the keys to unlock, reports
// and replies. Every request goes through client.ts's send() with the session cookie
// (`credentials: 'same-origin'`; the cookie is HttpOnly, so no script here ever reads it).
import { base64 } from '@scure/base'
import { reportPath, send, type Acknowledgement, type KeyGeneration, type ReportView } from '../api/client'

export type Role = 'admin' | 'coordinator' | 'auditor' | 'mirror' | 'editor'

const staff = { credentials: 'same-origin' as RequestCredentials }

export interface SessionInfo {
  account_id: string
  role: Role
  expires_at?: number // unix seconds; given by POST /v1/sessions only
}

export async function getLoginSalt(loginName: string): Promise<string> {
  const response = await send('POST', '/v1/login-salts', { ...staff, json: { login_name: loginName } })
  return (await response.json()).login_salt
}

// ApiError 401 invalid_credentials (one answer for a wrong name, secret or code), 429 locked_out
// (with retryAfter).
export async function postSession(loginName: string, loginSecret: Uint8Array, totpCode: string): Promise<SessionInfo> {
  const response = await send('POST', '/v1/sessions', {
    ...staff,
    json: { login_name: loginName, login_secret: base64.encode(loginSecret), totp_code: totpCode },
  })
  return response.json()
}

// ApiError 401 when there is no session or it has ended.
export async function getCurrentSession(): Promise<SessionInfo> {
  return (await send('GET', '/v1/sessions/current', staff)).json()
}

export async function deleteCurrentSession(): Promise<void> {
  await send('DELETE', '/v1/sessions/current', staff)
}

export interface AccountKeys {
  id: string
  role: Role | 'none'
  recipient: string
  identity: string // base64 of an age file to the member's passphrase (one scrypt stanza)
  generations: (KeyGeneration & { previous: string })[] // previous: base64 age file, '' for generation 1
  wraps: { generation: number; wrap: string }[] // base64 age files to the member's recipient
}

export async function getMyKeys(): Promise<AccountKeys> {
  return (await send('GET', '/v1/accounts/me/keys', staff)).json()
}

export interface ReportSummary {
  id: string
  created_hour: number
  updated_hour: number
  log_index: number
  messages: number
}

// Every report, following the pages of 100 the server gives (most recently updated first).
export async function getAllReports(): Promise<ReportSummary[]> {
  const out: ReportSummary[] = []
  let after: string | undefined
  for (;;) {
    const path = after === undefined ? '/v1/reports' : `/v1/reports?after=${encodeURIComponent(after)}`
    const page: { reports: ReportSummary[]; next?: string } = await (await send('GET', path, staff)).json()
    out.push(...page.reports)
    if (!page.next || page.reports.length === 0) return out
    after = page.next
  }
}

export interface StaffReportView extends ReportView {
  reporter_recipient: string
}

export async function getReport(reportId: string): Promise<StaffReportView> {
  return (await send('GET', reportPath(reportId), staff)).json()
}

export async function getStaffMessage(reportId: string, messageId: string): Promise<Uint8Array> {
  const response = await send('GET', reportPath(reportId, 'messages', messageId), staff)
  return new Uint8Array(await response.arrayBuffer())
}

export async function getStaffAttachment(reportId: string, attachmentId: string): Promise<Uint8Array> {
  const response = await send('GET', reportPath(reportId, 'attachments', attachmentId), staff)
  return new Uint8Array(await response.arrayBuffer())
}

// A reply, naming the finished uploads of its files in the order of its content's attachments.
export async function postReply(
  reportId: string,
  ciphertext: Uint8Array,
  attachments: readonly string[] = [],
): Promise<Acknowledgement> {
  const response = await send('POST', reportPath(reportId) + '/messages', {
    ...staff,
    json: { ciphertext: base64.encode(ciphertext), attachments },
  })
  return response.json()
}

// The signed receipt of a message's log entry, as text; ApiError 409 receipt_pending until a
// checkpoint covers it.
export async function getStaffReceipt(reportId: string, messageId: string): Promise<string> {
  return (await send('GET', reportPath(reportId, 'messages', messageId) + '/receipt', staff)).text()
}

// The latest signed checkpoint (C2SP tlog-checkpoint in a signed note), as text.
export async function getCheckpoint(): Promise<string> {
  return (await send('GET', '/checkpoint')).text()
}
