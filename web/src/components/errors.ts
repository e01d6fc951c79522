// What to tell a person when a request fails, from the API's stable error codes.
import { ApiError } from '../api/client'
import type { Translator } from '../i18n/i18n'

const keyByCode: Record<string, string> = {
  network: 'error_network',
  no_organisation_key: 'error_not_ready',
  storage_full: 'error_storage_full',
  upload_quota_exceeded: 'error_storage_full',
  payload_too_large: 'error_too_large',
  upload_too_large: 'error_too_large',
  unavailable: 'error_unavailable',
  database_unavailable: 'error_unavailable',
  not_found: 'follow_not_found',
}

export function describeError(t: Translator, error: unknown): string {
  const code = error instanceof ApiError ? error.code : 'internal'
  const key = keyByCode[code]
  return key ? t.t(key) : t.t('error_generic', { code })
}
