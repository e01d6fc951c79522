// Unlocking a staff member's keys: passphrase -> personal identity -> wrapped organisation
// identities -> older generations through `previous`, each checked against its recipient.
import { base64 } from '@scure/base'
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { decryptWith, encryptTo } from '../../src/crypto/age'
import type { AccountKeys } from '../../src/staff/api'
import { KeyError, StaffKeys } from '../../src/staff/keys'

const passphrase = 'seven words that open the staff identity'

async function byPassphrase(secret: string, text: string): Promise<string> {
  const e = new Encrypter()
  e.setPassphrase(secret)
  e.setScryptWorkFactor(10)
  return base64.encode(await e.encrypt(text))
}

// A member enrolled at generation 1, the key rotated once: the wrap is of generation 2 only.
async function rotatedMember() {
  const personal = await generateX25519Identity()
  const first = await generateX25519Identity()
  const second = await generateX25519Identity()
  const keys: AccountKeys = {
    id: 'a'.repeat(32),
    role: 'coordinator',
    recipient: await identityToRecipient(personal),
    identity: await byPassphrase(passphrase, personal),
    generations: [
      { generation: 1, recipient: await identityToRecipient(first), log_index: 3, previous: '' },
      {
        generation: 2,
        recipient: await identityToRecipient(second),
        log_index: 9,
        previous: base64.encode(await encryptTo([await identityToRecipient(second)], first)),
      },
    ],
    wraps: [{ generation: 2, wrap: base64.encode(await encryptTo([await identityToRecipient(personal)], second)) }],
  }
  return { keys, personal, first, second }
}

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'none'
  } catch (error) {
    return error instanceof KeyError ? error.problem : String(error)
  }
}

describe('StaffKeys', () => {
  it('opens every generation, the older one through the newer', async () => {
    const { keys, first, second } = await rotatedMember()
    const unlocked = await StaffKeys.unlockFrom(keys, passphrase)
    expect(unlocked.generations).toEqual([2, 1])
    expect(unlocked.hasCurrentKey).toBe(true)
    expect(unlocked.current.generation).toBe(2)
    expect(unlocked.organisationIdentity()).toBe(second)
    expect(unlocked.organisationIdentity(1)).toBe(first)
    // A report from before the rotation and one after both open.
    const old = await encryptTo([keys.generations[0].recipient, keys.recipient], 'before')
    const recent = await encryptTo([keys.generations[1].recipient], 'after')
    expect(await unlocked.decryptText(old)).toBe('before')
    expect(await unlocked.decryptText(recent)).toBe('after')
  })

  it('opens with the passphrase typed with other capitals and spaces', async () => {
    const { keys } = await rotatedMember()
    const unlocked = await StaffKeys.unlockFrom(keys, `  ${passphrase.toUpperCase().replace(/ /g, '  ')} `)
    expect(unlocked.generations).toEqual([2, 1])
  })

  it('encrypts a reply to the current organisation key and the reporter', async () => {
    const { keys, second } = await rotatedMember()
    const unlocked = await StaffKeys.unlockFrom(keys, passphrase)
    const reporter = await generateX25519Identity()
    const file = await unlocked.encryptForReporter(await identityToRecipient(reporter), 'a reply')
    expect(new TextDecoder().decode(await decryptWith(reporter, file))).toBe('a reply')
    expect(new TextDecoder().decode(await decryptWith(second, file))).toBe('a reply')
  })

  it('refuses a wrong passphrase', async () => {
    const { keys } = await rotatedMember()
    expect(await problemOf(StaffKeys.unlockFrom(keys, 'not the passphrase at all'))).toBe('wrong_passphrase')
  })

  it('refuses an identity that is not the one the server names', async () => {
    const { keys } = await rotatedMember()
    keys.generations[1].recipient = await identityToRecipient(await generateX25519Identity())
    expect(await problemOf(StaffKeys.unlockFrom(keys, passphrase))).toBe('key_mismatch')
    const other = await rotatedMember()
    other.keys.recipient = keys.recipient
    expect(await problemOf(StaffKeys.unlockFrom(other.keys, passphrase))).toBe('key_mismatch')
  })

  it('says when no organisation key is wrapped to the member yet', async () => {
    const { keys } = await rotatedMember()
    keys.wraps = []
    expect(await problemOf(StaffKeys.unlockFrom(keys, passphrase))).toBe('no_organisation_key')
  })

  it('forgets the identities when locked', async () => {
    const { keys } = await rotatedMember()
    const unlocked = await StaffKeys.unlockFrom(keys, passphrase)
    unlocked.lock()
    expect(unlocked.isLocked).toBe(true)
    expect(unlocked.generations).toEqual([])
    expect(() => unlocked.organisationIdentity()).toThrow(KeyError)
    expect(() => unlocked.personalIdentity()).toThrow(KeyError)
    expect(await problemOf(unlocked.decrypt(new Uint8Array(10)))).toBe('locked')
    expect(await problemOf(unlocked.encryptForReporter(keys.recipient, 'x'))).toBe('locked')
  })
})
