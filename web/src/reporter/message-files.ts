// The files sent with one message (a report, a follow-up, a coordinator's reply): each is
// encrypted on this device to the message's recipients and uploaded with tus before the
// message itself, which then names the upload ids in the same order as its content's
// `attachments` (docs/formats/report-content.md). Ids already obtained are kept, so that a
// retry after a failure uploads only the files that are not up yet.
import { uploadEncryptedFile, type UploadProgress } from '../api/uploads'

export interface FileEvents {
  progress(index: number, sent: number, total: number): void
  done(index: number): void
}

export type UploadFile = (file: Blob, recipients: readonly string[], onProgress: UploadProgress) => Promise<string>

export class MessageFiles {
  private readonly ids: (string | null)[]

  constructor(
    readonly files: readonly File[],
    // The tus upload of src/api/uploads.ts; tests pass a stand-in.
    private readonly upload: UploadFile = uploadEncryptedFile,
  ) {
    this.ids = files.map(() => null)
  }

  // Uploads every file not uploaded yet, in order, and resolves to all the upload ids. A
  // failure rejects with the upload's ApiError and keeps the ids obtained before it.
  async uploadAll(recipients: readonly string[], events: FileEvents): Promise<string[]> {
    for (let i = 0; i < this.files.length; i++) {
      if (this.ids[i]) continue
      this.ids[i] = await this.upload(this.files[i], recipients, (sent, total) => events.progress(i, sent, total))
      events.done(i)
    }
    return this.ids as string[]
  }

  // The ids of the uploads that finished, for a caller that removes them.
  get uploaded(): string[] {
    return this.ids.filter((id): id is string => id !== null)
  }

  // Forgets every upload id (they expired, or a claim took some of them): the next
  // uploadAll() sends every file again.
  forget(): void {
    this.ids.fill(null)
  }
}
