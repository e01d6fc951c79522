// The written fields of a decrypted report or message as a definition list, shared by the
// reporter's follow-up page and the staff app. Text is set with textContent only: what a
// reporter wrote is never parsed as HTML.
import { FIELD_NAMES, type ReportContent } from '../api/report-content'
import type { Translator } from '../i18n/i18n'

export function renderFields(content: ReportContent, kind: string, t: Translator): HTMLDListElement {
  const list = document.createElement('dl')
  for (const name of FIELD_NAMES) {
    const value = content.fields[name]
    if (!value) continue
    const term = document.createElement('dt')
    term.textContent = kind === 'report' ? t.t(`field_${name}`) : t.t('message_text')
    const description = document.createElement('dd')
    description.textContent = value
    // The writer's language and direction, whatever the page's.
    description.lang = content.language
    description.dir = 'auto'
    list.append(term, description)
  }
  return list
}
