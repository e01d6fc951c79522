// The coordinator's inbox and report threads without DOM: the list of reports, each decrypted
// on this device only when it is shown (a page of rows at a time, a few in parallel), so that
// hundreds of reports cost nothing until they are looked at; the log status of each item
// against the latest checkpoint.
import type { ThreadMessage } from '../api/client'
import { buildContent, parseContent, type ReportContent } from '../api/report-content'
import type { Language } from '../i18n/i18n'
import * as api from './api'
import type { ReportSummary, StaffReportView } from './api'
import type { StaffKeys } from './keys'

// What the inbox needs from the server and the keys; the page passes the real ones, tests
// stand-ins.
export interface InboxSource {
  list(): Promise<ReportSummary[]>
  report(id: string): Promise<StaffReportView>
  message(reportId: string, messageId: string): Promise<Uint8Array>
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>
}

export function serverSource(keys: StaffKeys): InboxSource {
  return {
    list: api.getAllReports,
    report: api.getReport,
    message: api.getStaffMessage,
    decrypt: (c) => keys.decrypt(c),
  }
}

export type EntryState = 'waiting' | 'opening' | 'open' | 'failed'

export interface InboxEntry {
  summary: ReportSummary
  state: EntryState
  view?: StaffReportView
  content?: ReportContent | null // null: did not decrypt or is not report content
}

export type SortOrder = 'newest' | 'oldest' | 'updated'

// The line that names a report in the list: the first line of "what", shortened at a word.
export function titleOf(content: ReportContent | null | undefined, max = 90): string {
  const what = content?.fields.what?.trim() ?? ''
  const line = what.split('\n')[0].trim()
  if (line.length <= max) return line
  const cut = line.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return (space > max / 2 ? cut.slice(0, space) : cut) + '…'
}

// Follow-ups from the reporter that nobody has answered or opened: those after the last reply
// of the organisation and after the first `seen` messages (opened on this page).
export function unreadFollowUps(messages: readonly Pick<ThreadMessage, 'kind'>[], seen = 0): number {
  let lastReply = -1
  messages.forEach((m, i) => {
    if (m.kind === 'reply') lastReply = i
  })
  const from = Math.max(lastReply + 1, seen)
  return messages.slice(from).filter((m) => m.kind === 'follow_up').length
}

export function sortEntries(entries: readonly InboxEntry[], order: SortOrder): InboxEntry[] {
  const key = (e: InboxEntry) => (order === 'updated' ? e.summary.updated_hour : e.summary.created_hour)
  const sign = order === 'oldest' ? 1 : -1
  // Ties (same hour) by log index, so the order is stable and follows arrival.
  return [...entries].sort(
    (a, b) => sign * (key(a) - key(b)) || sign * (a.summary.log_index - b.summary.log_index),
  )
}

// The tree size of a signed checkpoint (C2SP tlog-checkpoint: origin, size, root hash lines);
// null when the text is not one.
export function checkpointSize(note: string): number | null {
  const line = note.split('\n')[1] ?? ''
  return /^[0-9]{1,15}$/.test(line) ? Number(line) : null
}

// Whether the entry at `logIndex` is covered by a checkpoint of `size` entries.
export function isIncluded(logIndex: number, size: number | null): boolean {
  return size !== null && logIndex < size
}

export class Inbox {
  entries: InboxEntry[] = []
  private readonly seen = new Map<string, number>()

  constructor(private readonly source: InboxSource) {}

  async load(): Promise<void> {
    const old = new Map(this.entries.map((e) => [e.summary.id, e]))
    this.entries = (await this.source.list()).map((summary) => {
      const before = old.get(summary.id)
      // A report with no new message keeps what was already decrypted.
      return before && before.summary.messages === summary.messages
        ? { ...before, summary }
        : { summary, state: 'waiting' }
    })
  }

  entry(id: string): InboxEntry | undefined {
    return this.entries.find((e) => e.summary.id === id)
  }

  // Decrypts the first message of each named report not yet opened, `parallel` at a time;
  // `changed` is called after each one. A failure marks that entry, never the others.
  async open(ids: readonly string[], changed: (entry: InboxEntry) => void = () => {}, parallel = 4): Promise<void> {
    const queue = ids.map((id) => this.entry(id)).filter((e): e is InboxEntry => e?.state === 'waiting')
    for (const e of queue) e.state = 'opening'
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        try {
          e.view = await this.source.report(e.summary.id)
          const first = e.view.messages[0]
          e.content = first ? await this.decryptContent(e.summary.id, first.id) : null
          e.state = 'open'
        } catch {
          e.state = 'failed'
        }
        changed(e)
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker))
  }

  unread(id: string): number {
    const e = this.entry(id)
    return e?.view ? unreadFollowUps(e.view.messages, this.seen.get(id) ?? 0) : 0
  }

  // The report was opened with `messages` messages: they are no longer unread.
  markSeen(id: string, messages: number): void {
    this.seen.set(id, Math.max(messages, this.seen.get(id) ?? 0))
  }

  private async decryptContent(reportId: string, messageId: string): Promise<ReportContent | null> {
    try {
      const plain = await this.source.decrypt(await this.source.message(reportId, messageId))
      return parseContent(new TextDecoder().decode(plain))
    } catch {
      return null
    }
  }
}

export interface OpenedMessage {
  meta: ThreadMessage
  content: ReportContent | null
}

export interface OpenedThread {
  view: StaffReportView
  messages: OpenedMessage[]
}

// A whole thread, each message decrypted here.
export async function openThread(source: InboxSource, reportId: string): Promise<OpenedThread> {
  const view = await source.report(reportId)
  const messages = await Promise.all(
    view.messages.map(async (meta) => {
      try {
        const plain = await source.decrypt(await source.message(reportId, meta.id))
        return { meta, content: parseContent(new TextDecoder().decode(plain)) }
      } catch {
        return { meta, content: null }
      }
    }),
  )
  return { view, messages }
}

// The plaintext of a reply (docs/formats/report-content.md: `fields.what` alone), with the
// names, types and sizes of its files in the order of their uploads.
export function replyContent(
  lang: Language,
  text: string,
  files: readonly { name: string; type: string; size: number }[] = [],
): string {
  return JSON.stringify(buildContent(lang, { what: text }, files))
}
