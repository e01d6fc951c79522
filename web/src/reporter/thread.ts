// The reporter's side of a thread: the passphrase opens it (lookup id sent, identity kept),
// each message is fetched and decrypted here, and follow-ups are encrypted to the organisation
// and to the reporter before they are sent.
import { getAttachment, getInstance, getMessage, postFollowUp, postLookup, ApiError } from '../api/client'
import type { ReportView, ThreadMessage } from '../api/client'
import { buildContent, parseContent, type ReportContent } from '../api/report-content'
import { decryptWith, encryptTo } from '../crypto/age'
import { argon2InWorker } from '../crypto/argon2-client'
import { deriveReporterKeys, type ReporterKeys } from '../crypto/derivation'
import type { Language } from '../i18n/i18n'
import { MessageFiles } from './message-files'

export interface OpenedMessage {
  meta: ThreadMessage
  content: ReportContent | null // null: it did not decrypt or is not report content
}

export class Thread {
  private constructor(
    private readonly keys: ReporterKeys,
    private readonly organisationRecipient: string,
    readonly view: ReportView,
    readonly messages: OpenedMessage[],
  ) {}

  // Derives the keys, finds the report and decrypts its messages. ApiError "not_found" when no
  // report has this passphrase's lookup id.
  static async open(passphrase: string): Promise<Thread> {
    const instance = await getInstance()
    if (!instance.organisation_key) throw new ApiError(503, 'no_organisation_key')
    const keys = await deriveReporterKeys(passphrase, instance.log_origin, argon2InWorker)
    return Thread.load(keys, instance.organisation_key.recipient)
  }

  // The thread again with the same keys (after a follow-up), without deriving them again.
  async reload(): Promise<Thread> {
    return Thread.load(this.keys, this.organisationRecipient)
  }

  private static async load(keys: ReporterKeys, organisationRecipient: string): Promise<Thread> {
    const view = await postLookup(keys.lookupId)
    const messages: OpenedMessage[] = []
    for (const meta of view.messages) {
      const file = await getMessage(view.report_id, meta.id, keys.lookupId)
      let content: ReportContent | null = null
      try {
        content = parseContent(new TextDecoder().decode(await decryptWith(keys.identity, file)))
      } catch {
        content = null
      }
      messages.push({ meta, content })
    }
    return new Thread(keys, organisationRecipient, view, messages)
  }

  // Sends new information, with evidence files uploaded first (encrypted to the organisation and
  // the reporter, as the report's own). `progress` follows each file's upload.
  async sendFollowUp(
    lang: Language,
    text: string,
    files: readonly File[] = [],
    progress: { file(index: number, sent: number, total: number): void; done(index: number): void } = {
      file: () => {},
      done: () => {},
    },
  ): Promise<void> {
    const recipients = [this.organisationRecipient, this.keys.recipient]
    const uploads = await new MessageFiles(files).uploadAll(recipients, {
      progress: (i, sent, total) => progress.file(i, sent, total),
      done: (i) => progress.done(i),
    })
    const content = buildContent(lang, { what: text }, files)
    const ciphertext = await encryptTo(recipients, JSON.stringify(content))
    await postFollowUp(this.view.report_id, this.keys.lookupId, ciphertext, uploads)
  }

  // An attachment decrypted on this device.
  async downloadAttachment(attachmentId: string): Promise<Uint8Array> {
    return decryptWith(this.keys.identity, await getAttachment(this.view.report_id, attachmentId, this.keys.lookupId))
  }
}
