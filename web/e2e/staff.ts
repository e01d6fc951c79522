// The staff side the end-to-end tests need before the staff pages exist: the first
// administrator enrolled through the API as their browser will (login secret derived from the
// passphrase, identity kept under the passphrase, organisation key made on the device and
// wrapped to them, a TOTP code), then a signed-in session that reads and answers reports.
// The same requests as tests/integration/account_api_test.cc.
import { createHmac } from 'node:crypto'
import { base32nopad, base64 } from '@scure/base'
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { argon2id } from '../src/crypto/argon2'
import { deriveLoginSecret, toHex } from '../src/crypto/derivation'
import { decryptWith, encryptTo } from '../src/crypto/age'
import type { Instance } from './instance'

// RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits.
export function totp(secret: Uint8Array, unixSeconds: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)))
  const mac = createHmac('sha1', secret).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const value = mac.readUInt32BE(offset) & 0x7fffffff
  return String(value % 1_000_000).padStart(6, '0')
}

async function json(response: Response, expected: number): Promise<any> {
  const text = await response.text()
  if (response.status !== expected) throw new Error(`${response.url}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : {}
}

export class Administrator {
  private cookie = ''
  private lastStep = -1

  private constructor(
    private readonly instance: Instance,
    readonly loginName: string,
    readonly passphrase: string,
    private readonly loginSalt: Uint8Array,
    private readonly totpSecret: Uint8Array,
    readonly organisationIdentity: string,
  ) {}

  static async enrol(instance: Instance): Promise<Administrator> {
    const post = (path: string, body: unknown) =>
      instance.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    const token = instance.invitationToken
    const enrolment = await json(await post('/v1/enrolments', { invitation_token: token }), 201)
    const totpSecret = base32nopad.decode(enrolment.totp_secret)
    const passphrase = 'e2e administrator passphrase with seven words'
    const loginSalt = crypto.getRandomValues(new Uint8Array(16))
    const identity = await generateX25519Identity()
    const recipient = await identityToRecipient(identity)
    const byPassphrase = new Encrypter()
    byPassphrase.setPassphrase(passphrase)
    byPassphrase.setScryptWorkFactor(12)
    const organisation = await generateX25519Identity()
    const admin = new Administrator(instance, 'e2e-admin', passphrase, loginSalt, totpSecret, organisation)
    const body: Record<string, string> = {
      invitation_token: token,
      login_name: admin.loginName,
      login_salt: toHex(loginSalt),
      login_secret: base64.encode(await deriveLoginSecret(passphrase, loginSalt, argon2id)),
      recipient,
      identity: base64.encode(await byPassphrase.encrypt(identity)),
      totp_code: await admin.nextCode(),
    }
    if (enrolment.creates_organisation_key) {
      body.organisation_recipient = await identityToRecipient(organisation)
      body.organisation_wrap = base64.encode(await encryptTo([recipient], organisation))
    }
    await json(await post('/v1/accounts', body), 201)
    return admin
  }

  // A TOTP code never used before: each code works once, and the server takes the next
  // step's code too (one step of clock drift), so a second sign-in within 30 seconds uses the
  // next step; past that, wait for the clock (without blocking, so that the HTTP client notices
  // connections the server closed meanwhile). Public for the tests that type it into a page.
  async nextCode(): Promise<string> {
    let now = Date.now() / 1000
    let step = Math.max(Math.floor(now / 30), this.lastStep + 1)
    if (step > Math.floor(now / 30) + 1) {
      await new Promise((ok) => setTimeout(ok, ((step - 1) * 30 - now + 0.5) * 1000))
      now = Date.now() / 1000
      step = Math.max(Math.floor(now / 30), this.lastStep + 1)
    }
    this.lastStep = step
    return totp(this.totpSecret, step * 30)
  }

  async signIn(): Promise<void> {
    const response = await this.instance.fetch('/v1/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        login_name: this.loginName,
        login_secret: base64.encode(await deriveLoginSecret(this.passphrase, this.loginSalt, argon2id)),
        totp_code: await this.nextCode(),
      }),
    })
    await json(response, 201)
    this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]
  }

  // A request with this session's cookie (the case pages' tests and benchmark store cases).
  request(path: string, init: RequestInit = {}): Promise<Response> {
    return this.instance.fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), Cookie: this.cookie } })
  }

  private get(path: string): Promise<Response> {
    return this.instance.fetch(path, { headers: { Cookie: this.cookie } })
  }

  async reports(): Promise<{ id: string }[]> {
    return (await json(await this.get('/v1/reports'), 200)).reports
  }

  async report(id: string): Promise<any> {
    return json(await this.get(`/v1/reports/${id}`), 200)
  }

  async decrypt(path: string): Promise<Uint8Array> {
    const response = await this.get(path)
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`)
    return decryptWith(this.organisationIdentity, new Uint8Array(await response.arrayBuffer()))
  }

  async reply(reportId: string, reporterRecipient: string, text: string): Promise<void> {
    const content = { format: 'vigil-report/v1', language: 'en', submitted_via: 'web', fields: { what: text }, attachments: [] }
    const ciphertext = await encryptTo(
      [await identityToRecipient(this.organisationIdentity), reporterRecipient],
      JSON.stringify(content),
    )
    const response = await this.instance.fetch(`/v1/reports/${reportId}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: this.cookie },
      body: JSON.stringify({ ciphertext: base64.encode(ciphertext) }),
    })
    await json(response, 201)
  }
}

export { Decrypter }
