// Opens the personal identity file (age, scrypt recipient) off the page's thread: scrypt at
// age's work factor takes a second or two, during which the page would otherwise freeze.
// One request per worker; keys.ts starts it, and ends it once it answers.
import { Decrypter } from 'age-encryption'

export interface PassphraseRequest {
  file: Uint8Array
  candidates: string[] // the passphrase forms to try, in order
}
export interface PassphraseResponse {
  identity: string | null // null: no candidate opened the file
}

self.onmessage = async (event: MessageEvent<PassphraseRequest>) => {
  const { file, candidates } = event.data
  let identity: string | null = null
  for (const candidate of candidates) {
    const d = new Decrypter()
    d.addPassphrase(candidate)
    try {
      identity = (await d.decrypt(file, 'text')).trim()
      break
    } catch {
      // Try the next form.
    }
  }
  self.postMessage({ identity } satisfies PassphraseResponse)
}
