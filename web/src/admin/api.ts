// The administrator's and the enrolling person's requests (docs/api/openapi.yaml): enrolment,
// invitations, read tokens, accounts and roles, key rotation and wraps, recovery shares.
// Staff requests carry the session cookie, as src/staff/api.ts does.
import { base64 } from '@scure/base'
import { send, type KeyGeneration } from '../api/client'
import type { Role } from '../staff/api'

const staff = { credentials: 'same-origin' as RequestCredentials }

export interface Enrolment {
  role: Role
  totp_secret: string // base32, no padding
  otpauth_uri: string
  creates_organisation_key: boolean
  instance: string
}

export async function postEnrolment(invitationToken: string): Promise<Enrolment> {
  return (await send('POST', '/v1/enrolments', { json: { invitation_token: invitationToken } })).json()
}

export interface NewAccount {
  invitation_token: string
  login_name: string
  login_salt: string
  login_secret: string
  recipient: string
  identity: string
  totp_code: string
  organisation_recipient?: string
  organisation_wrap?: string
}

export interface Account {
  id: string
  role: Role | 'none'
  recipient: string
  created_hour: number
  log_index: number
  has_current_key: boolean
}

export async function postAccount(account: NewAccount): Promise<Account> {
  return (await send('POST', '/v1/accounts', { ...staff, json: account })).json()
}

export async function getAccounts(): Promise<Account[]> {
  return (await (await send('GET', '/v1/accounts', staff)).json()).accounts
}

export async function putRole(accountId: string, role: Role | 'none'): Promise<void> {
  if (!/^[0-9a-f]{32}$/.test(accountId)) throw new RangeError('account id')
  await send('PUT', `/v1/accounts/${accountId}/role`, { ...staff, json: { role } })
}

export type InvitableRole = 'admin' | 'coordinator' | 'auditor' | 'editor'

export interface Invitation {
  id: string
  token: string
  link: string
  role: Role
  expires_at: number
  log_index: number
}

export async function postInvitation(role: InvitableRole): Promise<Invitation> {
  return (await send('POST', '/v1/invitations', { ...staff, json: { role } })).json()
}

export async function postReadToken(role: 'mirror' | 'auditor'): Promise<{ token: string; role: string }> {
  return (await send('POST', '/v1/read-tokens', { ...staff, json: { role } })).json()
}

export async function getCurrentKey(): Promise<KeyGeneration | null> {
  try {
    return await (await send('GET', '/v1/keys/current')).json()
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null
    throw error
  }
}

export interface Rotation {
  recipient: string
  previous: Uint8Array
  wraps: { account_id: string; wrap: Uint8Array }[]
}

export async function postRotation(rotation: Rotation): Promise<KeyGeneration> {
  const json = {
    recipient: rotation.recipient,
    previous: base64.encode(rotation.previous),
    wraps: rotation.wraps.map((w) => ({ account_id: w.account_id, wrap: base64.encode(w.wrap) })),
  }
  return (await send('POST', '/v1/keys', { ...staff, json })).json()
}

export async function postWrap(accountId: string, wrap: Uint8Array): Promise<void> {
  await send('POST', '/v1/keys/current/wraps', { ...staff, json: { account_id: accountId, wrap: base64.encode(wrap) } })
}

export async function postRecoveryShares(
  threshold: number,
  shares: { holder: string; index: number; share: Uint8Array }[],
): Promise<void> {
  const json = {
    threshold,
    shares: shares.map((s) => ({ holder: s.holder, index: s.index, share: base64.encode(s.share) })),
  }
  await send('POST', '/v1/recovery-shares', { ...staff, json })
}

export interface StoredShare {
  id: string
  generation: number
  index: number
  threshold: number
  count: number
  share: string // base64 age file to the holder
}

export async function getMyShares(): Promise<StoredShare[]> {
  return (await (await send('GET', '/v1/recovery-shares/mine', staff)).json()).shares
}

export async function getText(path: string): Promise<string> {
  return (await send('GET', path, staff)).text()
}

export async function getBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await send('GET', path, staff)).arrayBuffer())
}

// ---- instance settings (GET and PATCH /v1/settings)
export interface Setting {
  key: string
  type: 'integer' | 'boolean' | 'text'
  value: number | boolean | string
  default: number | boolean | string // the starting value, from vigil.conf
  source: 'file' | 'log'
  log_index?: number // when source is log: the change's entry, and its hour
  hour?: number
  min?: number // integers
  max?: number
  unit?: '' | 'bytes' | 'hours' | 'minutes'
  max_length?: number // text
  max_lines?: number
}

export interface Settings {
  version: number
  settings: Setting[]
  changed?: string[]
}

export async function getSettings(): Promise<Settings> {
  return (await send('GET', '/v1/settings', staff)).json()
}

// Changes `values` all or nothing, if nobody changed the settings since `version` (else 409
// settings_conflict); 400 unknown_setting or invalid_setting names the setting and its bound.
export async function patchSettings(version: number, values: Record<string, number | boolean | string>): Promise<Settings> {
  return (await send('PATCH', '/v1/settings', { ...staff, json: { ...values, version } })).json()
}
