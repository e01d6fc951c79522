// The tracker's table (/tracker): headline counts as the API computes them, and every State in
// a table the reader filters (regional group, an indicator's category, a name) and sorts by
// any column. Filters live in the address (?region=&indicator=&category=&q=), so a view can be
// shared as a link.
import { getStates } from '../api/client'
import {
  categories,
  categoryKey,
  filterRows,
  formatDate,
  headlineLines,
  INDICATORS,
  isIndicator,
  makeRows,
  regionKey,
  REGIONS,
  SORT_KEYS,
  sortRows,
  type Direction,
  type Filter,
  type Row,
  type SortKey,
  type StatesDocument,
} from '../tracker/model'
import { factElement, h, showLoadError, statementName } from '../tracker/view'
import type { Translator } from '../i18n/i18n'
import { element, markReady, startPage } from './page'

const t = await startPage()
const params = new URLSearchParams(location.search)
const regionSelect = element<HTMLSelectElement>('filter-region')
const indicatorSelect = element<HTMLSelectElement>('filter-indicator')
const categorySelect = element<HTMLSelectElement>('filter-category')
const searchInput = element<HTMLInputElement>('filter-text')
const count = element<HTMLElement>('count')
const body = element<HTMLTableSectionElement>('states-body')
const error = element<HTMLElement>('error')

let sortKey: SortKey = 'name'
let direction: Direction = 'ascending'
let rows: Row[] = []
let doc: StatesDocument | null = null

function option(value: string, text: string, selected = false): HTMLOptionElement {
  const o = h('option', { value }, text)
  o.selected = selected
  return o
}

function fillFilters(): void {
  const region = params.get('region') ?? ''
  regionSelect.replaceChildren(option('', t.t('tracker_filter_all_regions')))
  for (const r of REGIONS) regionSelect.append(option(r, t.t(regionKey(r) ?? r), r === region))
  const indicator = params.get('indicator')
  indicatorSelect.replaceChildren(option('', t.t('tracker_filter_no_indicator')))
  for (const i of INDICATORS) indicatorSelect.append(option(i, t.t(`tracker_indicator_${i}`), i === indicator))
  fillCategories(params.get('category') ?? '')
  searchInput.value = params.get('q') ?? ''
}

function fillCategories(selected: string): void {
  const indicator = indicatorSelect.value
  categorySelect.replaceChildren(option('', t.t('tracker_filter_all_categories')))
  categorySelect.disabled = !isIndicator(indicator)
  if (!isIndicator(indicator) || !doc) return
  for (const c of categories(indicator, doc.statements.length))
    categorySelect.append(option(c, t.t(categoryKey(indicator, c), { n: Number(c) }), c === selected))
}

function currentFilter(): Filter {
  const indicator = indicatorSelect.value
  return {
    region: regionSelect.value,
    indicator: isIndicator(indicator) ? indicator : '',
    category: categorySelect.value,
    text: searchInput.value,
  }
}

function keepInAddress(filter: Filter): void {
  const url = new URL(location.href)
  for (const [name, value] of [
    ['region', filter.region],
    ['indicator', filter.indicator],
    ['category', filter.category],
    ['q', filter.text],
  ] as const) {
    if (value) url.searchParams.set(name, value)
    else url.searchParams.delete(name)
  }
  history.replaceState(null, '', url.pathname + url.search)
}

function romeStatus(row: Row, tr: Translator): string {
  return tr.t(`tracker_status_${row.state.rome_statute.status}`)
}

function renderRow(row: Row): HTMLTableRowElement {
  const s = row.state
  const link = h('a', { href: `/tracker/state?iso3=${s.iso3}&lang=${t.lang}` }, row.name)
  const statements =
    s.statements.length === 0
      ? h('span', { class: 'unknown' }, t.t('tracker_statements_none_recorded'))
      : h(
          'span',
          {},
          s.statements
            .map((id) => doc?.statements.find((st) => st.id === id))
            .map((st) => (st ? formatDate(st.date, t.lang) : ''))
            .join(' · '),
        )
  const apic =
    s.apic.status === 'party'
      ? h('span', {}, t.t('tracker_apic_party'))
      : h('span', { class: 'unknown' }, t.t('tracker_apic_unknown'))
  return h(
    'tr',
    { 'data-iso3': s.iso3 },
    h('th', { scope: 'row' }, link),
    h('td', {}, t.t(regionKey(s.region) ?? 'tracker_unknown')),
    h('td', { 'data-status': s.rome_statute.status }, romeStatus(row, t)),
    h('td', {}, factElement(s.rome_statute.ratification, 'date', t)),
    h('td', { 'data-apic': s.apic.status }, apic),
    h('td', {}, factElement(s.apic.ratification, 'date', t)),
    h('td', { 'data-statements': String(s.statements.length) }, statements),
    h('td', {}, factElement(s.blocking_measures, 'text', t)),
    h('td', {}, factElement(s.non_cooperation_findings, 'text', t)),
  )
}

function render(): void {
  const filter = currentFilter()
  keepInAddress(filter)
  const shown = sortRows(filterRows(rows, filter), sortKey, direction, t.lang)
  body.replaceChildren(...shown.map(renderRow))
  count.textContent = t.t('tracker_count', { shown: shown.length, total: rows.length })
  for (const th of document.querySelectorAll<HTMLElement>('th[data-sort]')) {
    if (th.dataset.sort === sortKey) th.setAttribute('aria-sort', direction)
    else th.removeAttribute('aria-sort')
  }
}

function setUpSorting(): void {
  for (const th of document.querySelectorAll<HTMLElement>('th[data-sort]')) {
    const key = th.dataset.sort as SortKey
    if (!SORT_KEYS.includes(key)) continue
    const label = th.textContent ?? ''
    const button = h('button', { type: 'button', class: 'sort' }, label)
    button.addEventListener('click', () => {
      direction = sortKey === key && direction === 'ascending' ? 'descending' : 'ascending'
      sortKey = key
      render()
    })
    th.replaceChildren(button)
  }
}

function renderHeadline(document_: StatesDocument): void {
  const list = element<HTMLUListElement>('headline')
  list.replaceChildren(
    ...headlineLines(document_).map((line) => {
      const statement = document_.statements.find((s) => s.id === line.args.statement)
      const args = statement ? { ...line.args, name: statementName(statement, t) } : line.args
      return h('li', { 'data-headline': line.key }, t.t(line.key, args))
    }),
  )
  element<HTMLElement>('compiled').textContent = t.t('tracker_compiled', { date: formatDate(document_.compiled, t.lang) })
}

setUpSorting()
try {
  doc = await getStates()
  rows = makeRows(doc.states, t.lang)
  fillFilters()
  renderHeadline(doc)
  render()
} catch {
  showLoadError(error, t)
}
for (const control of [regionSelect, categorySelect]) control.addEventListener('change', render)
indicatorSelect.addEventListener('change', () => {
  fillCategories('')
  render()
})
searchInput.addEventListener('input', render)
element<HTMLFormElement>('filters').addEventListener('submit', (e) => {
  e.preventDefault()
  render()
})
markReady()
