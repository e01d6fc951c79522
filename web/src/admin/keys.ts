// The organisation key, administered in the browser (DESIGN.md section 3): wraps for members
// who have none yet, and rotation when someone leaves. A rotation makes a new organisation
// identity here, encrypts the previous one to it (history stays readable) and wraps the new
// one to every active administrator and coordinator, exactly those (the server refuses more
// or fewer). No private key leaves the page unencrypted.
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { encryptTo } from '../crypto/age'
import type { Account, Rotation } from './api'

export function holdsKeys(account: Pick<Account, 'role'>): boolean {
  return account.role === 'admin' || account.role === 'coordinator'
}

// Key holders the current organisation key has not been wrapped to yet.
export function awaitingWrap(accounts: readonly Account[]): Account[] {
  return accounts.filter((a) => holdsKeys(a) && !a.has_current_key && a.recipient)
}

export async function wrapTo(organisationIdentity: string, account: Pick<Account, 'recipient'>): Promise<Uint8Array> {
  return encryptTo([account.recipient], organisationIdentity)
}

export interface PreparedRotation {
  rotation: Rotation
  identity: string // the new organisation identity: memory only
}

// `current` is the organisation identity of the newest generation; `accounts` the accounts as
// they will be after the change (the one who left already demoted or removed).
export async function prepareRotation(current: string, accounts: readonly Account[]): Promise<PreparedRotation> {
  const identity = await generateX25519Identity()
  const recipient = await identityToRecipient(identity)
  const wraps = []
  for (const account of accounts.filter(holdsKeys)) {
    wraps.push({ account_id: account.id, wrap: await encryptTo([account.recipient], identity) })
  }
  return { rotation: { recipient, previous: await encryptTo([recipient], current), wraps }, identity }
}
