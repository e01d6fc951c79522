// Staff sign-in against a stand-in for the server: the requests it makes (never the
// passphrase), the login secret it derives, and what each failure becomes.
import { base64 } from '@scure/base'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { argon2id } from '../../src/crypto/argon2'
import { deriveLoginSecret, fromHex } from '../../src/crypto/derivation'
import { currentSession, normaliseTotpCode, signIn, SignInError, signOut } from '../../src/staff/session'

const salt = '00112233445566778899aabbccddeeff'
const passphrase = 'correct horse battery staple with more words'

interface Call {
  method: string
  path: string
  body: any
  credentials: RequestCredentials | undefined
}

function server(answer: (call: Call) => { status: number; body?: unknown; headers?: Record<string, string> }): Call[] {
  const calls: Call[] = []
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    const call = {
      method: init.method ?? 'GET',
      path,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      credentials: init.credentials,
    }
    calls.push(call)
    const a = answer(call)
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: a.headers })
  })
  return calls
}

function error(code: string) {
  return { error: { code, message: 'fixed text' }, request_id: '0123456789abcdef' }
}

async function problemOf(promise: Promise<unknown>): Promise<SignInError> {
  try {
    await promise
  } catch (e) {
    if (e instanceof SignInError) return e
    throw e
  }
  throw new Error('no error')
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('staff sign-in', () => {
  it('sends the name, the derived login secret and the code, never the passphrase', async () => {
    const calls = server((c) =>
      c.path === '/v1/login-salts'
        ? { status: 200, body: { login_salt: salt } }
        : { status: 201, body: { account_id: 'b'.repeat(32), role: 'coordinator', expires_at: 1 } },
    )
    const session = await signIn({ loginName: '  Coordinator ', passphrase, totpCode: '123 456' }, argon2id)
    expect(session).toEqual({ accountId: 'b'.repeat(32), role: 'coordinator' })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /v1/login-salts', 'POST /v1/sessions'])
    expect(calls[0].body).toEqual({ login_name: 'Coordinator' })
    const expected = base64.encode(await deriveLoginSecret(passphrase, fromHex(salt), argon2id))
    expect(calls[1].body).toEqual({ login_name: 'Coordinator', login_secret: expected, totp_code: '123456' })
    expect(JSON.stringify(calls)).not.toContain('horse')
    // The session cookie goes with staff requests.
    expect(calls.every((c) => c.credentials === 'same-origin')).toBe(true)
  })

  it('checks the fields before deriving anything', async () => {
    const calls = server(() => ({ status: 500 }))
    for (const credentials of [
      { loginName: '', passphrase, totpCode: '123456' },
      { loginName: 'x', passphrase: '  ', totpCode: '123456' },
      { loginName: 'x', passphrase, totpCode: '12345' },
    ])
      expect((await problemOf(signIn(credentials, argon2id))).problem).toBe('missing_fields')
    expect(calls).toEqual([])
  })

  it('says wrong credentials, lock-out with its wait, and network failures apart', async () => {
    const fast = async () => new Uint8Array(32)
    server((c) => (c.path === '/v1/login-salts' ? { status: 200, body: { login_salt: salt } } : { status: 401, body: error('invalid_credentials') }))
    expect((await problemOf(signIn({ loginName: 'x', passphrase, totpCode: '000000' }, fast))).problem).toBe(
      'wrong_credentials',
    )
    server((c) =>
      c.path === '/v1/login-salts'
        ? { status: 200, body: { login_salt: salt } }
        : { status: 429, body: error('locked_out'), headers: { 'Retry-After': '840' } },
    )
    const locked = await problemOf(signIn({ loginName: 'x', passphrase, totpCode: '000000' }, fast))
    expect(locked.problem).toBe('locked_out')
    expect(locked.retryAfter).toBe(840)
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('failed to fetch')
    })
    expect((await problemOf(signIn({ loginName: 'x', passphrase, totpCode: '000000' }, fast))).problem).toBe('network')
  })

  it('finds the current session, or none once it has ended', async () => {
    server(() => ({ status: 200, body: { account_id: 'c'.repeat(32), role: 'admin' } }))
    expect(await currentSession()).toEqual({ accountId: 'c'.repeat(32), role: 'admin' })
    server(() => ({ status: 401, body: error('unauthenticated') }))
    expect(await currentSession()).toBeNull()
  })

  it('signs out, also when the session had already ended', async () => {
    const calls = server(() => ({ status: 204 }))
    await signOut()
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['DELETE /v1/sessions/current'])
    server(() => ({ status: 401, body: error('unauthenticated') }))
    await signOut()
  })

  it('reads a TOTP code as people type it', () => {
    expect(normaliseTotpCode(' 123-456 ')).toBe('123456')
    expect(normaliseTotpCode('12345a')).toBeNull()
    expect(normaliseTotpCode('1234567')).toBeNull()
  })
})
