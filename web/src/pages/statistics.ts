// Published statistics (/statistics): each table coordinators published (docs/formats/
// statistics.md) as they were logged, hidden figures said in words, and the signed receipt
// that lets anyone check, offline, that this publication is in the log.
import { getPublication, getPublications, type Figure, type StatisticsDocument } from '../api/client'
import { figureText, formatHour } from '../tracker/model'
import { h, showLoadError } from '../tracker/view'
import { element, markReady, startPage } from './page'

const t = await startPage()
const error = element<HTMLElement>('error')

function figureCell(figure: Figure, k: number, header = false): HTMLTableCellElement {
  const cell = h(header ? 'th' : 'td', {}, figureText(figure, k, t))
  if (typeof figure !== 'number') cell.className = 'suppressed'
  return cell
}

function table(doc: StatisticsDocument, captionId: string): HTMLTableElement {
  const head = h('tr', {}, h('td', {}), ...doc.columns.map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, t.t('tracker_total')))
  const rows = doc.rows.map((r, i) =>
    h('tr', {}, h('th', { scope: 'row' }, r), ...doc.cells[i].map((f) => figureCell(f, doc.k)), figureCell(doc.row_totals[i], doc.k)),
  )
  const totals = h(
    'tr',
    { class: 'totals' },
    h('th', { scope: 'row' }, t.t('tracker_total')),
    ...doc.column_totals.map((f) => figureCell(f, doc.k)),
    figureCell(doc.total, doc.k),
  )
  return h('table', { class: 'data', 'aria-labelledby': captionId }, h('thead', {}, head), h('tbody', {}, ...rows, totals))
}

try {
  const list = await getPublications()
  element<HTMLElement>('publications-empty').hidden = list.length > 0
  const container = element<HTMLElement>('publications')
  for (const p of list) {
    const full = await getPublication(p.id)
    const titleId = `publication-${p.id}`
    container.append(
      h(
        'section',
        // The scrollable table is the landmark named by the title; the section stays unnamed.
        { class: 'publication', 'data-id': p.id },
        h('h2', { id: titleId }, full.document.title || p.title),
        h('p', { class: 'hint' }, t.t('tracker_publication_meta', { time: formatHour(p.hour, t.lang), index: p.log_index, k: full.document.k })),
        h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': titleId }, table(full.document, titleId)),
        h('p', {}, h('a', { href: p.receipt_url, download: `vigil-statistics-${p.id}-receipt.txt` }, t.t('tracker_receipt_download'))),
      ),
    )
  }
} catch {
  showLoadError(error, t)
}
markReady()
