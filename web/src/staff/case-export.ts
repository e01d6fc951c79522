// The court-ready package of a case (docs/formats/case-export.md), made in the coordinator's
// browser: the evidence files of the linked reports decrypted here, their age files exactly as
// stored, a printable summary, the case revision, and a manifest with a receipt for every log
// entry it relies on, all under one signed checkpoint. `vigil verify-export` checks it offline.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { base64 } from '@scure/base'
import { zipSync } from 'fflate'
import type { CaseDocument } from '../cases/model'
import { canonicalJson } from '../cases/revisions'
import type { OpenedThread } from './inbox'
import type { CaseView } from './cases-api'

export const EXPORT_FORMAT = 'vigil-case-export/v1'

export interface ExportFile {
  path: string
  sha256: string
  size: number
  ciphertext?: { path: string; log_index: number; receipt: string }
}

export interface ExportEntry {
  kind: 'report' | 'reply' | 'follow_up' | 'case_revision'
  id: string
  revision?: number
  log_index: number
  receipt: string
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT
  case_id: string
  revision: number
  log_origin: string
  checkpoint: string
  exported_hour: number
  files: ExportFile[]
  entries: ExportEntry[]
  custody: { log_index: number; kind: string; revision: number; hour: number; author: string }[]
}

// What the package needs from the server and the keys; the page passes the real ones.
export interface ExportSource {
  thread(reportId: string): Promise<OpenedThread>
  attachment(reportId: string, attachmentId: string): Promise<Uint8Array>
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>
  receipt(index: number): Promise<string> // waits while the receipt is pending
}

export function hexSha256(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes))
}

// The signed checkpoint a receipt carries: everything after its first empty line.
export function receiptCheckpoint(receipt: string): string {
  const at = receipt.indexOf('\n\n')
  return at < 0 ? '' : receipt.slice(at + 2)
}

// The origin line of a checkpoint note.
export function checkpointOrigin(checkpoint: string): string {
  return checkpoint.split('\n')[0] ?? ''
}

// The object id (bytes 2 to 18 of the 78-byte entry, docs/formats/entries.md) a receipt's entry
// names, in hex.
export function receiptObjectId(receipt: string): string {
  const line = receipt.split('\n').find((l) => l.startsWith('entry '))
  if (!line) throw new Error('the receipt has no entry')
  const entry = base64.decode(line.slice(6).trim())
  if (entry.length < 18) throw new Error('the receipt entry is too short')
  return bytesToHex(entry.subarray(2, 18))
}

// A member name for an original file: its own name, with nothing that could leave the
// evidence/ folder or trouble a file system.
export function safeName(name: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/^\.+/, '_')
    .trim()
  const chars = [...cleaned]
  return (chars.length > 120 ? chars.slice(chars.length - 120).join('') : cleaned) || 'file'
}

// Receipts for every index, all under the same checkpoint: fetched together, and fetched again
// while they name different checkpoints (the log grew in between).
export async function receiptsUnderOneCheckpoint(
  indices: readonly number[],
  receipt: (index: number) => Promise<string>,
  tries = 10,
): Promise<Map<number, string>> {
  const unique = [...new Set(indices)].sort((a, b) => b - a)
  for (let attempt = 0; attempt < tries; attempt++) {
    // The newest index first: once it is covered, the others are under that checkpoint too.
    const out = new Map<number, string>()
    if (unique.length > 0) out.set(unique[0], await receipt(unique[0]))
    const rest = await Promise.all(unique.slice(1).map(async (i) => [i, await receipt(i)] as const))
    for (const [i, r] of rest) out.set(i, r)
    const checkpoints = new Set([...out.values()].map(receiptCheckpoint))
    if (checkpoints.size <= 1) return out
  }
  throw new Error('the log kept moving: the receipts never shared one checkpoint')
}

export interface SummaryText {
  lang: string
  dir: 'ltr' | 'rtl'
  title: string
  sections: { heading: string; lines: string[] }[]
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

// The printable summary: plain HTML, no script, no outside resource.
export function summaryHtml(s: SummaryText): string {
  const body = s.sections
    .map((section) => {
      const items = section.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('\n')
      return `<h2>${escapeHtml(section.heading)}</h2>\n<ul>\n${items}\n</ul>`
    })
    .join('\n')
  return `<!doctype html>\n<html lang="${escapeHtml(s.lang)}" dir="${s.dir}">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(s.title)}</title>\n</head>\n<body>\n<h1>${escapeHtml(s.title)}</h1>\n${body}\n</body>\n</html>\n`
}

export interface BuiltPackage {
  members: Record<string, Uint8Array> // every member but the anchor, the manifest included
  manifest: ExportManifest
  manifestBytes: Uint8Array
  manifestSha256: string
}

// Builds the package of `doc` (the latest revision, stored at `view.latest_log_index`).
export async function buildPackage(
  doc: CaseDocument,
  view: CaseView,
  summary: string,
  source: ExportSource,
): Promise<BuiltPackage> {
  const members: Record<string, Uint8Array> = {}
  const files: ExportFile[] = []
  const pendingFiles: { file: ExportFile; index: number }[] = []
  const entryIndices: { kind: ExportEntry['kind']; index: number; revision?: number }[] = [
    { kind: 'case_revision', index: view.latest_log_index, revision: doc.revision },
  ]
  const reports = [...new Set(doc.links.map((l) => l.report))]
  const wanted = new Set(doc.links.filter((l) => l.kind === 'attachment').map((l) => `${l.report}/${l.attachment}`))
  const wholeReports = new Set(doc.links.filter((l) => l.kind === 'report').map((l) => l.report))
  let n = 0
  for (const reportId of reports) {
    const thread = await source.thread(reportId)
    for (const message of thread.messages) {
      const meta = message.meta
      const taken = meta.attachments.filter(
        (a) => wholeReports.has(reportId) || wanted.has(`${reportId}/${a.id}`),
      )
      if (meta.kind === 'report' || taken.length > 0) entryIndices.push({ kind: meta.kind, index: meta.log_index })
      for (const server of taken) {
        const infos = message.content?.attachments ?? []
        const info = infos.find((i) => i.id === server.id) ?? infos[meta.attachments.indexOf(server)]
        const ciphertext = await source.attachment(reportId, server.id)
        const plain = await source.decrypt(ciphertext)
        n++
        const path = `evidence/${n}-${safeName(info?.name ?? server.id)}`
        const cpath = `ciphertexts/${server.log_index}.age`
        if (members[cpath]) continue
        members[path] = plain
        members[cpath] = ciphertext
        const file: ExportFile = {
          path,
          sha256: hexSha256(plain),
          size: plain.length,
          ciphertext: { path: cpath, log_index: server.log_index, receipt: '' },
        }
        files.push(file)
        pendingFiles.push({ file, index: server.log_index })
      }
    }
  }
  const caseJson = new TextEncoder().encode(canonicalJson(doc))
  const summaryBytes = new TextEncoder().encode(summary)
  members['summary.html'] = summaryBytes
  members['case.json'] = caseJson
  files.push({ path: 'summary.html', sha256: hexSha256(summaryBytes), size: summaryBytes.length })
  files.push({ path: 'case.json', sha256: hexSha256(caseJson), size: caseJson.length })

  const custodyMax = Math.max(0, ...view.custody.map((c) => c.log_index))
  const indices = [...pendingFiles.map((p) => p.index), ...entryIndices.map((e) => e.index), custodyMax]
  const receipts = await receiptsUnderOneCheckpoint(indices, source.receipt)
  for (const p of pendingFiles) p.file.ciphertext!.receipt = receipts.get(p.index)!
  const entries: ExportEntry[] = entryIndices.map((e) => {
    const receipt = receipts.get(e.index)!
    const entry: ExportEntry = { kind: e.kind, id: receiptObjectId(receipt), log_index: e.index, receipt }
    if (e.revision !== undefined) entry.revision = e.revision
    return entry
  })
  const checkpoint = receiptCheckpoint(receipts.get(view.latest_log_index)!)
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    case_id: doc.case_id,
    revision: doc.revision,
    log_origin: checkpointOrigin(checkpoint),
    checkpoint,
    exported_hour: Math.floor(Date.now() / 3_600_000),
    files,
    entries,
    custody: view.custody.map((c) => ({
      log_index: c.log_index,
      kind: c.kind,
      revision: c.revision,
      hour: c.hour,
      author: c.author,
    })),
  }
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 1) + '\n')
  members['manifest.json'] = manifestBytes
  return { members, manifest, manifestBytes, manifestSha256: hexSha256(manifestBytes) }
}

// The ZIP of a built package, with `anchor` as `manifest.receipt`: the receipt of the custody
// entry that logged the manifest's digest (POST /v1/cases/{id}/exports), made after the manifest
// and so not listed in it (docs/formats/case-export.md).
export function packageZip(built: BuiltPackage, anchor: string): Uint8Array {
  const members = { ...built.members, 'manifest.receipt': new TextEncoder().encode(anchor) }
  // Already-compressed originals gain little; level 6 keeps the summary and manifest small.
  return zipSync(members, { level: 6 })
}
