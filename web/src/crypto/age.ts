// age v1 (DESIGN.md section 2) with the age-encryption package: every report, message and file
// is encrypted on this device to the organisation and to the reporter.
import { Decrypter, Encrypter } from 'age-encryption'

export async function encryptTo(recipients: readonly string[], plaintext: Uint8Array | string): Promise<Uint8Array> {
  const e = new Encrypter()
  for (const r of recipients) e.addRecipient(r)
  return e.encrypt(plaintext)
}

export interface EncryptedStream {
  stream: ReadableStream<Uint8Array>
  size: number // the exact size of the age file, known before it is produced
}

// Encrypts a stream (a file being read) as it is consumed, in 64 KiB chunks, so a large file
// is never whole in memory.
export async function encryptStreamTo(
  recipients: readonly string[],
  plaintext: ReadableStream<Uint8Array>,
  plaintextSize: number,
): Promise<EncryptedStream> {
  const e = new Encrypter()
  for (const r of recipients) e.addRecipient(r)
  const stream = await e.encrypt(plaintext)
  return { stream, size: stream.size(plaintextSize) }
}

export async function decryptWith(identity: string, ciphertext: Uint8Array): Promise<Uint8Array> {
  const d = new Decrypter()
  d.addIdentity(identity)
  return d.decrypt(ciphertext)
}
