// The report form: fields, evidence files with progress bars, then the passphrase, shown once.
import type { FieldName } from '../api/report-content'
import { FIELD_NAMES } from '../api/report-content'
import { describeError } from '../components/errors'
import { FileList } from '../components/file-list'
import type { Submission as SubmissionType } from '../reporter/submission'
import { element, markReady, requireWebAssembly, startPage } from './page'

const t = await startPage()
const form = element<HTMLFormElement>('report-form')
const filesInput = element<HTMLInputElement>('files')
const status = element<HTMLParagraphElement>('status')
const errorBox = element<HTMLParagraphElement>('error')
const submit = element<HTMLButtonElement>('submit')
const fileList = new FileList(element('file-list'), t)

// The cryptography, the word list and the upload client load in the background once the form
// is usable, so the first paint stays small on a slow connection.
const submissionModule = import('../reporter/submission')

let submission: SubmissionType | null = null

filesInput.addEventListener('change', () => {
  submission = null
  fileList.show(Array.from(filesInput.files ?? []))
})
form.addEventListener('input', () => {
  // A changed form is a new report; files already uploaded for the old one expire unclaimed.
  submission = null
})

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  const what = element<HTMLTextAreaElement>('what')
  if (!what.value.trim()) {
    errorBox.textContent = t.t('error_empty')
    what.setAttribute('aria-invalid', 'true')
    what.focus()
    return
  }
  what.removeAttribute('aria-invalid')
  const fields: Partial<Record<FieldName, string>> = {}
  for (const name of FIELD_NAMES) {
    const input = form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null
    if (input) fields[name] = input.value
  }
  // The place at the precision the reporter chose, said in words a coordinator reads as such.
  const precision = element<HTMLSelectElement>('where_precision').value
  if (precision && fields.where?.trim())
    fields.where = t.t('where_with_precision', { place: fields.where.trim(), precision: t.t(`precision_${precision}`) })
  const files = Array.from(filesInput.files ?? [])
  submit.disabled = true
  try {
    const { Submission } = await submissionModule
    if (!submission) {
      submission = new Submission(t.lang, fields, files)
      fileList.show(files)
    }
    const result = await submission.send({
      stage: (stage) => {
        status.textContent = t.t(`status_${stage}`)
      },
      fileProgress: (i, sent, total) => fileList.progress(i, sent, total),
      fileDone: (i) => fileList.done(i),
    })
    form.reset()
    submission = null
    element('compose').hidden = true
    element('passphrase').textContent = result.passphrase
    element('done-stored').textContent = t.t('done_stored', { index: result.acknowledgement.log_index })
    element('receipt').textContent = t.t('done_receipt', {
      report: result.acknowledgement.report_id,
      index: result.acknowledgement.log_index,
    })
    const { fetchReceipt } = await submissionModule
    const saveReceipt = element<HTMLButtonElement>('save-receipt')
    const receiptStatus = element('receipt-status')
    saveReceipt.onclick = async () => {
      saveReceipt.disabled = true
      receiptStatus.textContent = t.t('receipt_waiting')
      try {
        const text = await fetchReceipt(result)
        saveFile(text, `vigil-receipt-${result.acknowledgement.log_index}.txt`)
        receiptStatus.textContent = t.t('receipt_saved')
      } catch (error) {
        receiptStatus.textContent = describeError(t, error)
      } finally {
        saveReceipt.disabled = false
      }
    }
    // Security: a language link would reload the page and lose the passphrase shown once.
    element('languages').hidden = true
    element('done').hidden = false
    element('done-heading').focus()
  } catch (error) {
    status.textContent = ''
    errorBox.textContent = describeError(t, error)
  } finally {
    submit.disabled = false
  }
})

requireWebAssembly([submit])
// Hands `text` to the browser as a download named `name`.
function saveFile(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

markReady()
submissionModule
  .then((m) => m.prepare())
  .catch(() => {
    // Fetched again when the reporter sends; a failure then is shown with its reason.
  })
