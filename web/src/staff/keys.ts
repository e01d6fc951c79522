// Unlocking a staff member's keys in the browser (DESIGN.md section 3): the personal identity,
// stored on the server age-encrypted to the passphrase (scrypt), opens the organisation
// identities wrapped to it; each generation's `previous` (the older identity encrypted to the
// newer one, after a rotation) opens the generations before it, so history stays readable.
// Every identity is checked against the recipient the server publishes for it.
//
// Security: the identities live only in this object, in the page's memory; nothing here writes
// them to storage. JavaScript strings cannot be wiped, so lock() drops the references and the
// page is meant to be closed after signing out (docs/threat_model.md, "Staff pages").
import { base64 } from '@scure/base'
import { Decrypter, identityToRecipient } from 'age-encryption'
import { encryptTo } from '../crypto/age'
import { normalisePassphrase } from '../crypto/derivation'
import { getMyKeys, type AccountKeys, type Role } from './api'
import type { PassphraseRequest, PassphraseResponse } from './passphrase-worker'

export type KeyProblem =
  | 'wrong_passphrase' // the passphrase does not open the personal identity
  | 'no_organisation_key' // no organisation key is wrapped to this member yet
  | 'key_mismatch' // a decrypted identity is not the one the server names: refuse to use it
  | 'locked' // lock() was called

export class KeyError extends Error {
  constructor(readonly problem: KeyProblem) {
    super(problem)
  }
}

export interface OrganisationKey {
  generation: number
  recipient: string
}

async function openWithPassphrase(file: Uint8Array, passphrase: string): Promise<string | null> {
  // The passphrase as typed, then in the normal form of the login derivation (a page that
  // normalised it at enrolment), so that both ways of enrolling unlock.
  const candidates = [...new Set([passphrase, normalisePassphrase(passphrase)])]
  if (typeof Worker !== 'undefined') {
    // scrypt in a worker of its own (passphrase-worker.ts), so the page keeps responding.
    const worker = new Worker(new URL('./passphrase-worker.ts', import.meta.url), { type: 'module' })
    try {
      return await new Promise<string | null>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<PassphraseResponse>) => resolve(event.data.identity)
        worker.onerror = () => reject(new Error('the passphrase worker failed'))
        worker.postMessage({ file, candidates } satisfies PassphraseRequest)
      })
    } finally {
      worker.terminate()
    }
  }
  for (const candidate of candidates) {
    const d = new Decrypter()
    d.addPassphrase(candidate)
    try {
      return (await d.decrypt(file, 'text')).trim()
    } catch {
      // Try the next form.
    }
  }
  return null
}

async function openWithIdentity(file: Uint8Array, identity: string): Promise<string> {
  const d = new Decrypter()
  d.addIdentity(identity)
  return (await d.decrypt(file, 'text')).trim()
}

export class StaffKeys {
  private identity: string | null
  private organisation: Map<number, string> | null

  private constructor(
    readonly accountId: string,
    readonly role: Role | 'none',
    readonly recipient: string,
    identity: string,
    organisation: Map<number, string>,
    // The newest generation the server knows; replies are encrypted to it.
    readonly current: OrganisationKey,
  ) {
    this.identity = identity
    this.organisation = organisation
  }

  // Fetches the member's keys (GET /v1/accounts/me/keys) and unlocks them. Throws KeyError, or
  // ApiError when the request fails (401: the session ended).
  static async unlock(passphrase: string): Promise<StaffKeys> {
    return StaffKeys.unlockFrom(await getMyKeys(), passphrase)
  }

  // Unlocks keys already fetched. Throws KeyError.
  static async unlockFrom(keys: AccountKeys, passphrase: string): Promise<StaffKeys> {
    const identity = await openWithPassphrase(base64.decode(keys.identity), passphrase)
    if (!identity) throw new KeyError('wrong_passphrase')
    if ((await identityToRecipient(identity)) !== keys.recipient) throw new KeyError('key_mismatch')

    const generations = new Map(keys.generations.map((g) => [g.generation, g]))
    const opened = new Map<number, string>()
    const check = async (generation: number, candidate: string) => {
      const expected = generations.get(generation)?.recipient
      if (!expected || (await identityToRecipient(candidate)) !== expected) throw new KeyError('key_mismatch')
      opened.set(generation, candidate)
    }
    for (const w of keys.wraps) {
      if (opened.has(w.generation)) continue
      await check(w.generation, await openWithIdentity(base64.decode(w.wrap), identity))
    }
    // Down the chain of rotations: generation g holds g-1 encrypted to it.
    const numbers = [...generations.keys()].sort((a, b) => b - a)
    for (const g of numbers) {
      const newer = opened.get(g)
      const previous = generations.get(g)?.previous ?? ''
      if (!newer || !previous || opened.has(g - 1) || !generations.has(g - 1)) continue
      await check(g - 1, await openWithIdentity(base64.decode(previous), newer))
    }
    if (opened.size === 0 || numbers.length === 0) throw new KeyError('no_organisation_key')
    const newest = generations.get(numbers[0])!
    return new StaffKeys(keys.id, keys.role, keys.recipient, identity, opened, {
      generation: newest.generation,
      recipient: newest.recipient,
    })
  }

  get isLocked(): boolean {
    return this.identity === null
  }

  // Whether the newest organisation key is open (false for a member the key holders have not
  // wrapped it to yet: older material still opens).
  get hasCurrentKey(): boolean {
    return this.organisation?.has(this.current.generation) ?? false
  }

  // The generations this member can open, newest first.
  get generations(): number[] {
    return [...(this.organisation?.keys() ?? [])].sort((a, b) => b - a)
  }

  // An age file addressed to the organisation (any generation this member holds).
  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    const d = new Decrypter()
    for (const identity of this.organisationIdentities()) d.addIdentity(identity)
    return d.decrypt(ciphertext)
  }

  async decryptText(ciphertext: Uint8Array): Promise<string> {
    return new TextDecoder().decode(await this.decrypt(ciphertext))
  }

  // An age file addressed to this member personally (a wrap, a recovery share).
  async decryptPersonal(ciphertext: Uint8Array): Promise<Uint8Array> {
    const d = new Decrypter()
    d.addIdentity(this.personalIdentity())
    return d.decrypt(ciphertext)
  }

  // A reply or case record: to the current organisation recipient and the reporter's, the two
  // X25519 stanzas the server expects of a message.
  async encryptForReporter(reporterRecipient: string, plaintext: Uint8Array | string): Promise<Uint8Array> {
    if (this.isLocked) throw new KeyError('locked')
    return encryptTo([this.current.recipient, reporterRecipient], plaintext)
  }

  // The organisation identity of a generation (the newest held by default), for the pages
  // that wrap it to a new member or rotate it. Treat as a secret: never store or log it.
  organisationIdentity(generation?: number): string {
    const held = this.organisation
    if (!held) throw new KeyError('locked')
    const wanted = generation ?? this.generations[0]
    const identity = held.get(wanted)
    if (!identity) throw new KeyError('no_organisation_key')
    return identity
  }

  personalIdentity(): string {
    if (this.identity === null) throw new KeyError('locked')
    return this.identity
  }

  // Forgets every identity (sign-out, session expiry). Further use throws KeyError('locked').
  lock(): void {
    this.identity = null
    this.organisation?.clear()
    this.organisation = null
  }

  private organisationIdentities(): string[] {
    const held = this.organisation
    if (!held || held.size === 0) throw new KeyError('locked')
    return [...held.values()]
  }
}
