// Staff sign-in, as e2e/staff.ts does it through the API: the login salt of the name, the login
// secret derived from the passphrase with Argon2id in the browser (docs/formats/derivation.md,
// "staff login"), then POST /v1/sessions with a TOTP code. The passphrase never leaves the
// device; the session is an HttpOnly cookie that no script reads. Shared by every staff page.
import { ApiError } from '../api/client'
import { argon2InWorker } from '../crypto/argon2-client'
import { deriveLoginSecret, fromHex, type Argon2id } from '../crypto/derivation'
import { deleteCurrentSession, getCurrentSession, getLoginSalt, postSession, type Role } from './api'

export type { Role } from './api'

export interface StaffSession {
  accountId: string
  role: Role
}

export interface Credentials {
  loginName: string
  passphrase: string
  totpCode: string
}

// Why a sign-in or a staff request failed, in the words the pages use.
export type SignInProblem =
  | 'missing_fields' // a field is empty or the code is not 6 digits
  | 'wrong_credentials' // the name, passphrase or code is wrong (one answer for all three)
  | 'locked_out' // too many failures: wait (SignInError.retryAfter seconds, when known)
  | 'session_expired' // the session ended (idle, lifetime, signed out elsewhere)
  | 'network'
  | 'other'

export class SignInError extends Error {
  constructor(
    readonly problem: SignInProblem,
    readonly retryAfter: number | null = null,
    readonly code = problem as string,
  ) {
    super(problem)
  }
}

// A TOTP code as people type it ("123 456", "123-456") made the 6 digits the server expects;
// null when it is not 6 digits.
export function normaliseTotpCode(code: string): string | null {
  const digits = code.replace(/[\s-]/g, '')
  return /^[0-9]{6}$/.test(digits) ? digits : null
}

// Login names are compared without case on the server; only surrounding space is dropped here.
export function normaliseLoginName(name: string): string {
  return name.trim()
}

// Maps a failed staff request to a SignInProblem. 401 means the session is gone everywhere
// except at sign-in, where it means wrong credentials.
export function classify(error: unknown, atSignIn = false): SignInError {
  if (error instanceof SignInError) return error
  if (!(error instanceof ApiError)) return new SignInError('other', null, 'internal')
  if (error.code === 'network') return new SignInError('network')
  if (error.status === 429 || error.code === 'locked_out') return new SignInError('locked_out', error.retryAfter)
  if (error.status === 401) return new SignInError(atSignIn ? 'wrong_credentials' : 'session_expired', null, error.code)
  return new SignInError('other', null, error.code)
}

// Signs in. Throws SignInError. `argon2` is the worker's by default (tests pass argon2.ts's).
export async function signIn(credentials: Credentials, argon2: Argon2id = argon2InWorker): Promise<StaffSession> {
  const loginName = normaliseLoginName(credentials.loginName)
  const code = normaliseTotpCode(credentials.totpCode)
  if (!loginName || !credentials.passphrase.trim() || !code) throw new SignInError('missing_fields')
  try {
    const salt = fromHex(await getLoginSalt(loginName))
    const secret = await deriveLoginSecret(credentials.passphrase, salt, argon2)
    try {
      const info = await postSession(loginName, secret, code)
      return { accountId: info.account_id, role: info.role }
    } finally {
      secret.fill(0)
    }
  } catch (error) {
    throw classify(error, true)
  }
}

// The session this browser holds, or null when there is none (or it has ended).
export async function currentSession(): Promise<StaffSession | null> {
  try {
    const info = await getCurrentSession()
    return { accountId: info.account_id, role: info.role }
  } catch (error) {
    const problem = classify(error)
    if (problem.problem === 'session_expired') return null
    throw problem
  }
}

// Ends the session on the server (and so the cookie). A session that had already ended is not
// an error.
export async function signOut(): Promise<void> {
  try {
    await deleteCurrentSession()
  } catch (error) {
    const problem = classify(error)
    if (problem.problem !== 'session_expired') throw problem
  }
}
