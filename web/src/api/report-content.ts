// The plaintext inside a report's age file (docs/formats/report-content.md).
import type { Language } from '../i18n/i18n'

export const FIELD_NAMES = ['what', 'when', 'where', 'targeted', 'responsible', 'court_link', 'help'] as const
export type FieldName = (typeof FIELD_NAMES)[number]

export interface AttachmentInfo {
  id?: string // given by the no-JavaScript form; the web client's attachments are matched by order
  name: string
  type: string
  size: number
}

export interface ReportContent {
  format: 'vigil-report/v1'
  language: string
  submitted_via: 'web' | 'nojs'
  fields: Partial<Record<FieldName, string>>
  attachments: AttachmentInfo[]
}

// The content of a report or a follow-up: only the fields that hold something. The i-th
// attachment describes the i-th upload id sent with it.
export function buildContent(
  lang: Language,
  fields: Partial<Record<FieldName, string>>,
  files: readonly { name: string; type: string; size: number }[],
): ReportContent {
  const kept: Partial<Record<FieldName, string>> = {}
  for (const name of FIELD_NAMES) {
    const value = fields[name]?.trim()
    if (value) kept[name] = value
  }
  return {
    format: 'vigil-report/v1',
    language: lang,
    submitted_via: 'web',
    fields: kept,
    attachments: files.map((f) => ({ name: f.name, type: f.type, size: f.size })),
  }
}

// Parses decrypted content; null when it is not a vigil-report/v1 object.
export function parseContent(text: string): ReportContent | null {
  try {
    const value = JSON.parse(text)
    if (value?.format !== 'vigil-report/v1' || typeof value.fields !== 'object' || value.fields === null) return null
    return { ...value, attachments: Array.isArray(value.attachments) ? value.attachments : [] }
  } catch {
    return null
  }
}
