// Enrolment and the organisation key as the administrator's pages make them: the account body
// of the first administrator and of a coordinator, unlocked afterwards by the staff module as
// the server would hand it back; a rotation that keeps history readable; wraps for newcomers.
import { base64 } from '@scure/base'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import type { Account, Enrolment } from '../../src/admin/api'
import { groupSecret, isValidLoginName, newStaffPassphrase, prepareAccount, tokenFromHash } from '../../src/admin/enrolment'
import { awaitingWrap, holdsKeys, prepareRotation, wrapTo } from '../../src/admin/keys'
import { decryptWith } from '../../src/crypto/age'
import { deriveLoginSecret, fromHex, type Argon2id } from '../../src/crypto/derivation'
import type { AccountKeys } from '../../src/staff/api'
import { StaffKeys } from '../../src/staff/keys'

// A stand-in for Argon2id (the derivation itself is tested against the C++ vectors elsewhere).
const fakeArgon2: Argon2id = async (password, salt) => {
  const data = new Uint8Array([...password, ...salt])
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data))
}

const token = 'ab'.repeat(32)
const enrolment = (role: 'admin' | 'coordinator', creates: boolean): Enrolment => ({
  role,
  totp_secret: 'JBSWY3DPEHPK3PXP',
  otpauth_uri: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP',
  creates_organisation_key: creates,
  instance: 'e2e.example/vigil',
})

describe('enrolment steps', () => {
  it('reads the token from the fragment only when it is one', () => {
    expect(tokenFromHash('#' + token)).toBe(token)
    expect(tokenFromHash('#' + token.toUpperCase())).toBe(token)
    expect(tokenFromHash('#abc')).toBeNull()
    expect(tokenFromHash('')).toBeNull()
  })

  it('checks login names as the server does', () => {
    expect(isValidLoginName('e2e-admin')).toBe(true)
    expect(isValidLoginName('x'.repeat(64))).toBe(true)
    expect(isValidLoginName('x'.repeat(65))).toBe(false)
    expect(isValidLoginName('two words')).toBe(false)
    expect(isValidLoginName('')).toBe(false)
    expect(isValidLoginName('naïve')).toBe(false)
  })

  it('groups the TOTP secret and draws 8-word passphrases', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP')
    const words = ['alpha', 'bravo', 'charlie', 'delta']
    expect(newStaffPassphrase(words).split(' ')).toHaveLength(8)
  })

  it('makes the first administrator: identity under the passphrase, organisation key wrapped to it', async () => {
    const passphrase = 'Upper  case and spaces in a passphrase'
    const salt = new Uint8Array(16).fill(7)
    const prepared = await prepareAccount({
      token,
      enrolment: enrolment('admin', true),
      loginName: '  e2e-admin ',
      passphrase,
      totpCode: '123456',
      argon2: fakeArgon2,
      loginSalt: salt,
      scryptWorkFactor: 10,
    })
    const body = prepared.body
    expect(body.login_name).toBe('e2e-admin')
    expect(body.login_salt).toBe('07'.repeat(16))
    expect(body.login_secret).toBe(base64.encode(await deriveLoginSecret(passphrase, fromHex(body.login_salt), fakeArgon2)))
    expect(body.recipient).toBe(await identityToRecipient(prepared.identity))
    expect(body.organisation_recipient).toBe(await identityToRecipient(prepared.organisationIdentity!))
    const opened = new TextDecoder().decode(await decryptWith(prepared.identity, base64.decode(body.organisation_wrap!)))
    expect(opened).toBe(prepared.organisationIdentity)

    // What GET /v1/accounts/me/keys then returns, unlocked by the staff module with the
    // passphrase as the person types it at sign-in.
    const keys: AccountKeys = {
      id: 'a'.repeat(32),
      role: 'admin',
      recipient: body.recipient,
      identity: body.identity,
      generations: [{ generation: 1, recipient: body.organisation_recipient!, log_index: 2, previous: '' }],
      wraps: [{ generation: 1, wrap: body.organisation_wrap! }],
    }
    const unlocked = await StaffKeys.unlockFrom(keys, passphrase)
    expect(unlocked.organisationIdentity()).toBe(prepared.organisationIdentity)
  })

  it('makes an invited coordinator without an organisation key', async () => {
    const prepared = await prepareAccount({
      token,
      enrolment: enrolment('coordinator', false),
      loginName: 'coordinator',
      passphrase: 'one two three four five six seven eight',
      totpCode: '654321',
      argon2: fakeArgon2,
      scryptWorkFactor: 10,
    })
    expect(prepared.organisationIdentity).toBeNull()
    expect(prepared.body.organisation_recipient).toBeUndefined()
    expect(prepared.body.organisation_wrap).toBeUndefined()
    expect(prepared.body.login_salt).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('the organisation key', () => {
  async function member(id: string, role: Account['role'], hasKey: boolean) {
    const identity = await generateX25519Identity()
    const account: Account = { id: id.repeat(32), role, recipient: await identityToRecipient(identity), created_hour: 1, log_index: 1, has_current_key: hasKey }
    return { identity, account }
  }

  it('wraps to key holders that have none, and rotates to exactly the remaining holders', async () => {
    const admin = await member('a', 'admin', true)
    const newcomer = await member('b', 'coordinator', false)
    const auditor = await member('c', 'auditor', false)
    const gone = await member('d', 'none', true)
    const accounts = [admin.account, newcomer.account, auditor.account, gone.account]
    expect(awaitingWrap(accounts).map((a) => a.id)).toEqual([newcomer.account.id])
    expect(accounts.filter(holdsKeys)).toHaveLength(2)

    const current = await generateX25519Identity()
    const wrap = await wrapTo(current, newcomer.account)
    expect(new TextDecoder().decode(await decryptWith(newcomer.identity, wrap))).toBe(current)

    const { rotation, identity } = await prepareRotation(current, accounts)
    expect(rotation.recipient).toBe(await identityToRecipient(identity))
    expect(rotation.wraps.map((w) => w.account_id)).toEqual([admin.account.id, newcomer.account.id])
    for (const [w, m] of [
      [rotation.wraps[0], admin],
      [rotation.wraps[1], newcomer],
    ] as const)
      expect(new TextDecoder().decode(await decryptWith(m.identity, w.wrap))).toBe(identity)
    // History stays readable: the previous identity is encrypted to the new one.
    expect(new TextDecoder().decode(await decryptWith(identity, rotation.previous))).toBe(current)
  })
})
