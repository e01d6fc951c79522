// A report from the reporter's device, in the order ARCHITECTURE.md "Life of a report" gives:
// a new passphrase and the keys derived from it, each evidence file encrypted and uploaded, the
// report content encrypted to the organisation and the reporter, then POST /v1/reports. No
// DOM here: the report page shows the progress this reports.
import { ApiError, getInstance, getReceipt, postReport, type Acknowledgement } from '../api/client'
import { buildContent, type FieldName } from '../api/report-content'
import { encryptTo } from '../crypto/age'
import { argon2InWorker, warmArgon2 } from '../crypto/argon2-client'
import { deriveReporterKeys, type ReporterKeys } from '../crypto/derivation'
import { generatePassphrase, loadWordList } from '../crypto/passphrase'
import type { Language } from '../i18n/i18n'
import { MessageFiles } from './message-files'

// Loads what a submission needs (the word list, the Argon2id worker) ahead of time; the report
// page calls it once the form is usable, so pressing "send" on a slow connection does not wait.
export async function prepare(): Promise<void> {
  warmArgon2()
  await loadWordList()
}

export type Stage = 'keys' | 'uploading' | 'sending'

export interface SubmissionEvents {
  stage(stage: Stage): void
  fileProgress(index: number, sent: number, total: number): void
  fileDone(index: number): void
}

export interface Submitted {
  passphrase: string
  acknowledgement: Acknowledgement
  lookupId: string // for the receipt, while the page is open
}

// One report being sent. When a step fails, calling send() again keeps the passphrase, its keys
// and the files already uploaded, and continues from where it stopped.
export class Submission {
  private passphrase = ''
  private keys: ReporterKeys | null = null
  private recipients: string[] = []
  private readonly pending: MessageFiles

  constructor(
    private readonly lang: Language,
    private readonly fields: Partial<Record<FieldName, string>>,
    private readonly files: readonly File[],
  ) {
    this.pending = new MessageFiles(files)
  }

  async send(events: SubmissionEvents): Promise<Submitted> {
    if (!this.keys) {
      const instance = await getInstance()
      if (!instance.organisation_key) throw new ApiError(503, 'no_organisation_key')
      events.stage('keys')
      this.passphrase = generatePassphrase(await loadWordList())
      this.keys = await deriveReporterKeys(this.passphrase, instance.log_origin, argon2InWorker)
      this.recipients = [instance.organisation_key.recipient, this.keys.recipient]
    }
    events.stage('uploading')
    const uploadIds = await this.pending.uploadAll(this.recipients, {
      progress: (i, sent, total) => events.fileProgress(i, sent, total),
      done: (i) => events.fileDone(i),
    })
    events.stage('sending')
    const content = buildContent(this.lang, this.fields, this.files)
    const ciphertext = await encryptTo(this.recipients, JSON.stringify(content))
    const acknowledgement = await postReport({
      lookupId: this.keys.lookupId,
      reporterRecipient: this.keys.recipient,
      ciphertext,
      attachments: uploadIds,
    })
    return { passphrase: this.passphrase, acknowledgement, lookupId: this.keys.lookupId }
  }
}

// The receipt of a submitted report, waiting (up to about a minute) for the checkpoint that
// covers its entry.
export async function fetchReceipt(submitted: Submitted): Promise<string> {
  const { report_id, message_id } = submitted.acknowledgement
  for (let attempt = 0; ; attempt++) {
    try {
      return await getReceipt(report_id, message_id, submitted.lookupId)
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'receipt_pending') || attempt >= 60) throw error
      await new Promise((ok) => setTimeout(ok, 1000))
    }
  }
}
