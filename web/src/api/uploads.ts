// Evidence files: encrypted on this device as they are read, then sent with tus resumable
// uploads (POST/PATCH /v1/uploads, docs/api/http.md), so a dropped Tor circuit costs a retry
// from the last durable offset, not the whole file.
import { Upload } from 'tus-js-client'
import { encryptStreamTo } from '../crypto/age'
import { ApiError } from './client'

// Bytes per PATCH request. The encrypted stream is read one chunk ahead: this much is held in
// memory, and a failed request resumes inside it.
export const CHUNK_BYTES = 2 * 1024 * 1024

// Waits before each retry, in milliseconds; then the upload fails and the reporter may retry.
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000]

export type UploadProgress = (sent: number, total: number) => void

// Encrypts `file` to `recipients` and uploads it; resolves to the upload id, which a report then
// names in `attachments`. Nothing about the file (name, type) goes into the upload's metadata.
export async function uploadEncryptedFile(
  file: Blob,
  recipients: readonly string[],
  onProgress: UploadProgress,
): Promise<string> {
  const encrypted = await encryptStreamTo(recipients, file.stream(), file.size)
  return new Promise<string>((resolve, reject) => {
    const upload = new Upload(encrypted.stream.getReader() as unknown as Blob, {
      endpoint: '/v1/uploads',
      uploadSize: encrypted.size,
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      // Security: T6, no record of the upload in the browser's storage, so a device searched
      // later does not show that a report was made.
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      onProgress: (sent) => onProgress(sent, encrypted.size),
      onError: (error) => {
        const status = (error as { originalResponse?: { getStatus(): number } }).originalResponse?.getStatus() ?? 0
        reject(new ApiError(status, status === 0 ? 'network' : 'upload_failed'))
      },
      onSuccess: () => {
        const id = (upload.url ?? '').split('/').pop() ?? ''
        if (/^[0-9a-f]{32}$/.test(id)) resolve(id)
        else reject(new ApiError(0, 'upload_failed'))
      },
    })
    upload.start()
  })
}
