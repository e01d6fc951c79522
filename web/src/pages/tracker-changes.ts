// The tracker's public change history (/tracker/changes): every editor's change in log order,
// with its value, its source and the log index that anyone can check against the log.
import { getTrackerChanges } from '../api/client'
import { formatHour, type Change } from '../tracker/model'
import { h, showLoadError, sourceElement } from '../tracker/view'
import { element, markReady, startPage } from './page'

const t = await startPage()
const error = element<HTMLElement>('error')
const body = element<HTMLTableSectionElement>('changes-body')
const more = element<HTMLButtonElement>('more')
let after = 0
let total = 0

function row(c: Change): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-log-index': String(c.log_index), 'data-iso3': c.iso3 },
    h('td', {}, String(c.log_index)),
    h('td', {}, formatHour(c.hour, t.lang)),
    h('th', { scope: 'row' }, h('a', { href: `/tracker/state?iso3=${c.iso3}&lang=${t.lang}` }, c.iso3)),
    h('td', {}, t.t(`tracker_field_${c.field}`)),
    h('td', {}, c.value === '' ? h('span', { class: 'unknown' }, t.t('tracker_unknown')) : c.value),
    h('td', {}, sourceElement(c.source, t)),
    h('td', { class: 'pseudonym' }, c.editor),
  )
}

async function load(): Promise<void> {
  try {
    const page = await getTrackerChanges(after)
    body.append(...page.changes.map(row))
    total += page.changes.length
    // A full page (500) may have more after it.
    more.hidden = page.changes.length < 500 || page.next_after === undefined
    if (page.next_after !== undefined) after = page.next_after
    element<HTMLElement>('changes-empty').hidden = total > 0
  } catch {
    showLoadError(error, t)
  }
}

more.addEventListener('click', () => void load())
await load()
markReady()
