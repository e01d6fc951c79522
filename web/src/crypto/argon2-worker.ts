// The worker that runs Argon2id off the page's thread: 64 MiB and a second or more of work per
// derivation, which would otherwise freeze the page (and its progress text) on a phone.
import { argon2id } from './argon2'

export interface Argon2Request {
  id: number
  password: Uint8Array
  salt: Uint8Array
}

export type Argon2Response = { id: number; hash: Uint8Array } | { id: number; error: string }

self.onmessage = async (event: MessageEvent<Argon2Request>) => {
  const { id, password, salt } = event.data
  try {
    const hash = await argon2id(password, salt)
    self.postMessage({ id, hash } satisfies Argon2Response)
  } catch (error) {
    self.postMessage({ id, error: String(error) } satisfies Argon2Response)
  } finally {
    password.fill(0)
  }
}
