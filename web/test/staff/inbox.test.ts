// The inbox model: lazy decryption a few at a time, titles, unread follow-ups, sorting and the
// log status against a checkpoint.
import { describe, expect, it } from 'vitest'
import type { ReportContent } from '../../src/api/report-content'
import type { ReportSummary, StaffReportView } from '../../src/staff/api'
import {
  checkpointSize,
  Inbox,
  isIncluded,
  openThread,
  replyContent,
  sortEntries,
  titleOf,
  unreadFollowUps,
  type InboxSource,
} from '../../src/staff/inbox'

function content(what: string): ReportContent {
  return { format: 'vigil-report/v1', language: 'en', submitted_via: 'web', fields: { what }, attachments: [] }
}

// n reports; the "ciphertext" of a message is its JSON content, "decrypted" by copying, except
// for report 3 whose message does not decrypt.
function source(n: number) {
  const opened: string[] = []
  let inFlight = 0
  let maxInFlight = 0
  const summaries: ReportSummary[] = Array.from({ length: n }, (_, i) => ({
    id: i.toString(16).padStart(32, '0'),
    created_hour: 1000 + (i % 7),
    updated_hour: 2000 - i,
    log_index: i,
    messages: 1,
  }))
  const s: InboxSource = {
    list: async () => summaries,
    report: async (id) => {
      opened.push(id)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise((ok) => setTimeout(ok, 1))
      inFlight--
      return {
        report_id: id,
        created_hour: 1,
        updated_hour: 1,
        log_index: 1,
        reporter_recipient: 'age1x',
        messages: [{ id: 'm' + id, kind: 'report', author: 'reporter', size: 1, log_index: 1, created_hour: 1, attachments: [] }],
      } satisfies StaffReportView
    },
    message: async (reportId) => new TextEncoder().encode(JSON.stringify(content(`report ${parseInt(reportId, 16)}`))),
    decrypt: async (c) => {
      if (new TextDecoder().decode(c).includes('report 3"')) throw new Error('no identity matched')
      return c
    },
  }
  return { s, opened, max: () => maxInFlight }
}

describe('Inbox', () => {
  it('decrypts only the reports it is asked to, a few at a time', async () => {
    const { s, opened, max } = source(300)
    const inbox = new Inbox(s)
    await inbox.load()
    expect(inbox.entries).toHaveLength(300)
    expect(opened).toEqual([])
    const ids = inbox.entries.slice(0, 25).map((e) => e.summary.id)
    const changed: string[] = []
    await inbox.open(ids, (e) => changed.push(e.summary.id), 4)
    expect(opened).toHaveLength(25)
    expect(changed.sort()).toEqual([...ids].sort())
    expect(max()).toBeLessThanOrEqual(4)
    expect(titleOf(inbox.entry(ids[0])?.content)).toBe('report 0')
    // A report that does not decrypt is marked, the others are not affected.
    expect(inbox.entry(ids[3])?.state).toBe('open')
    expect(inbox.entry(ids[3])?.content).toBeNull()
    expect(inbox.entry(ids[4])?.content?.fields.what).toBe('report 4')
    // Asking again opens nothing twice; reloading keeps what did not change.
    await inbox.open(ids)
    await inbox.load()
    expect(opened).toHaveLength(25)
    expect(inbox.entry(ids[4])?.state).toBe('open')
  })

  it('opens a whole thread', async () => {
    const { s } = source(2)
    const thread = await openThread(s, '1'.padStart(32, '0'))
    expect(thread.messages.map((m) => m.content?.fields.what)).toEqual(['report 1'])
  })
})

describe('inbox helpers', () => {
  it('title: the first line of what, shortened at a word', () => {
    expect(titleOf(content('Threats at the office\nsecond line'))).toBe('Threats at the office')
    expect(titleOf(content('word '.repeat(40)), 20)).toBe('word word word word…')
    expect(titleOf(null)).toBe('')
  })

  it('unread follow-ups: after the last reply and the messages already seen', () => {
    const kinds = (s: string) => s.split(' ').map((kind) => ({ kind: kind as 'report' | 'reply' | 'follow_up' }))
    expect(unreadFollowUps(kinds('report'))).toBe(0)
    expect(unreadFollowUps(kinds('report follow_up follow_up'))).toBe(2)
    expect(unreadFollowUps(kinds('report follow_up reply follow_up'))).toBe(1)
    expect(unreadFollowUps(kinds('report follow_up follow_up'), 2)).toBe(1)
    expect(unreadFollowUps(kinds('report follow_up follow_up'), 3)).toBe(0)
  })

  it('sorts by date received either way, or by last activity', () => {
    const entry = (id: string, created: number, updated: number, index: number) => ({
      summary: { id, created_hour: created, updated_hour: updated, log_index: index, messages: 1 },
      state: 'waiting' as const,
    })
    const list = [entry('a', 10, 50, 1), entry('b', 30, 40, 3), entry('c', 10, 60, 2)]
    expect(sortEntries(list, 'newest').map((e) => e.summary.id)).toEqual(['b', 'c', 'a'])
    expect(sortEntries(list, 'oldest').map((e) => e.summary.id)).toEqual(['a', 'c', 'b'])
    expect(sortEntries(list, 'updated').map((e) => e.summary.id)).toEqual(['c', 'a', 'b'])
  })

  it('reads the size of a checkpoint and says what it covers', () => {
    const note = 'e2e.example/vigil\n12\nq9fZ0Tq3ZqS8BvY2bNQ0QmxXK0UlqnJmZ2rS3b2Z1xg=\n\n— e2e.example/vigil abcd\n'
    expect(checkpointSize(note)).toBe(12)
    expect(checkpointSize('not a checkpoint')).toBeNull()
    expect(isIncluded(11, 12)).toBe(true)
    expect(isIncluded(12, 12)).toBe(false)
    expect(isIncluded(0, null)).toBe(false)
  })

  it('writes a reply as report content with the text alone', () => {
    expect(JSON.parse(replyContent('ar', ' We read it. '))).toEqual({
      format: 'vigil-report/v1',
      language: 'ar',
      submitted_via: 'web',
      fields: { what: 'We read it.' },
      attachments: [],
    })
  })
})
