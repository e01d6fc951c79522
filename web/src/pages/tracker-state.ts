// One State of the tracker (/tracker/state?iso3=FRA): each fact with its value (or "unknown"),
// whether it is derived, and its source; a timeline of events in date order, those of unknown
// date last; the data's notes; and the public history of editors' changes to it.
import { getState, getStateHistory } from '../api/client'
import { formatDate, formatHour, regionKey, stateName, type Fact, type FactKind, type StateDetail, type Statement } from '../tracker/model'
import { factElement, h, sourceElement, statementName } from '../tracker/view'
import { element, markReady, startPage } from './page'

const t = await startPage()
const error = element<HTMLElement>('error')
const iso3 = (new URLSearchParams(location.search).get('iso3') ?? '').toUpperCase()

function factRow(label: string, fact: Fact | undefined, kind: FactKind, id: string): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-fact': id },
    h('th', { scope: 'row' }, label),
    h('td', {}, factElement(fact, kind, t)),
    h('td', {}, fact && fact.source ? sourceElement(fact.source, t) : h('span', { class: 'unknown' }, t.t('tracker_no_source'))),
  )
}

function textRow(label: string, value: HTMLElement | string, source: string, id: string): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-fact': id },
    h('th', { scope: 'row' }, label),
    h('td', {}, value),
    h('td', {}, source ? sourceElement(source, t) : ''),
  )
}

function eventLabel(event: string, statements: Statement[]): string {
  if (event.startsWith('joint_statement:')) {
    const statement = statements.find((s) => s.id === event.slice('joint_statement:'.length))
    return statement ? statementName(statement, t) : event
  }
  return t.t(`tracker_event_${event}`)
}

// The joint statements the State joined, as its timeline gives them (date and source): the
// page needs no other request.
function statementsOf(state: StateDetail): Statement[] {
  return state.timeline
    .filter((e) => e.event.startsWith('joint_statement:') && e.date)
    .map((e) => ({
      id: e.event.slice('joint_statement:'.length),
      date: e.date ?? '',
      title: '',
      summary: '',
      source: e.source,
      listed_signatories: 0,
      reported_signatories: null,
    }))
}

function render(state: StateDetail, statements: Statement[]): void {
  const name = stateName(state, t.lang)
  element<HTMLElement>('state-name').textContent = name
  document.title = t.t('tracker_state_page_title', { name })
  element<HTMLElement>('state-region').textContent = t.t(regionKey(state.region) ?? 'tracker_unknown')

  const rs = state.rome_statute
  const rows: HTMLTableRowElement[] = [
    textRow(t.t('tracker_col_rome_statute'), t.t(`tracker_status_${rs.status}`), state.source, 'status'),
  ]
  if (rs.status !== 'not_party') {
    rows.push(factRow(t.t('tracker_fact_ratification'), rs.ratification, 'date', 'ratification'))
    rows.push(factRow(t.t('tracker_fact_entry_into_force'), rs.entry_into_force, 'date', 'entry_into_force'))
  }
  if (rs.status !== 'party') rows.push(factRow(t.t('tracker_fact_withdrawal'), rs.withdrawal_effective, 'date', 'withdrawal'))
  if (state.apic.status === 'party') {
    rows.push(textRow(t.t('tracker_col_apic'), t.t('tracker_apic_party'), '', 'apic'))
    rows.push(factRow(t.t('tracker_fact_apic_signature'), state.apic.signature, 'date', 'apic_signature'))
    rows.push(factRow(t.t('tracker_fact_apic_ratification'), state.apic.ratification, 'date', 'apic_ratification'))
  } else {
    rows.push(textRow(t.t('tracker_col_apic'), h('span', { class: 'unknown' }, t.t('tracker_apic_unknown')), '', 'apic'))
  }
  const joined = state.statements
    .map((id) => statements.find((s) => s.id === id))
    .filter((s): s is Statement => s !== undefined)
  rows.push(
    textRow(
      t.t('tracker_col_statements'),
      joined.length === 0
        ? h('span', { class: 'unknown' }, t.t('tracker_statements_none_recorded'))
        : h('ul', { class: 'plain' }, ...joined.map((s) => h('li', {}, statementName(s, t)))),
      joined.map((s) => s.source).join(' ; '),
      'statements',
    ),
  )
  rows.push(factRow(t.t('tracker_col_blocking'), state.blocking_measures, 'text', 'blocking_measures'))
  rows.push(factRow(t.t('tracker_col_non_cooperation'), state.non_cooperation_findings, 'text', 'non_cooperation_findings'))
  element<HTMLTableSectionElement>('facts-body').replaceChildren(...rows)

  element<HTMLOListElement>('timeline').replaceChildren(
    ...state.timeline.map((e) => {
      const date = e.date
        ? h('span', { class: 'date' }, formatDate(e.date, t.lang))
        : h('span', { class: 'date unknown' }, t.t('tracker_date_unknown'))
      const item = h('li', { 'data-event': e.event }, date)
      if (e.derived) item.append(' ', h('span', { class: 'derived' }, t.t('tracker_derived')))
      item.append(h('p', { class: 'event' }, eventLabel(e.event, statements)))
      item.append(h('div', { class: 'event-source' }, h('span', { class: 'hint' }, t.t('tracker_col_source') + ': '), sourceElement(e.source, t)))
      return item
    }),
  )

  const notes = element<HTMLElement>('notes')
  const noteItems: HTMLElement[] = []
  // The compiled notes are in English, as the sources were read.
  if (state.notes) noteItems.push(h('p', { lang: 'en', dir: 'ltr' }, state.notes))
  if (state.apic.notes) noteItems.push(h('p', { lang: 'en', dir: 'ltr' }, state.apic.notes))
  if (state.editor_notes?.known && state.editor_notes.value) {
    noteItems.push(h('p', {}, state.editor_notes.value))
    noteItems.push(sourceElement(state.editor_notes.source, t))
  }
  if (noteItems.length === 0) noteItems.push(h('p', { class: 'hint' }, t.t('tracker_no_notes')))
  notes.replaceChildren(...noteItems)
  element<HTMLElement>('state').hidden = false
}

async function renderHistory(): Promise<void> {
  const history = await getStateHistory(iso3)
  element<HTMLElement>('history-empty').hidden = history.changes.length > 0
  element<HTMLUListElement>('history').replaceChildren(
    ...history.changes.map((c) =>
      h(
        'li',
        { 'data-log-index': String(c.log_index) },
        h('p', {}, t.t('tracker_change_line', {
          time: formatHour(c.hour, t.lang),
          field: t.t(`tracker_field_${c.field}`),
          value: c.value === '' ? t.t('tracker_unknown') : c.value,
          index: c.log_index,
        })),
        sourceElement(c.source, t),
      ),
    ),
  )
}

try {
  if (!/^[A-Z]{3}$/.test(iso3)) throw new Error('iso3')
  const state = await getState(iso3)
  render(state, statementsOf(state))
  await renderHistory()
} catch {
  error.textContent = t.t('tracker_state_not_found')
}
markReady()
