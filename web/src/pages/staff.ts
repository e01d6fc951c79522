// The staff app for coordinators: sign-in (passphrase and TOTP), unlock, inbox and report view
// in one page, its views in the URL fragment (#/inbox, #/reports/<id>), so that the keys it
// unlocks stay in this page's memory and are never stored. Everything is decrypted here.
import { ApiError } from '../api/client'
import { FileList, formatSize } from '../components/file-list'
import { renderFields } from '../components/message-fields'
import { warmArgon2 } from '../crypto/argon2-client'
import { getCheckpoint, getStaffAttachment, getStaffReceipt } from '../staff/api'
import {
  checkpointSize,
  Inbox,
  isIncluded,
  openThread,
  serverSource,
  sortEntries,
  titleOf,
  type InboxEntry,
  type OpenedMessage,
  type OpenedThread,
  type SortOrder,
} from '../staff/inbox'
import { KeyError, StaffKeys } from '../staff/keys'
import type { ReplyDraft } from '../staff/reply-files'
import { classify, currentSession, signIn, SignInError, signOut, type StaffSession } from '../staff/session'
import { element, markReady, requireWebAssembly, startPage } from './page'
import { CasePages } from './staff-cases'

const PAGE_SIZE = 25

const t = await startPage()
const status = element<HTMLParagraphElement>('status')
const errorBox = element<HTMLParagraphElement>('error')
const views = [
  'signin-view',
  'unlock-view',
  'inbox-view',
  'report-view',
  'cases-view',
  'case-view',
  'stats-view',
  'identities-view',
  'taxonomy-view',
] as const
type View = (typeof views)[number]

let session: StaffSession | null = null
let keys: StaffKeys | null = null
let inbox: Inbox | null = null
let page = 0
let thread: OpenedThread | null = null
let treeSize: number | null = null

function show(view: View, focus = true): void {
  for (const v of views) element(v).hidden = v !== view
  element('account-bar').hidden = view === 'signin-view'
  const heading = element(view).querySelector<HTMLElement>('h1')
  if (focus && heading) heading.focus()
}

function say(text: string): void {
  status.textContent = text
}

function fail(text: string): void {
  status.textContent = ''
  errorBox.textContent = text
}

function hourText(hour: number): string {
  return new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(hour * 3600 * 1000))
}

// A language code of report content in the page's language ("fr" -> "French", "français"…).
function languageLabel(code: string): string {
  try {
    return new Intl.DisplayNames([t.lang], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

function describe(error: unknown): string {
  if (error instanceof KeyError) return t.t(`staff_error_${error.problem}`)
  const problem: SignInError = classify(error)
  switch (problem.problem) {
    case 'locked_out':
      return problem.retryAfter
        ? t.t('staff_error_locked_out_for', { minutes: Math.ceil(problem.retryAfter / 60) })
        : t.t('staff_error_locked_out')
    case 'wrong_credentials':
    case 'missing_fields':
    case 'session_expired':
      return t.t(`staff_error_${problem.problem}`)
    case 'network':
      return t.t('staff_error_network')
    default:
      if (problem.code === 'forbidden') return t.t('staff_error_forbidden')
      return t.t('error_generic', { code: problem.code })
  }
}

// Forgets the keys and every decrypted text on the page.
function forget(): void {
  keys?.lock()
  keys = null
  inbox = null
  thread = null
  element('inbox-rows').replaceChildren()
  element('report-thread').replaceChildren()
  element('report-heading').textContent = ''
  element('report-meta').textContent = ''
  element<HTMLTextAreaElement>('reply').value = ''
  dropReplyFiles()
  cases.forget()
}

// A staff request failed: when the session has ended, back to sign-in without the keys.
function handle(error: unknown): void {
  const problem = error instanceof KeyError ? null : classify(error)
  if (problem?.problem === 'session_expired') {
    forget()
    session = null
    history.replaceState(null, '', location.pathname + location.search)
    show('signin-view')
  }
  fail(describe(error))
}

function showAccount(): void {
  if (!session) return
  element('account-who').textContent = t.t('staff_signed_in_as', { role: t.t(`staff_role_${session.role}`) })
}

// ---- Sign-in, unlock, sign-out

element<HTMLFormElement>('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  const passphraseInput = element<HTMLInputElement>('signin-passphrase')
  const codeInput = element<HTMLInputElement>('totp-code')
  say(t.t('staff_signing_in'))
  try {
    session = await signIn({
      loginName: element<HTMLInputElement>('login-name').value,
      passphrase: passphraseInput.value,
      totpCode: codeInput.value,
    })
    codeInput.value = ''
    showAccount()
    await unlock(passphraseInput.value)
  } catch (error) {
    codeInput.value = ''
    fail(describe(error))
  } finally {
    // The passphrase leaves the form once it has served, whether it worked or not.
    passphraseInput.value = ''
  }
})

element<HTMLFormElement>('unlock-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  const input = element<HTMLInputElement>('unlock-passphrase')
  try {
    await unlock(input.value)
  } catch (error) {
    handle(error)
  } finally {
    input.value = ''
  }
})

async function unlock(passphrase: string): Promise<void> {
  say(t.t('staff_unlocking'))
  // Let the status paint before scrypt holds the thread.
  await new Promise((ok) => setTimeout(ok, 30))
  try {
    keys = await StaffKeys.unlock(passphrase)
  } catch (error) {
    // Signed in, but the keys did not open: the unlock form asks again.
    show('unlock-view', false)
    throw error
  }
  say('')
  inbox = new Inbox(serverSource(keys))
  await route()
}

element('sign-out').addEventListener('click', async () => {
  errorBox.textContent = ''
  forget()
  try {
    await signOut()
  } catch (error) {
    fail(describe(error))
  }
  session = null
  history.replaceState(null, '', location.pathname + location.search)
  show('signin-view')
  say(t.t('staff_signed_out'))
})

// ---- Routes

async function route(): Promise<void> {
  if (!keys || !inbox) return
  if (await cases.route(location.hash)) return
  const match = location.hash.match(/^#\/reports\/([0-9a-f]{32})$/)
  if (match) await showReport(match[1])
  else await showInbox()
}

window.addEventListener('hashchange', () => {
  errorBox.textContent = ''
  void route()
})

// ---- Inbox

let sortOrder: SortOrder = 'newest'

async function showInbox(): Promise<void> {
  if (!inbox) return
  show('inbox-view')
  if (inbox.entries.length === 0) await reloadInbox()
  else renderInbox()
}

async function reloadInbox(): Promise<void> {
  if (!inbox) return
  say(t.t('staff_loading_inbox'))
  try {
    await inbox.load()
    say('')
    renderInbox()
  } catch (error) {
    handle(error)
  }
}

function sorted(): InboxEntry[] {
  return inbox ? sortEntries(inbox.entries, sortOrder) : []
}

function renderInbox(): void {
  if (!inbox) return
  const entries = sorted()
  const pages = Math.max(1, Math.ceil(entries.length / PAGE_SIZE))
  page = Math.min(page, pages - 1)
  const shown = entries.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)
  element('inbox-count').textContent = t.t('staff_inbox_count', { count: entries.length })
  element('page-info').textContent = t.t('staff_page_info', { page: page + 1, pages })
  element<HTMLButtonElement>('page-prev').disabled = page === 0
  element<HTMLButtonElement>('page-next').disabled = page >= pages - 1
  element('inbox-rows').replaceChildren(...shown.map(renderRow))
  // Decrypt the rows on this page only, a few at a time.
  void inbox
    .open(
      shown.map((e) => e.summary.id),
      (e) => updateRow(e),
    )
    .catch(handle)
}

function renderRow(entry: InboxEntry): HTMLTableRowElement {
  const row = document.createElement('tr')
  row.dataset.report = entry.summary.id
  const received = document.createElement('td')
  received.textContent = hourText(entry.summary.created_hour)
  const summary = document.createElement('td')
  const link = document.createElement('a')
  link.href = `#/reports/${entry.summary.id}`
  summary.append(link)
  const messages = document.createElement('td')
  messages.textContent = new Intl.NumberFormat(t.lang).format(entry.summary.messages)
  const unread = document.createElement('td')
  unread.className = 'unread'
  row.append(received, summary, messages, unread)
  fillRow(row, entry)
  return row
}

function fillRow(row: HTMLTableRowElement, entry: InboxEntry): void {
  const link = row.querySelector('a')!
  const unread = row.querySelector<HTMLTableCellElement>('.unread')!
  row.dataset.state = entry.state
  if (entry.state === 'open') {
    const title = titleOf(entry.content)
    link.textContent = title || t.t('staff_report_unreadable')
    const count = inbox?.unread(entry.summary.id) ?? 0
    unread.textContent = count > 0 ? t.t('staff_unread_count', { count }) : t.t('staff_unread_none')
    unread.classList.toggle('has-unread', count > 0)
  } else {
    link.textContent = entry.state === 'failed' ? t.t('staff_report_unreadable') : t.t('staff_report_opening')
    unread.textContent = ''
  }
}

function updateRow(entry: InboxEntry): void {
  const row = element('inbox-rows').querySelector<HTMLTableRowElement>(`tr[data-report="${entry.summary.id}"]`)
  if (row) fillRow(row, entry)
}

element<HTMLSelectElement>('sort').addEventListener('change', (event) => {
  sortOrder = (event.target as HTMLSelectElement).value as SortOrder
  page = 0
  renderInbox()
})
element('refresh').addEventListener('click', () => void reloadInbox())
element('page-prev').addEventListener('click', () => {
  page = Math.max(0, page - 1)
  renderInbox()
})
element('page-next').addEventListener('click', () => {
  page++
  renderInbox()
})

// ---- Report view

async function showReport(reportId: string): Promise<void> {
  if (!keys || !inbox) return
  show('report-view', false)
  // Files chosen for another report's reply are not this one's.
  if (thread?.view.report_id !== reportId && !replySending) dropReplyFiles()
  void showUploadLimit()
  element('report-thread').replaceChildren()
  element('report-heading').textContent = t.t('staff_report_title', { id: reportId.slice(0, 8) })
  element('report-meta').textContent = ''
  say(t.t('staff_opening_report'))
  try {
    const [opened, note] = await Promise.all([openThread(serverSource(keys), reportId), getCheckpoint().catch(() => '')])
    treeSize = checkpointSize(note)
    thread = opened
    inbox.markSeen(reportId, opened.messages.length)
    renderThread()
    say('')
    element('report-heading').focus()
  } catch (error) {
    handle(error)
  }
}

function logStatus(logIndex: number): string {
  return isIncluded(logIndex, treeSize)
    ? t.t('staff_log_included', { index: logIndex, size: treeSize ?? 0 })
    : t.t('staff_log_pending', { index: logIndex })
}

function renderThread(): void {
  if (!thread) return
  const first = thread.messages[0]?.content
  const meta = [
    t.t('staff_received', { date: hourText(thread.view.created_hour) }),
    logStatus(thread.view.log_index),
  ]
  if (first) meta.push(t.t('staff_report_language', { language: languageLabel(first.language) }))
  element('report-meta').textContent = meta.join(' · ')
  element('report-thread').replaceChildren(...thread.messages.map(renderMessage))
}

function renderMessage(message: OpenedMessage, index: number): HTMLLIElement {
  const item = document.createElement('li')
  item.className = `message ${message.meta.kind}`
  const heading = document.createElement('h2')
  heading.textContent = t.t(`staff_kind_${message.meta.kind}`)
  const meta = document.createElement('p')
  meta.className = 'meta'
  meta.textContent = t.t('staff_message_meta', { date: hourText(message.meta.created_hour) })
  const log = document.createElement('p')
  log.className = 'log-status'
  log.textContent = logStatus(message.meta.log_index)
  const receipt = document.createElement('button')
  receipt.type = 'button'
  receipt.className = 'link'
  receipt.textContent = t.t('staff_receipt_save')
  log.id = `log-${index}`
  receipt.setAttribute('aria-describedby', log.id)
  receipt.addEventListener('click', () => void saveReceipt(message.meta.id))
  log.append(' ', receipt)
  item.append(heading, meta, log)
  if (!message.content) {
    const p = document.createElement('p')
    p.textContent = t.t('staff_message_unreadable')
    item.append(p)
    return item
  }
  item.append(renderFields(message.content, message.meta.kind, t))
  const attachments = message.content.attachments
  if (attachments.length > 0) {
    const files = document.createElement('ul')
    files.className = 'attachments'
    files.setAttribute('aria-label', t.t('attachments_label'))
    attachments.forEach((info, i) => {
      const server = info.id ? message.meta.attachments.find((a) => a.id === info.id) : message.meta.attachments[i]
      const file = document.createElement('li')
      const name = document.createElement('span')
      name.className = 'file-name'
      name.dir = 'auto'
      name.textContent = info.name
      const details = document.createElement('span')
      details.className = 'file-details'
      details.textContent = t.t('staff_attachment_details', {
        size: formatSize(info.size, t.lang),
        type: info.type || 'application/octet-stream',
      })
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'secondary'
      button.textContent = t.t('staff_attachment_download')
      button.setAttribute('aria-label', t.t('staff_attachment_download_named', { name: info.name }))
      button.disabled = !server
      if (server) button.addEventListener('click', () => void download(server.id, info.name, info.type))
      file.append(name, details)
      if (server) {
        const fileLog = document.createElement('span')
        fileLog.className = 'log-status'
        fileLog.textContent = logStatus(server.log_index)
        file.append(fileLog)
      }
      file.append(button)
      files.append(file)
    })
    item.append(files)
  }
  return item
}

// Hands bytes to the browser as a file; the object URL is this page's own (blob:), never a
// request to a server.
function save(bytes: Uint8Array | string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: type || 'application/octet-stream' }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

async function download(attachmentId: string, name: string, type: string): Promise<void> {
  if (!keys || !thread) return
  errorBox.textContent = ''
  say(t.t('staff_decrypting_file'))
  try {
    const plain = await keys.decrypt(await getStaffAttachment(thread.view.report_id, attachmentId))
    save(plain, name, type)
    say(t.t('staff_file_saved', { name }))
  } catch (error) {
    handle(error)
  }
}

async function saveReceipt(messageId: string): Promise<void> {
  if (!thread) return
  errorBox.textContent = ''
  try {
    const receipt = await getStaffReceipt(thread.view.report_id, messageId)
    save(receipt, `vigil-receipt-${messageId}.txt`, 'text/plain')
    say(t.t('receipt_saved'))
  } catch (error) {
    if (error instanceof ApiError && error.code === 'receipt_pending') fail(t.t('staff_receipt_pending'))
    else handle(error)
  }
}

// ---- Reply with files (src/staff/reply-files.ts)

// The upload and encryption code loads in the background, as on the reporter's pages.
const replyModule = import('../staff/reply-files')
// A failed load is reported when a reply is sent, not as an unhandled error.
replyModule.catch(() => {})
const replyFilesInput = element<HTMLInputElement>('reply-files')
const replyFileList = element<HTMLUListElement>('reply-file-list')
const replyProgress = element<HTMLUListElement>('reply-file-progress')
const replyProgressList = new FileList(replyProgress, t)
let replyFiles: File[] = []
let replyDraft: ReplyDraft | null = null
let replySending = false
// The draft the progress bars show.
let barsFor: ReplyDraft | null = null
// The instance's largest upload (Tus-Max-Size), once asked; null while unknown.
let maxUploadBytes: number | null = null

async function showUploadLimit(): Promise<void> {
  try {
    const m = await replyModule
    if (maxUploadBytes === null) maxUploadBytes = await m.getMaxUploadBytes()
    element('reply-files-limit').textContent =
      maxUploadBytes === null
        ? ''
        : t.t('replyf_files_limit', { size: formatSize(maxUploadBytes, t.lang), count: m.MAX_REPLY_FILES })
    renderReplyFiles(m.fitsLimit)
  } catch {
    // Unknown: the server checks each upload and its refusal is said as such.
  }
}

// The chosen files, each with its size, a mark when it is over the limit, and a button that
// takes it out before sending.
function renderReplyFiles(fits: (size: number, max: number | null) => boolean = () => true): void {
  replyFileList.replaceChildren(
    ...replyFiles.map((file) => {
      const item = document.createElement('li')
      const name = document.createElement('span')
      name.className = 'file-name'
      // The name isolated (FSI … PDI), so a name in another script keeps its own direction
      // inside the page's.
      name.textContent = t.t('replyf_file_entry', {
        name: `\u2068${file.name}\u2069`,
        size: formatSize(file.size, t.lang),
      })
      const remove = document.createElement('button')
      remove.type = 'button'
      remove.className = 'secondary'
      remove.textContent = t.t('replyf_remove')
      remove.setAttribute('aria-label', t.t('replyf_remove_named', { name: file.name }))
      remove.disabled = replySending
      remove.addEventListener('click', () => {
        replyFiles = replyFiles.filter((f) => f !== file)
        replyProgress.hidden = true
        renderReplyFiles(fits)
        replyFilesInput.focus()
      })
      item.append(name, remove)
      if (!fits(file.size, maxUploadBytes)) {
        const problem = document.createElement('span')
        problem.className = 'file-problem'
        problem.textContent = t.t('replyf_file_too_large')
        item.append(problem)
      }
      return item
    }),
  )
}

async function rerenderReplyFiles(): Promise<void> {
  try {
    renderReplyFiles((await replyModule).fitsLimit)
  } catch {
    renderReplyFiles()
  }
}

// Forgets the chosen files; uploads made for them are removed rather than left to expire.
function dropReplyFiles(): void {
  void replyDraft?.discard()
  replyDraft = null
  replyFiles = []
  replyFilesInput.value = ''
  replyFileList.replaceChildren()
  replyProgress.replaceChildren()
  replyProgress.hidden = true
  barsFor = null
}

replyFilesInput.addEventListener('change', () => {
  // Added to those already chosen, so files can come from several folders.
  replyFiles = [...replyFiles, ...Array.from(replyFilesInput.files ?? [])]
  replyFilesInput.value = ''
  replyProgress.hidden = true
  void rerenderReplyFiles()
})

element<HTMLFormElement>('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  errorBox.textContent = ''
  const input = element<HTMLTextAreaElement>('reply')
  if (!keys || !thread || replySending) return
  if (!input.value.trim()) {
    fail(t.t('staff_reply_empty'))
    input.focus()
    return
  }
  const sendButton = element<HTMLButtonElement>('reply-send')
  // This report's, even if the coordinator goes elsewhere while the files are sent.
  const reportId = thread.view.report_id
  const reporterRecipient = thread.view.reporter_recipient
  const replyKeys = keys
  const files = [...replyFiles]
  replySending = true
  sendButton.disabled = true
  renderReplyFiles()
  say(t.t(files.length > 0 ? 'replyf_uploading' : 'staff_reply_sending'))
  try {
    const m = await replyModule
    if (!replyDraft?.matches(reportId, files)) {
      void replyDraft?.discard()
      replyDraft = new m.ReplyDraft(reportId, files, maxUploadBytes)
    }
    // The progress bars appear with the draft's first upload, not for files refused before
    // it; a retry of the same draft keeps them, files already sent marked so.
    const draft = replyDraft
    const showBars = () => {
      if (barsFor === draft) return
      barsFor = draft
      replyProgressList.show(files)
      replyProgress.hidden = false
    }
    const ack = await replyDraft.send(replyKeys, reporterRecipient, t.lang, input.value, {
      progress: (i, sent, total) => {
        showBars()
        replyProgressList.progress(i, sent, total)
      },
      done: (i) => {
        showBars()
        replyProgressList.done(i)
        if (i === files.length - 1) say(t.t('staff_reply_sending'))
      },
    })
    // Claimed by the reply: nothing to remove.
    replyDraft = null
    input.value = ''
    dropReplyFiles()
    await showReport(reportId)
    say(t.t(files.length > 0 ? 'replyf_sent' : 'staff_reply_sent', { index: ack.log_index, count: files.length }))
  } catch (error) {
    const m = await replyModule.catch(() => null)
    if (m && error instanceof m.ReplyError) fail(t.t(`replyf_error_${error.problem}`))
    else handle(error)
  } finally {
    replySending = false
    sendButton.disabled = false
    void rerenderReplyFiles()
  }
})

// ---- Cases (staff-cases.ts)

const cases = new CasePages({
  t,
  keys: () => keys,
  show: (view, focus) => show(view, focus),
  say,
  fail,
  handle,
})
element('case-from-report').addEventListener('click', () => {
  errorBox.textContent = ''
  if (thread) void cases.fromReport(thread)
})

// ---- Start

async function start(): Promise<void> {
  const controls = [...document.querySelectorAll<HTMLButtonElement>('#signin-form button, #unlock-form button')]
  if (!requireWebAssembly(controls)) {
    show('signin-view', false)
    return
  }
  try {
    session = await currentSession()
  } catch (error) {
    fail(describe(error))
  }
  if (session) {
    // Signed in already (this page was reloaded or its language changed): the keys were in
    // the old page's memory only, so the passphrase opens them again.
    showAccount()
    show('unlock-view', false)
  } else {
    show('signin-view', false)
    warmArgon2()
  }
}

await start()
markReady()
