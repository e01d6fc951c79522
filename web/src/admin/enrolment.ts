// First run from a one-time link (/join#<token>), without DOM: what e2e/staff.ts does through the
// API, done in the browser. The invitee's passphrase is generated here (8 words of the EFF
// large list), their X25519 identity is made here and stored on the server age-encrypted with
// the passphrase, the login secret is derived here with Argon2id; the first administrator also
// makes the organisation key here and wraps it to themselves. The server sees no private key.
import { base64 } from '@scure/base'
import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { encryptTo } from '../crypto/age'
import { deriveLoginSecret, normalisePassphrase, toHex, type Argon2id } from '../crypto/derivation'
import { generatePassphrase, type FillRandom } from '../crypto/passphrase'
import { postAccount, postEnrolment, type Account, type Enrolment, type NewAccount } from './api'

export const STAFF_PASSPHRASE_WORDS = 8

// The token of a /join link: 64 lower-case hex digits in the fragment (never sent to a server).
export function tokenFromHash(hash: string): string | null {
  const token = hash.replace(/^#/, '').trim().toLowerCase()
  return /^[0-9a-f]{64}$/.test(token) ? token : null
}

// Login names as the server takes them: 1-64 printable ASCII characters, no spaces.
export function isValidLoginName(name: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(name)
}

// The TOTP secret in groups of four, easier to type into an authenticator.
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? ''
}

export function newStaffPassphrase(words: readonly string[], fill?: FillRandom): string {
  return generatePassphrase(words, STAFF_PASSPHRASE_WORDS, fill)
}

export interface AccountRequestInput {
  token: string
  enrolment: Enrolment
  loginName: string
  passphrase: string
  totpCode: string
  argon2: Argon2id
  // Test hooks: a fixed login salt, a cheaper scrypt (age's default, 2^18, otherwise).
  loginSalt?: Uint8Array
  scryptWorkFactor?: number
}

export interface PreparedAccount {
  body: NewAccount
  identity: string // the new personal identity: kept in memory only, for the page's next steps
  organisationIdentity: string | null // the new organisation identity, first administrator only
}

// Builds the POST /v1/accounts body. Every secret is made and encrypted here.
export async function prepareAccount(input: AccountRequestInput): Promise<PreparedAccount> {
  const passphrase = normalisePassphrase(input.passphrase)
  const loginSalt = input.loginSalt ?? crypto.getRandomValues(new Uint8Array(16))
  const identity = await generateX25519Identity()
  const recipient = await identityToRecipient(identity)
  const byPassphrase = new Encrypter()
  byPassphrase.setPassphrase(passphrase)
  if (input.scryptWorkFactor) byPassphrase.setScryptWorkFactor(input.scryptWorkFactor)
  const secret = await deriveLoginSecret(passphrase, loginSalt, input.argon2)
  const body: NewAccount = {
    invitation_token: input.token,
    login_name: input.loginName.trim(),
    login_salt: toHex(loginSalt),
    login_secret: base64.encode(secret),
    recipient,
    identity: base64.encode(await byPassphrase.encrypt(identity)),
    totp_code: input.totpCode,
  }
  secret.fill(0)
  let organisationIdentity: string | null = null
  if (input.enrolment.creates_organisation_key) {
    organisationIdentity = await generateX25519Identity()
    body.organisation_recipient = await identityToRecipient(organisationIdentity)
    body.organisation_wrap = base64.encode(await encryptTo([recipient], organisationIdentity))
  }
  return { body, identity, organisationIdentity }
}

export { postEnrolment }

export async function createAccount(prepared: PreparedAccount): Promise<Account> {
  return postAccount(prepared.body)
}
