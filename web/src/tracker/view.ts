// DOM pieces shared by the tracker's pages: a fact as text ("unknown" marked, "derived" said),
// a source as plain links the reader may choose to follow (nothing is loaded from them), and
// small element builders. Text only ever goes in as text, never as HTML.
import type { Translator } from '../i18n/i18n'
import { describeFact, formatDate, splitSource, type Fact, type FactKind, type Statement } from './model'

type Child = Node | string | null | undefined | false

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') el.className = value
    else el.setAttribute(name, value)
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child)
  return el
}

// A fact: its value, or "unknown" (class "unknown"); a derived value is followed by "(derived)".
export function factElement(fact: Fact | undefined, kind: FactKind, t: Translator): HTMLElement {
  const shown = describeFact(fact, kind, t.lang, t.t('tracker_unknown'))
  const span = h('span', { class: shown.unknown ? 'fact unknown' : 'fact' }, shown.text)
  if (shown.derived) span.append(' ', h('span', { class: 'derived' }, t.t('tracker_derived')))
  return span
}

// A source: each item on its own line, its URLs as links (no referrer, not followed by the page).
export function sourceElement(source: string, t: Translator): HTMLElement {
  const items = splitSource(source)
  if (items.length === 0) return h('span', { class: 'unknown' }, t.t('tracker_no_source'))
  const list = h('ul', { class: 'sources' })
  for (const parts of items) {
    const item = h('li', { dir: 'auto' })
    for (const part of parts) {
      if (part.url) item.append(h('a', { href: part.url, rel: 'noopener noreferrer nofollow', class: 'source-link' }, part.text))
      else item.append(part.text)
    }
    list.append(item)
  }
  return list
}

// A joint statement's short name in the page's language: "Joint statement of 14 June 2024".
export function statementName(statement: Pick<Statement, 'date'>, t: Translator): string {
  return t.t('tracker_statement_of', { date: formatDate(statement.date, t.lang) })
}

// The page's error line for a failed load.
export function showLoadError(el: HTMLElement, t: Translator): void {
  el.textContent = t.t('tracker_load_failed')
}
