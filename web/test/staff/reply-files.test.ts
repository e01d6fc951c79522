// A coordinator's reply with files (src/staff/reply-files.ts): the age size the instance's
// limit applies to, uploads before the reply and only then the reply, retries that do not
// upload a file twice, expired uploads sent again, and the reply's content naming its files.
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/client'
import { parseContent } from '../../src/api/report-content'
import { encryptTo } from '../../src/crypto/age'
import {
  ageFileSize,
  fitsLimit,
  ReplyDraft,
  ReplyError,
  uploadProblem,
  type ReplyDependencies,
  type ReplyKeys,
} from '../../src/staff/reply-files'

const REPORT = 'ab'.repeat(16)

async function identities() {
  const organisation = await generateIdentity()
  const reporter = await generateIdentity()
  return {
    organisation,
    reporter,
    organisationRecipient: await identityToRecipient(organisation),
    reporterRecipient: await identityToRecipient(reporter),
  }
}

function keysFor(organisationRecipient: string): ReplyKeys {
  return {
    current: { generation: 1, recipient: organisationRecipient },
    isLocked: false,
    encryptForReporter: (reporter: string, plaintext: Uint8Array | string) =>
      encryptTo([organisationRecipient, reporter], plaintext),
  } as ReplyKeys
}

// Uploads that succeed with numbered ids, except those `failing` names (by call number).
function server(failing: Record<number, ApiError> = {}, postFailures: ApiError[] = []) {
  const calls = { uploads: [] as { name: string; recipients: readonly string[] }[], posts: [] as { ids: readonly string[]; ciphertext: Uint8Array }[], removed: [] as string[] }
  let n = 0
  const deps: ReplyDependencies = {
    upload: async (file, recipients, progress) => {
      const call = n++
      calls.uploads.push({ name: (file as File).name, recipients })
      if (failing[call]) throw failing[call]
      progress(file.size, file.size)
      return call.toString(16).padStart(32, '0')
    },
    post: async (_reportId, ciphertext, ids = []) => {
      const failure = postFailures.shift()
      if (failure) throw failure
      calls.posts.push({ ids, ciphertext })
      return { report_id: REPORT, message_id: 'cd'.repeat(16), log_index: 7, attachments: [], receipt_url: '' }
    },
    remove: async (id) => {
      calls.removed.push(id)
    },
  }
  return { deps, calls }
}

const events = { progress: () => {}, done: () => {} }

function files(): File[] {
  return [
    new File(['referral letter'], 'lettre de référence.pdf', { type: 'application/pdf' }),
    new File([new Uint8Array(70_000)], 'guide.odt', { type: 'application/vnd.oasis.opendocument.text' }),
  ]
}

describe('ageFileSize', () => {
  it('is the size age-encryption produces for two X25519 recipients', async () => {
    const { organisationRecipient, reporterRecipient } = await identities()
    for (const size of [0, 1, 1000, 65535, 65536, 65537, 131072, 200_000]) {
      const file = await encryptTo([organisationRecipient, reporterRecipient], new Uint8Array(size))
      expect(ageFileSize(size), `${size} bytes`).toBe(file.length)
    }
  })

  it('is what the instance limit is compared with', () => {
    expect(fitsLimit(1000, null)).toBe(true)
    expect(fitsLimit(1000, ageFileSize(1000))).toBe(true)
    expect(fitsLimit(1001, ageFileSize(1000))).toBe(false)
  })
})

describe('ReplyDraft', () => {
  it('uploads each file to the organisation and the reporter, then posts a reply naming them in order', async () => {
    const keys = await identities()
    const { deps, calls } = server()
    const chosen = files()
    const draft = new ReplyDraft(REPORT, chosen, 1_000_000, deps)
    const ack = await draft.send(keysFor(keys.organisationRecipient), keys.reporterRecipient, 'fr', '  Voici la lettre.  ', events)
    expect(ack.log_index).toBe(7)
    expect(calls.uploads.map((u) => u.name)).toEqual(['lettre de référence.pdf', 'guide.odt'])
    for (const u of calls.uploads) expect(u.recipients).toEqual([keys.organisationRecipient, keys.reporterRecipient])
    expect(calls.posts).toHaveLength(1)
    expect(calls.posts[0].ids).toEqual(['0'.padStart(32, '0'), '1'.padStart(32, '0')])
    // Both the reporter and the organisation read the content, which describes the files by
    // position (docs/formats/report-content.md).
    for (const identity of [keys.reporter, keys.organisation]) {
      const d = new Decrypter()
      d.addIdentity(identity)
      const content = parseContent(await d.decrypt(calls.posts[0].ciphertext, 'text'))
      expect(content?.fields).toEqual({ what: 'Voici la lettre.' })
      expect(content?.language).toBe('fr')
      expect(content?.attachments).toEqual([
        { name: 'lettre de référence.pdf', type: 'application/pdf', size: 15 },
        { name: 'guide.odt', type: 'application/vnd.oasis.opendocument.text', size: 70_000 },
      ])
    }
  })

  it('sends nothing when an upload fails, and does not upload a finished file again', async () => {
    const keys = await identities()
    const { deps, calls } = server({ 1: new ApiError(0, 'network') })
    const draft = new ReplyDraft(REPORT, files(), null, deps)
    const send = () => draft.send(keysFor(keys.organisationRecipient), keys.reporterRecipient, 'en', 'text', events)
    await expect(send()).rejects.toEqual(new ReplyError('network'))
    expect(calls.posts).toHaveLength(0)
    await send()
    expect(calls.uploads.map((u) => u.name)).toEqual(['lettre de référence.pdf', 'guide.odt', 'guide.odt'])
    expect(calls.posts[0].ids).toEqual(['0'.padStart(32, '0'), '2'.padStart(32, '0')])
  })

  it('refuses a file over the limit before uploading anything', async () => {
    const keys = await identities()
    const { deps, calls } = server()
    const draft = new ReplyDraft(REPORT, files(), ageFileSize(70_000) - 1, deps)
    await expect(
      draft.send(keysFor(keys.organisationRecipient), keys.reporterRecipient, 'en', 'text', events),
    ).rejects.toEqual(new ReplyError('too_large'))
    expect(calls.uploads).toHaveLength(0)
  })

  it('says an upload expired when the reply cannot claim it, and uploads every file again', async () => {
    const keys = await identities()
    const { deps, calls } = server({}, [new ApiError(404, 'not_found')])
    const draft = new ReplyDraft(REPORT, files(), null, deps)
    const send = () => draft.send(keysFor(keys.organisationRecipient), keys.reporterRecipient, 'en', 'text', events)
    await expect(send()).rejects.toEqual(new ReplyError('upload_expired'))
    await send()
    expect(calls.uploads).toHaveLength(4)
    expect(calls.posts[0].ids).toEqual(['2'.padStart(32, '0'), '3'.padStart(32, '0')])
  })

  it('passes other failures of the reply on, keeping the uploads for a retry', async () => {
    const keys = await identities()
    const { deps, calls } = server({}, [new ApiError(401, 'unauthenticated')])
    const draft = new ReplyDraft(REPORT, files(), null, deps)
    const send = () => draft.send(keysFor(keys.organisationRecipient), keys.reporterRecipient, 'en', 'text', events)
    await expect(send()).rejects.toBeInstanceOf(ApiError)
    await send()
    expect(calls.uploads).toHaveLength(2)
  })

  it('removes its finished uploads when dropped, and knows its files', async () => {
    const keys = await identities()
    const { deps, calls } = server({ 1: new ApiError(503, 'storage_full') })
    const chosen = files()
    const draft = new ReplyDraft(REPORT, chosen, null, deps)
    await expect(
      draft.send(keysFor(keys.organisationRecipient), keys.reporterRecipient, 'en', 'text', events),
    ).rejects.toEqual(new ReplyError('storage_full'))
    expect(draft.matches(REPORT, chosen)).toBe(true)
    expect(draft.matches(REPORT, [chosen[0]])).toBe(false)
    expect(draft.matches('cd'.repeat(16), chosen)).toBe(false)
    await draft.discard()
    expect(calls.removed).toEqual(['0'.padStart(32, '0')])
  })

  it('maps upload failures to what the coordinator is told', () => {
    expect(uploadProblem(new ApiError(0, 'network'))).toBe('network')
    expect(uploadProblem(new ApiError(413, 'upload_failed'))).toBe('too_large')
    expect(uploadProblem(new ApiError(404, 'upload_failed'))).toBe('upload_expired')
    expect(uploadProblem(new ApiError(503, 'upload_failed'))).toBe('storage_full')
    expect(uploadProblem(new ApiError(400, 'upload_failed'))).toBe('upload_failed')
    expect(uploadProblem(new Error('x'))).toBe('upload_failed')
  })
})
