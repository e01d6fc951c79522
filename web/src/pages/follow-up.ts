// The follow-up page: the passphrase opens the thread, decrypted here; new information is
// encrypted here before it is sent.
import type { OpenedMessage, Thread as ThreadType } from '../reporter/thread'
import { describeError } from '../components/errors'
import { FileList, formatSize } from '../components/file-list'
import { renderFields } from '../components/message-fields'
import type { Translator } from '../i18n/i18n'
import { element, markReady, requireWebAssembly, startPage } from './page'

const t = await startPage()
const threadModule = import('../reporter/thread')
// A failed load is reported when the reporter opens their report, not as an unhandled error.
threadModule.catch(() => {})
const status = element<HTMLParagraphElement>('status')
const errorBox = element<HTMLParagraphElement>('error')
const passphraseInput = element<HTMLInputElement>('passphrase')
let thread: ThreadType | null = null

function hourText(hour: number, translator: Translator): string {
  return new Intl.DateTimeFormat(translator.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(hour * 3600 * 1000),
  )
}

function renderMessage(message: OpenedMessage): HTMLLIElement {
  const item = document.createElement('li')
  item.className = `message ${message.meta.kind}`
  const heading = document.createElement('h3')
  const author = message.meta.kind === 'reply' ? t.t('message_from_organisation') : t.t('message_from_you')
  heading.textContent = t.t(`message_kind_${message.meta.kind}`)
  const meta = document.createElement('p')
  meta.className = 'meta'
  meta.textContent = t.t('message_meta', { author, date: hourText(message.meta.created_hour, t) })
  item.append(heading, meta)
  if (!message.content) {
    const p = document.createElement('p')
    p.textContent = t.t('message_unreadable')
    item.append(p)
    return item
  }
  item.append(renderFields(message.content, message.meta.kind, t))
  if (message.content.attachments.length > 0) {
    const files = document.createElement('ul')
    files.className = 'attachments'
    files.setAttribute('aria-label', t.t('attachments_label'))
    message.content.attachments.forEach((info, i) => {
      const file = document.createElement('li')
      const server = message.meta.attachments[i]
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'link'
      button.textContent = t.t('attachment_download', { name: info.name, size: formatSize(info.size, t.lang) })
      button.disabled = !server
      button.addEventListener('click', () => void download(server.id, info.name, info.type))
      file.append(button)
      files.append(file)
    })
    item.append(files)
  }
  return item
}

// Decrypts an attachment on this device and hands it to the browser as a download.
async function download(attachmentId: string, name: string, type: string): Promise<void> {
  if (!thread) return
  try {
    const bytes = await thread.downloadAttachment(attachmentId)
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: type || 'application/octet-stream' }))
    const link = document.createElement('a')
    link.href = url
    link.download = name
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  } catch (error) {
    errorBox.textContent = describeError(t, error)
  }
}

function renderThread(opened: ThreadType): void {
  element('thread').replaceChildren(...opened.messages.map(renderMessage))
  element('thread-section').hidden = false
}

element<HTMLFormElement>('open-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  if (!passphraseInput.value.trim()) {
    errorBox.textContent = t.t('follow_passphrase_empty')
    passphraseInput.focus()
    return
  }
  status.textContent = t.t('follow_opening')
  try {
    const { Thread } = await threadModule
    thread = await Thread.open(passphraseInput.value)
    // The passphrase leaves the page as soon as it has served.
    passphraseInput.value = ''
    status.textContent = ''
    renderThread(thread)
    element('thread-heading').focus()
  } catch (error) {
    status.textContent = ''
    errorBox.textContent = describeError(t, error)
  }
})

element<HTMLFormElement>('message-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  const input = element<HTMLTextAreaElement>('message')
  if (!thread || !input.value.trim()) return
  const filesInput = element<HTMLInputElement>('message-files')
  const files = Array.from(filesInput.files ?? [])
  const list = new FileList(element('message-file-list'), t)
  list.show(files)
  status.textContent = t.t(files.length > 0 ? 'status_uploading' : 'status_sending')
  try {
    await thread.sendFollowUp(t.lang, input.value, files, {
      file: (i, sent, total) => list.progress(i, sent, total),
      done: (i) => list.done(i),
    })
    input.value = ''
    filesInput.value = ''
    element('message-file-list').replaceChildren()
    status.textContent = t.t('follow_sent')
    // Reopen to show the new message in its place.
    await refresh()
  } catch (error) {
    status.textContent = ''
    errorBox.textContent = describeError(t, error)
  }
})

async function refresh(): Promise<void> {
  if (!thread) return
  thread = await thread.reload()
  renderThread(thread)
}

requireWebAssembly([...document.querySelectorAll<HTMLButtonElement>('#open-form button')])
markReady()
