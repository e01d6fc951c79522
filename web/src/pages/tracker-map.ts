// The tracker's world map (/tracker/map): world-atlas's countries (served from this origin as a
// build asset) drawn with d3-geo into an inline SVG, each State coloured by the chosen
// indicator, with a legend that counts each colour and a table that says the same in words.
// The map is an image for sighted readers; the table is the accessible alternative.
import { geoEqualEarth, geoPath } from 'd3-geo'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import atlasUrl from 'world-atlas/countries-110m.json?url'
import { getStates } from '../api/client'
import {
  alpha3ByNumeric,
  categories,
  categoryKey,
  categoryOf,
  colourClass,
  isIndicator,
  makeRows,
  regionKey,
  sortRows,
  type Indicator,
  type StatesDocument,
  type StateSummary,
} from '../tracker/model'
import { h, showLoadError } from '../tracker/view'
import { element, markReady, startPage } from './page'

const t = await startPage()
const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 960
const HEIGHT = 470
const error = element<HTMLElement>('error')
const form = element<HTMLFormElement>('indicator-form')

interface Country {
  alpha3: string | null
  path: SVGPathElement
}

let doc: StatesDocument | null = null
let byIso3 = new Map<string, StateSummary>()
let countries: Country[] = []

function chosenIndicator(): Indicator {
  const value = new FormData(form).get('indicator')
  return isIndicator(typeof value === 'string' ? value : null) ? (value as Indicator) : 'rome_statute'
}

function categoryLabel(indicator: Indicator, category: string): string {
  return t.t(categoryKey(indicator, category), { n: Number(category) })
}

async function drawMap(): Promise<void> {
  const response = await fetch(atlasUrl, { credentials: 'omit', referrerPolicy: 'no-referrer' })
  if (!response.ok) throw new Error('atlas')
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection<{ name: string }> }>
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>
  // Antarctica takes a fifth of the map and has no State.
  const shown = collection.features.filter((f: Feature) => f.id !== '010')
  const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], { type: 'FeatureCollection', features: shown })
  const path = geoPath(projection)
  const numeric = alpha3ByNumeric()
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-labelledby', 'map-title')
  svg.setAttribute('class', 'world')
  const title = document.createElementNS(SVG, 'title')
  title.id = 'map-title'
  svg.append(title)
  countries = []
  for (const f of shown) {
    const d = path(f)
    if (!d) continue
    const el = document.createElementNS(SVG, 'path')
    el.setAttribute('d', d)
    const alpha3 = f.id === undefined ? null : (numeric.get(String(f.id)) ?? null)
    if (alpha3) el.dataset.iso3 = alpha3
    svg.append(el)
    countries.push({ alpha3, path: el })
  }
  element<HTMLElement>('map').replaceChildren(svg)
}

function colour(indicator: Indicator): void {
  if (!doc) return
  const n = doc.statements.length
  for (const c of countries) {
    const state = c.alpha3 ? byIso3.get(c.alpha3) : undefined
    const category = categoryOf(state, indicator)
    c.path.setAttribute('class', colourClass(indicator, category, n))
    c.path.dataset.category = category
  }
  const title = document.getElementById('map-title')
  if (title) title.textContent = t.t('tracker_map_svg_title', { indicator: t.t(`tracker_indicator_${indicator}`) })
}

function renderLegend(indicator: Indicator): void {
  if (!doc) return
  const n = doc.statements.length
  const counts = new Map<string, number>()
  for (const s of doc.states) counts.set(categoryOf(s, indicator), (counts.get(categoryOf(s, indicator)) ?? 0) + 1)
  const legend = element<HTMLUListElement>('legend')
  legend.replaceChildren(
    ...categories(indicator, n).map((category) => {
      const swatch = h('span', { class: `swatch ${colourClass(indicator, category, n)}`, 'aria-hidden': 'true' })
      const label =
        category === 'not_listed'
          ? categoryLabel(indicator, category)
          : t.t('tracker_legend_count', { label: categoryLabel(indicator, category), count: counts.get(category) ?? 0 })
      return h('li', { 'data-category': category }, swatch, label)
    }),
  )
}

function renderTable(indicator: Indicator): void {
  if (!doc) return
  const rows = sortRows(makeRows(doc.states, t.lang), 'name', 'ascending', t.lang)
  element<HTMLElement>('map-table-indicator').textContent = t.t(`tracker_indicator_${indicator}`)
  element<HTMLElement>('map-table-caption').textContent = t.t('tracker_map_table_caption', {
    indicator: t.t(`tracker_indicator_${indicator}`),
  })
  element<HTMLTableSectionElement>('map-table-body').replaceChildren(
    ...rows.map((row) => {
      const category = categoryOf(row.state, indicator)
      return h(
        'tr',
        { 'data-iso3': row.state.iso3, 'data-category': category },
        h('th', { scope: 'row' }, h('a', { href: `/tracker/state?iso3=${row.state.iso3}&lang=${t.lang}` }, row.name)),
        h('td', {}, t.t(regionKey(row.state.region) ?? 'tracker_unknown')),
        h('td', {}, categoryLabel(indicator, category)),
      )
    }),
  )
}

function show(): void {
  const indicator = chosenIndicator()
  colour(indicator)
  renderLegend(indicator)
  renderTable(indicator)
  const url = new URL(location.href)
  url.searchParams.set('indicator', indicator)
  history.replaceState(null, '', url.pathname + url.search)
}

const requested = new URLSearchParams(location.search).get('indicator')
if (isIndicator(requested)) {
  for (const input of form.querySelectorAll<HTMLInputElement>('input[name=indicator]'))
    input.checked = input.value === requested
}
try {
  const [states] = await Promise.all([getStates(), drawMap()])
  doc = states
  byIso3 = new Map(states.states.map((s) => [s.iso3, s]))
  show()
} catch {
  showLoadError(error, t)
}
form.addEventListener('change', show)
form.addEventListener('submit', (e) => e.preventDefault())
markReady()
