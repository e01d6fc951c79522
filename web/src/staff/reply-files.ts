// A coordinator's reply with files, without DOM. Each file goes the way a reporter's evidence
// goes (src/reporter/message-files.ts, src/api/uploads.ts): encrypted on this device to the
// organisation's current recipient and the reporter's, uploaded with tus, and described in the
// reply's content (docs/formats/report-content.md: name, type, size, in the order of the
// upload ids). The reply is posted only once every file is up, so a failure sends nothing; the
// files already up are kept for the next attempt, or removed when the draft is dropped.
import { ApiError, send, type Acknowledgement } from '../api/client'
import { uploadEncryptedFile } from '../api/uploads'
import type { Language } from '../i18n/i18n'
import { MessageFiles, type FileEvents, type UploadFile } from '../reporter/message-files'
import { postReply } from './api'
import { replyContent } from './inbox'
import { KeyError, type StaffKeys } from './keys'

// A message names at most this many uploads (docs/api/openapi.yaml, `attachments`).
export const MAX_REPLY_FILES = 32

// The exact size of the age file (docs/formats/age.md) for `plainSize` bytes to two X25519
// recipients: the header (version line, two stanzas of 54 + 44 bytes, the MAC line), the
// 16-byte payload nonce, then the plaintext in 64 KiB chunks with a 16-byte tag each (at least
// one chunk). Upload-Length is this size, so the instance's limit applies to it.
export function ageFileSize(plainSize: number): number {
  const header = 22 + 2 * (54 + 44) + 48
  const chunks = Math.max(1, Math.ceil(plainSize / 65536))
  return header + 16 + plainSize + 16 * chunks
}

// The largest upload the instance accepts (tus discovery, `Tus-Max-Size`: max_upload_bytes);
// null when it does not say.
export async function getMaxUploadBytes(): Promise<number | null> {
  const response = await send('OPTIONS', '/v1/uploads')
  const value = response.headers.get('Tus-Max-Size') ?? ''
  return /^[0-9]{1,19}$/.test(value) ? Number(value) : null
}

// Whether a file, once encrypted, fits under the instance's limit (no limit known: it fits,
// and the server has the last word).
export function fitsLimit(size: number, maxBytes: number | null): boolean {
  return maxBytes === null || ageFileSize(size) <= maxBytes
}

// Why a reply with files was not sent. Nothing of it reached the reporter in every case.
export type ReplyProblem =
  | 'too_large' // a file is over the instance's limit
  | 'too_many' // more files than a message may name
  | 'network' // the connection failed and the upload's retries ran out
  | 'upload_expired' // an upload expired (or was taken) before the reply named it
  | 'storage_full' // the instance has no room for the upload
  | 'upload_failed' // the server refused the upload

export class ReplyError extends Error {
  constructor(readonly problem: ReplyProblem) {
    super(problem)
  }
}

// What a failed upload means for the coordinator (src/api/uploads.ts rejects with the status).
export function uploadProblem(error: unknown): ReplyProblem {
  if (!(error instanceof ApiError)) return 'upload_failed'
  if (error.status === 0 || error.code === 'network') return 'network'
  if (error.status === 413) return 'too_large'
  if (error.status === 404) return 'upload_expired'
  if (error.status === 503) return 'storage_full'
  return 'upload_failed'
}

export interface ReplyDependencies {
  upload: UploadFile
  post: typeof postReply
  remove(uploadId: string): Promise<void>
}

// tus termination (DELETE /v1/uploads/{id}) of an upload no message will name.
async function removeUpload(uploadId: string): Promise<void> {
  if (!/^[0-9a-f]{32}$/.test(uploadId)) return
  await send('DELETE', `/v1/uploads/${uploadId}`, { headers: { 'Tus-Resumable': '1.0.0' } })
}

const serverDependencies: ReplyDependencies = { upload: uploadEncryptedFile, post: postReply, remove: removeUpload }

export type ReplyKeys = Pick<StaffKeys, 'current' | 'isLocked' | 'encryptForReporter'>

// One reply being sent to one report, with its files. send() may be called again after a
// failure: the files already uploaded are not sent twice.
export class ReplyDraft {
  private readonly pending: MessageFiles

  constructor(
    readonly reportId: string,
    readonly files: readonly File[],
    private readonly maxBytes: number | null,
    private readonly deps: ReplyDependencies = serverDependencies,
  ) {
    this.pending = new MessageFiles(files, deps.upload)
  }

  // Whether this draft carries exactly these files for this report (then its uploads serve).
  matches(reportId: string, files: readonly File[]): boolean {
    return reportId === this.reportId && files.length === this.files.length && files.every((f, i) => f === this.files[i])
  }

  // Checks the files, uploads those not up yet, then encrypts and posts the reply. Rejects
  // with ReplyError for a file problem, KeyError when the keys are locked, or the reply's
  // ApiError (401: the session ended).
  async send(
    keys: ReplyKeys,
    reporterRecipient: string,
    lang: Language,
    text: string,
    events: FileEvents,
  ): Promise<Acknowledgement> {
    if (keys.isLocked) throw new KeyError('locked')
    if (this.files.length > MAX_REPLY_FILES) throw new ReplyError('too_many')
    if (this.files.some((f) => !fitsLimit(f.size, this.maxBytes))) throw new ReplyError('too_large')
    // The recipients of encryptForReporter, in the order the reporter's own files use.
    const recipients = [keys.current.recipient, reporterRecipient]
    let uploadIds: string[]
    try {
      uploadIds = await this.pending.uploadAll(recipients, events)
    } catch (error) {
      throw new ReplyError(uploadProblem(error))
    }
    const ciphertext = await keys.encryptForReporter(reporterRecipient, replyContent(lang, text, this.files))
    try {
      return await this.deps.post(this.reportId, ciphertext, uploadIds)
    } catch (error) {
      // 404 for a reply with files: an upload expired, or a partial claim took some of them.
      // Start again from the files; the report itself being gone says so on the next load.
      if (uploadIds.length > 0 && error instanceof ApiError && error.code === 'not_found') {
        this.pending.forget()
        throw new ReplyError('upload_expired')
      }
      throw error
    }
  }

  // The draft is dropped (files changed, another report, sign-out): its finished uploads are
  // removed rather than left to expire. Best effort: a failure leaves them to the expiry sweep.
  async discard(): Promise<void> {
    const ids = this.pending.uploaded
    this.pending.forget()
    await Promise.all(ids.map((id) => this.deps.remove(id).catch(() => {})))
  }
}
