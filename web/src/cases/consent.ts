// Consent (docs/formats/cases.md, "Consent"): may this case share scope S about person P with
// recipient R at time T? Yes only when a record covers it, is in force at T, and no revocation of
// a covering record came at or after that record was given. Revocation wins.
import { timeOf, type CaseDocument, type ConsentRecord } from './model'

export type ConsentStatus = 'not_yet' | 'active' | 'expired' | 'revoked'

// The state of one record at `at`.
export function consentStatus(record: ConsentRecord, at: Date): ConsentStatus {
  const t = at.getTime()
  if (record.revoked !== undefined && timeOf(record.revoked) <= t) return 'revoked'
  if (timeOf(record.given) > t) return 'not_yet'
  if (record.expires !== undefined && timeOf(record.expires) <= t) return 'expired'
  return 'active'
}

export interface Recipient {
  id: string // taxonomy consent_recipients
  other?: string // for "other": the recipient as the record names it
}

function sameRecipient(record: ConsentRecord, recipient: Recipient): boolean {
  if (record.recipient !== recipient.id) return false
  // Security: "other" is many recipients; a record for one of them allows no other.
  if (record.recipient === 'other')
    return recipient.other !== undefined && record.recipient_other?.trim().toLowerCase() === recipient.other.trim().toLowerCase()
  return true
}

// Whether `scope` about `person` may go to `recipient` at `at`. A record covers it when it names
// the person, the recipient and the scope. Allowed when some covering record is active at `at`
// and was given after every revocation (at or before `at`) of a covering record: a revocation
// withdraws every consent given before it, and only a consent given afterwards counts again.
export function isSharingAllowed(doc: CaseDocument, person: string, scope: string, recipient: Recipient, at: Date): boolean {
  const t = at.getTime()
  const covering = doc.consents.filter((r) => r.person === person && r.scope.includes(scope) && sameRecipient(r, recipient))
  let lastRevocation = -Infinity
  for (const r of covering) if (r.revoked !== undefined && timeOf(r.revoked) <= t) lastRevocation = Math.max(lastRevocation, timeOf(r.revoked))
  return covering.some((r) => consentStatus(r, at) === 'active' && timeOf(r.given) > lastRevocation)
}

// The scopes about `person` that may go to `recipient` at `at`.
export function allowedScopes(doc: CaseDocument, person: string, recipient: Recipient, at: Date, scopes: readonly string[]): string[] {
  return scopes.filter((s) => isSharingAllowed(doc, person, s, recipient, at))
}
