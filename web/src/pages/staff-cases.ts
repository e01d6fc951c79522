// The case pages of the staff app (issue 7): the caseload (#/cases), one case (#/cases/<id>)
// and statistics (#/statistics). Cases are fetched in bulk, decrypted and searched on this
// device; every change is a new revision (revisions.ts), validated (validate.ts), encrypted to
// the organisation recipient alone and stored with the revision it was made from, so that a
// colleague's change is never overwritten unseen. staff.ts owns sign-in, the keys and routing.
import { ApiError, getInstance } from '../api/client'
import { actionFromFields, actionProblems, withAction } from '../cases/actions'
import { firstIdentities, identityFromFields, identityProblems, newIdentitiesId, nonCaseChains, withIdentity } from '../cases/identities'
import {
  emptyExtension,
  extensionChainId,
  firstTaxonomyRevision,
  taxonomyChainProblems,
  withEntry,
  withRetired,
  type TaxonomyChainDocument,
} from '../cases/taxonomy-chain'
import { encryptTo } from '../crypto/age'
import { isSharingAllowed, consentStatus } from '../cases/consent'
import { exportCsv } from '../cases/csv'
import {
  ACTION_STATUSES,
  CASE_STATUSES,
  DATE_PRECISIONS,
  currentRisk,
  isOverdue,
  overdueActions,
  riskLevel,
  timestamp,
  type CaseDocument,
  type IdentitiesDocument,
  type Incident,
  type PartialDate,
  type Place,
} from '../cases/model'
import { caseFromReport, firstRevision, nextRevision, serialise, type ChainedDocument } from '../cases/revisions'
import {
  countTable,
  DEFAULT_K,
  DIMENSIONS,
  figureText,
  statisticsDocument,
  suppress,
  type Dimension,
  type PublishedCell,
  type PublishedTable,
} from '../cases/statistics'
import {
  BASE_TAXONOMY,
  EXTENDABLE_LISTS,
  extendTaxonomy,
  LABEL_LANGUAGES,
  label,
  offeredWith,
  topLevel,
  type ExtendableList,
  type Labels,
  type ListName,
  type Taxonomy,
  type TaxonomyExtension,
} from '../cases/taxonomy'
import { validateCase, validateIdentities, type Problem } from '../cases/validate'
import type { Translator } from '../i18n/i18n'
import { getStaffAttachment } from '../staff/api'
import { buildPackage, packageZip, summaryHtml, type SummaryText } from '../staff/case-export'
import { CaseStore, workerCaseSource, type LoadedCase } from '../staff/case-store'
import {
  getCase,
  getRevision,
  postCase,
  postExport,
  postRevision,
  postStatistics,
  waitReceipt,
  type CaseSummary,
  type CaseView,
} from '../staff/cases-api'
import { openThread, serverSource, type OpenedThread } from '../staff/inbox'
import type { StaffKeys } from '../staff/keys'
import { element } from './page'

export type CaseViewName = 'cases-view' | 'case-view' | 'stats-view' | 'identities-view' | 'taxonomy-view'

// What the case pages need from the staff app.
export interface CaseHost {
  t: Translator
  keys(): StaffKeys | null
  show(view: CaseViewName, focus?: boolean): void
  say(text: string): void
  fail(text: string): void
  handle(error: unknown): void
}

const ROWS_PER_PAGE = 50
const NO_DUE = '9999-12-31'

export class CasePages {
  private store: CaseStore | null = null
  private loading: Promise<void> | null = null
  private current: { summary: CaseSummary; doc: CaseDocument; view: CaseView | null } | null = null
  private listPage = 0
  private minimumK = 2 // the instance's statistics_min_cell, read when the view opens
  private statsTable: { rows: string[]; columns: string[]; table: PublishedTable } | null = null
  private readonly t: Translator
  // The organisation's taxonomy (base plus its extension), loaded after unlock before anything
  // else, and the chain it came from (doc null: none stored yet; undefined: not loaded).
  private taxonomy: Taxonomy = BASE_TAXONOMY
  private taxonomyChain: { id: string; doc: TaxonomyChainDocument | null } | null | undefined = undefined
  private taxonomyLoading: Promise<void> | null = null
  // The identities of one case, while its identities view is open, and nowhere else.
  private identities: { caseDoc: CaseDocument; chainId: string; doc: IdentitiesDocument | null } | null = null
  private editingAction: string | null = null

  constructor(private readonly host: CaseHost) {
    this.t = host.t
    this.fillStaticControls()
    this.wire()
  }

  // ---- Routing (called by staff.ts): true when the hash is one of these pages.

  async route(hash: string): Promise<boolean> {
    const ours = /^#\/(cases|statistics|taxonomy)(\/|$)/.test(hash)
    if (!/^#\/cases\/[0-9a-f]{32}\/identities$/.test(hash)) this.dropIdentities()
    if (ours) {
      element('nav-taxonomy').hidden = this.host.keys()?.role !== 'admin'
      try {
        await this.ensureTaxonomy()
      } catch (error) {
        this.host.handle(error)
        return true
      }
    }
    const who = hash.match(/^#\/cases\/([0-9a-f]{32})\/identities$/)
    if (who) {
      await this.showIdentities(who[1])
      return true
    }
    if (hash === '#/taxonomy') {
      await this.showTaxonomy()
      return true
    }
    const one = hash.match(/^#\/cases\/([0-9a-f]{32})$/)
    if (one) {
      await this.showCase(one[1])
      return true
    }
    if (hash === '#/cases') {
      await this.showList()
      return true
    }
    if (hash === '#/statistics') {
      await this.showStatistics()
      return true
    }
    return false
  }

  // Sign-out or session end: every decrypted case leaves the page.
  forget(): void {
    this.store = null
    this.loading = null
    this.current = null
    this.statsTable = null
    this.dropIdentities()
    this.taxonomy = BASE_TAXONOMY
    this.taxonomyChain = undefined
    this.taxonomyLoading = null
    this.editingAction = null
    element('action-edit-form').hidden = true
    element('taxonomy-lists').replaceChildren()
    // The organisation's own entries leave the pickers too.
    this.fillTaxonomyControls()
    element('case-rows').replaceChildren()
    element('case-notes').replaceChildren()
    element('stats-table').replaceChildren()
    element('stats-chart').replaceChildren()
    for (const id of ['case-persons', 'case-incidents', 'case-risks', 'case-actions', 'case-consents', 'case-links', 'custody-rows'])
      element(id).replaceChildren()
  }

  private get keys(): StaffKeys {
    const keys = this.host.keys()
    if (!keys) throw new Error('locked')
    return keys
  }

  // ---- Labels

  private label(list: ListName, id: string): string {
    return label(this.taxonomy, list, id, this.t.lang)
  }

  private account(id: string | null | undefined): string {
    if (!id) return this.t.t('case_field_unassigned')
    if (id === this.host.keys()?.accountId) return this.t.t('casep_account_me')
    return this.t.t('casep_account', { id: id.slice(0, 8) })
  }

  private hourText(hour: number): string {
    return new Intl.DateTimeFormat(this.t.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
      new Date(hour * 3_600_000),
    )
  }

  private timeText(at: string): string {
    const d = new Date(at.length === 10 ? at + 'T00:00:00Z' : at)
    const options: Intl.DateTimeFormatOptions =
      at.length === 10 ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }
    return new Intl.DateTimeFormat(this.t.lang, options).format(d)
  }

  private dateText(date: PartialDate): string {
    return date.end ? `${date.start} – ${date.end}` : date.start
  }

  private placeText(place: Place | undefined): string {
    if (!place) return this.t.t('case_stats_unknown')
    return [place.exact, place.city, place.region, place.country].filter(Boolean).join(', ')
  }

  // ---- Static controls (options from the taxonomy and the fixed vocabularies)

  private options(select: HTMLSelectElement, items: [string, string][]): void {
    select.replaceChildren(
      ...items.map(([value, text]) => {
        const o = document.createElement('option')
        o.value = value
        o.textContent = text
        return o
      }),
    )
  }

  // The entries a picker offers: not retired, plus the retired ones in `kept` (data that
  // already holds them); `all`: every entry, retired too (filters over old data).
  private taxonomyOptions(list: ListName, kept: readonly string[] = [], all = false): [string, string][] {
    const entries = all ? this.taxonomy.lists[list] : offeredWith(this.taxonomy, list, kept)
    return entries.map((e) => [e.id, e.parent ? `— ${e.labels[this.t.lang]}` : e.labels[this.t.lang]])
  }

  private checkboxes(fieldset: HTMLElement, name: string, items: [string, string][]): void {
    const legend = fieldset.querySelector('legend')
    const boxes = items.map(([value, text], i) => {
      const wrap = document.createElement('div')
      wrap.className = 'check'
      const input = document.createElement('input')
      input.type = 'checkbox'
      input.name = name
      input.value = value
      input.id = `${name}-${i}`
      const l = document.createElement('label')
      l.htmlFor = input.id
      l.textContent = text
      wrap.append(input, l)
      return wrap
    })
    fieldset.replaceChildren(...(legend ? [legend] : []), ...boxes)
  }

  private checked(fieldset: string): string[] {
    return [...element(fieldset).querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((i) => i.value)
  }

  private fillStaticControls(): void {
    const t = this.t
    const statuses: [string, string][] = CASE_STATUSES.map((s) => [s, t.t(`case_status_${s}`)])
    this.options(element('filter-status'), [['', t.t('case_stats_all')], ...statuses])
    this.options(element('case-status'), statuses)
    this.options(element('incident-precision'), DATE_PRECISIONS.map((p) => [p, t.t(`case_date_precision_${p}`)]))
    this.options(element('taxonomy-list'), EXTENDABLE_LISTS.map((l) => [l, t.t(`casef_taxonomy_list_${l}`)]))
    this.fillTaxonomyControls()
    const levels = [1, 2, 3, 4, 5]
    this.options(element('risk-likelihood'), levels.map((n) => [String(n), `${n} — ${t.t(`case_likelihood_${n}`)}`]))
    this.options(element('risk-impact'), levels.map((n) => [String(n), `${n} — ${t.t(`case_impact_${n}`)}`]))
    this.options(element('action-status'), ACTION_STATUSES.map((s) => [s, t.t(`case_action_status_${s}`)]))
    this.options(element('action-edit-status'), ACTION_STATUSES.map((s) => [s, t.t(`case_action_status_${s}`)]))
    const dims: [string, string][] = DIMENSIONS.map((d) => [d, t.t(`case_stats_dimension_${d}`)])
    this.options(element('stats-rows'), dims)
    this.options(element('stats-columns'), dims)
    element<HTMLSelectElement>('stats-rows').value = 'incident_category'
    element<HTMLSelectElement>('stats-columns').value = 'all'
    this.updateRiskLevel()
  }

  // The pickers and filters drawn from the taxonomy, again after the organisation's loads.
  private fillTaxonomyControls(): void {
    const t = this.t
    const keep = (id: string) => element<HTMLSelectElement>(id).value
    const filterType = keep('filter-type')
    this.options(element('filter-type'), [['', t.t('case_stats_all')], ...this.taxonomyOptions('incident_types', [], true)])
    element<HTMLSelectElement>('filter-type').value = filterType
    this.checkboxes(element('incident-types'), 'incident-type', this.taxonomyOptions('incident_types'))
    this.options(element('incident-perpetrator'), this.taxonomyOptions('perpetrator_types'))
    this.options(element('person-role'), this.taxonomyOptions('court_roles'))
    this.options(element('action-type'), this.taxonomyOptions('response_types'))
    this.checkboxes(element('consent-scope'), 'consent-scope', this.taxonomyOptions('consent_scopes'))
    this.options(element('consent-recipient'), this.taxonomyOptions('consent_recipients'))
    const csv = keep('csv-recipient')
    this.options(element('csv-recipient'), this.taxonomyOptions('consent_recipients').filter(([id]) => id !== 'other'))
    if (csv) element<HTMLSelectElement>('csv-recipient').value = csv
    this.fillParents()
  }

  private updateRiskLevel(): void {
    const l = Number(element<HTMLSelectElement>('risk-likelihood').value)
    const i = Number(element<HTMLSelectElement>('risk-impact').value)
    element('risk-level').textContent = this.t.t(`case_risk_${riskLevel(l, i)}`)
  }

  private wire(): void {
    const on = (id: string, event: string, f: (e: Event) => unknown) =>
      element(id).addEventListener(event, (e) => {
        void (async () => {
          try {
            await f(e)
          } catch (error) {
            // A fault of this page rather than of a request: kept on the console for whoever debugs it.
            if (!(error instanceof ApiError)) console.error(error)
            this.host.handle(error)
          }
        })()
      })
    const submit = (id: string, f: () => unknown) =>
      on(id, 'submit', (e) => {
        e.preventDefault()
        element('error').textContent = ''
        return f()
      })
    for (const id of ['filter-status', 'filter-assignee', 'filter-type', 'filter-overdue', 'case-sort'])
      on(id, 'change', () => {
        this.listPage = 0
        this.renderList()
      })
    on('case-search', 'input', () => {
      this.listPage = 0
      this.renderList()
    })
    submit('cases-filter', () => this.renderList())
    on('cases-refresh', 'click', () => this.reload())
    on('case-page-prev', 'click', () => {
      this.listPage = Math.max(0, this.listPage - 1)
      this.renderList()
    })
    on('case-page-next', 'click', () => {
      this.listPage++
      this.renderList()
    })
    on('case-new', 'click', () => this.createBlank())
    submit('csv-form', () => this.downloadCsv())
    on('risk-likelihood', 'change', () => this.updateRiskLevel())
    on('risk-impact', 'change', () => this.updateRiskLevel())
    submit('case-main-form', () => this.saveMain())
    submit('person-form', () => this.addPerson())
    submit('incident-form', () => this.addIncident())
    submit('risk-form', () => this.addAssessment())
    submit('action-form', () => this.addAction())
    submit('consent-form', () => this.addConsent())
    submit('note-form', () => this.addNote())
    on('case-reload', 'click', () => (this.current ? this.showCase(this.current.summary.id) : undefined))
    on('case-export', 'click', () => this.exportPackage())
    submit('action-edit-form', () => this.saveActionEdit())
    on('action-edit-cancel', 'click', () => this.closeActionEdit())
    on('identities-show', 'click', () => {
      if (this.current) location.hash = `#/cases/${this.current.summary.id}/identities`
    })
    on('identity-person', 'change', () => this.fillIdentityForm())
    submit('identity-form', () => this.saveIdentity())
    on('identities-reload', 'click', () => (this.identities ? this.showIdentities(this.identities.caseDoc.case_id) : undefined))
    on('taxonomy-list', 'change', () => this.fillParents())
    submit('taxonomy-form', () => this.addTaxonomyEntry())
    on('taxonomy-reload', 'click', async () => {
      this.taxonomyChain = undefined
      await this.ensureTaxonomy()
      await this.showTaxonomy()
    })
    submit('stats-form', () => this.computeStatistics())
    on('stats-k', 'input', () => (element<HTMLInputElement>('stats-k').dataset.touched = 'true'))
    submit('publish-form', () => this.publish())
  }

  // ---- The caseload

  private async ensureLoaded(force = false): Promise<CaseStore> {
    if (this.store && !force) {
      await this.loading
      return this.store
    }
    const keys = this.keys
    const store = new CaseStore(
      workerCaseSource(
        (c) => keys.decrypt(c),
        keys.generations.map((g) => keys.organisationIdentity(g)),
        undefined,
        this.taxonomyChain?.doc?.extension,
      ),
    )
    this.store = store
    performance.mark('casep-load-start')
    this.host.say(this.t.t('casep_loading_cases'))
    // Progress at most twice a second: each message is a live-region update for screen readers
    // and a layout for the page, both wasted forty times over on a large caseload.
    let said = performance.now()
    this.loading = store.load((done) => {
      if (performance.now() - said < 500) return
      said = performance.now()
      this.host.say(this.t.t('casep_loading_progress', { count: done }))
    })
    try {
      await this.loading
    } catch (error) {
      this.store = null
      throw error
    } finally {
      this.loading = null
    }
    this.host.say('')
    return store
  }

  private async reload(): Promise<void> {
    await this.ensureLoaded(true)
    this.renderList()
  }

  private async showList(): Promise<void> {
    this.host.show('cases-view')
    try {
      await this.ensureLoaded()
    } catch (error) {
      this.host.handle(error)
      return
    }
    this.renderList()
    performance.mark('casep-list-rendered')
    performance.measure('casep-case-list', 'casep-load-start', 'casep-list-rendered')
  }

  private nextDue(doc: CaseDocument): string {
    let best = NO_DUE
    for (const a of doc.actions) if (a.due && a.status !== 'done' && a.status !== 'cancelled' && a.due < best) best = a.due
    return best
  }

  private filtered(): LoadedCase[] {
    if (!this.store) return []
    const status = element<HTMLSelectElement>('filter-status').value
    const assignee = element<HTMLSelectElement>('filter-assignee').value
    const type = element<HTMLSelectElement>('filter-type').value
    const overdue = element<HTMLInputElement>('filter-overdue').checked
    const query = element<HTMLInputElement>('case-search').value
    const hits = query.trim() ? new Set(this.store.index.search(query)) : null
    const now = new Date()
    const out: LoadedCase[] = []
    const hidden = this.hiddenChains()
    for (const c of this.store.cases.values()) {
      if (hidden.has(c.summary.id)) continue
      const d = c.doc
      if (!d) {
        if (!status && !assignee && !type && !overdue && !hits) out.push(c)
        continue
      }
      if (hits && !hits.has(d.case_id)) continue
      if (status && d.status !== status) continue
      if (assignee && (assignee === '-' ? d.assignee !== null : d.assignee !== assignee)) continue
      if (type && !d.incidents.some((i) => i.types.some((x) => x === type || topLevel(this.taxonomy, 'incident_types', x) === type)))
        continue
      if (overdue && !d.actions.some((a) => isOverdue(a, now))) continue
      out.push(c)
    }
    const sort = element<HTMLSelectElement>('case-sort').value
    const updated = (c: LoadedCase) => c.summary.updated_hour
    if (sort === 'due') {
      const due = new Map(out.map((c) => [c.summary.id, c.doc ? this.nextDue(c.doc) : NO_DUE]))
      out.sort((a, b) => (due.get(a.summary.id)! < due.get(b.summary.id)! ? -1 : due.get(a.summary.id)! > due.get(b.summary.id)! ? 1 : updated(b) - updated(a)))
    } else {
      out.sort((a, b) => updated(b) - updated(a) || (b.doc?.created_at ?? '').localeCompare(a.doc?.created_at ?? ''))
    }
    return out
  }

  // Chains of the caseload that are not cases (identities, the taxonomy): never listed.
  private hiddenChains(): Set<string> {
    const docs = [...(this.store?.cases.values() ?? [])].map((c) => c.doc)
    return nonCaseChains(docs, this.taxonomyChain?.id)
  }

  private fillAssigneeFilter(): void {
    const select = element<HTMLSelectElement>('filter-assignee')
    const keep = select.value
    const ids = new Set<string>()
    for (const c of this.store?.cases.values() ?? []) if (c.doc?.assignee) ids.add(c.doc.assignee)
    const me = this.host.keys()?.accountId
    if (me) ids.add(me)
    this.options(select, [
      ['', this.t.t('case_stats_all')],
      ['-', this.t.t('case_field_unassigned')],
      ...[...ids].map((id): [string, string] => [id, this.account(id)]),
    ])
    select.value = [...select.options].some((o) => o.value === keep) ? keep : ''
  }

  private renderList(): void {
    if (!this.store) return
    this.fillAssigneeFilter()
    const all = this.filtered()
    const pages = Math.max(1, Math.ceil(all.length / ROWS_PER_PAGE))
    this.listPage = Math.min(this.listPage, pages - 1)
    const shown = all.slice(this.listPage * ROWS_PER_PAGE, (this.listPage + 1) * ROWS_PER_PAGE)
    const count = element('cases-count')
    const hidden = this.hiddenChains()
    const total = [...this.store.cases.keys()].filter((id) => !hidden.has(id)).length
    count.textContent = this.t.t('casep_cases_count', { count: all.length, total })
    count.dataset.loaded = String(total)
    element('case-page-info').textContent = this.t.t('staff_page_info', { page: this.listPage + 1, pages })
    element<HTMLButtonElement>('case-page-prev').disabled = this.listPage === 0
    element<HTMLButtonElement>('case-page-next').disabled = this.listPage >= pages - 1
    const now = new Date()
    element('case-rows').replaceChildren(...shown.map((c) => this.caseRow(c, now)))
  }

  private caseRow(c: LoadedCase, now: Date): HTMLTableRowElement {
    const row = document.createElement('tr')
    row.dataset.case = c.summary.id
    const cell = (text: string) => {
      const td = document.createElement('td')
      td.textContent = text
      return td
    }
    const title = document.createElement('td')
    const link = document.createElement('a')
    link.href = `#/cases/${c.summary.id}`
    link.textContent = c.doc ? c.doc.title : this.t.t('casep_case_unreadable')
    link.dir = 'auto'
    title.append(link)
    const d = c.doc
    if (!d) {
      row.append(title, cell(''), cell(''), cell(''), cell(''), cell(this.hourText(c.summary.updated_hour)))
      return row
    }
    const risk = currentRisk(d)
    const due = this.nextDue(d)
    const dueCell = cell(due === NO_DUE ? '' : this.timeText(due))
    const overdue = overdueActions(d, now).length
    if (overdue > 0) {
      row.classList.add('is-overdue')
      const badge = document.createElement('span')
      badge.className = 'overdue'
      badge.textContent = this.t.t('case_overdue_count', { count: overdue })
      dueCell.append(' ', badge)
    }
    const riskCell = cell(risk ? this.t.t(`case_risk_${risk.level}`) : '')
    if (risk) riskCell.className = `risk risk-${risk.level}`
    row.append(
      title,
      cell(this.t.t(`case_status_${d.status}`)),
      riskCell,
      cell(this.account(d.assignee)),
      dueCell,
      cell(this.hourText(c.summary.updated_hour)),
    )
    return row
  }

  private downloadCsv(): void {
    if (!this.store) return
    const docs = this.filtered().flatMap((c) => (c.doc ? [c.doc] : []))
    const recipient = element<HTMLSelectElement>('csv-recipient').value
    const csv = exportCsv(docs, { recipient: { id: recipient }, at: new Date() })
    download(new TextEncoder().encode(csv), `vigil-cases-${recipient}.csv`, 'text/csv')
    this.host.say(this.t.t('casep_csv_saved', { count: docs.length }))
  }

  // ---- Creating cases

  private async store1(doc: CaseDocument): Promise<void> {
    const keys = this.keys
    const problems = validateCase(doc, this.taxonomy)
    if (!problems.ok) throw new Error(`${problems.problems[0].path}: ${problems.problems[0].message}`)
    const ciphertext = await encryptTo([keys.current.recipient], serialise(doc))
    const ack = await postCase(doc.case_id, ciphertext)
    const hour = Math.floor(Date.now() / 3_600_000)
    const summary: CaseSummary = {
      id: doc.case_id,
      revisions: ack.revision,
      created_hour: hour,
      updated_hour: hour,
      log_index: ack.log_index,
      latest_log_index: ack.log_index,
      latest_size: ciphertext.length,
    }
    this.store?.put(summary, doc)
    this.current = { summary, doc, view: null }
    location.hash = `#/cases/${doc.case_id}`
  }

  private async createBlank(): Promise<void> {
    this.host.say(this.t.t('casep_saving'))
    await this.store1(firstRevision({ title: this.t.t('casep_untitled'), author: this.keys.accountId, now: new Date() }))
  }

  // The report view's "open a case" button.
  async fromReport(thread: OpenedThread): Promise<void> {
    try {
      const first = thread.messages[0]
      const doc = caseFromReport({
        reportId: thread.view.report_id,
        attachmentIds: thread.messages.flatMap((m) => m.meta.attachments.map((a) => a.id)),
        what: first?.content?.fields.what,
        fallbackTitle: this.t.t('casep_untitled'),
        author: this.keys.accountId,
        now: new Date(),
      })
      this.host.say(this.t.t('casep_saving'))
      await this.store1(doc)
    } catch (error) {
      this.host.handle(error)
    }
  }

  // ---- One case

  private async showCase(id: string): Promise<void> {
    this.host.show('case-view', false)
    element('case-conflict').hidden = true
    this.host.say(this.t.t('casep_opening_case'))
    try {
      const view = await getCase(id)
      let doc = this.current?.summary.id === id && this.current.doc.revision === view.revisions ? this.current.doc : undefined
      const cached = this.store?.get(id)
      if (!doc && cached?.doc && cached.doc.revision === view.revisions) doc = cached.doc
      if (!doc) {
        const plain = await this.keys.decrypt(await getRevision(id, view.revisions))
        const parsed = validateCase(JSON.parse(new TextDecoder().decode(plain)), this.taxonomy)
        if (!parsed.ok) {
          this.host.fail(this.t.t('case_invalid', { ...parsed.problems[0] }))
          return
        }
        doc = parsed.value
      }
      const summary: CaseSummary = { ...view }
      delete (summary as Partial<CaseView>).custody
      this.current = { summary, doc, view }
      this.store?.put(summary, doc)
      this.renderCase()
      this.host.say('')
      element('case-heading').focus()
    } catch (error) {
      this.host.handle(error)
    }
  }

  private renderCase(): void {
    const c = this.current
    if (!c) return
    const d = c.doc
    const t = this.t
    const now = new Date()
    element('case-heading').textContent = d.title
    element('case-heading').dir = 'auto'
    element('case-meta').textContent = [
      t.t(`case_status_${d.status}`),
      t.t('case_revision', { revision: d.revision, date: this.timeText(d.created_at), author: this.account(d.author) }),
    ].join(' · ')
    const overdue = overdueActions(d, now)
    const banner = element('case-overdue')
    banner.hidden = overdue.length === 0
    banner.textContent = t.t('case_overdue_count', { count: overdue.length })
    element<HTMLInputElement>('case-title').value = d.title
    element<HTMLSelectElement>('case-status').value = d.status
    const me = this.keys.accountId
    const people = new Set([me, ...(d.assignee ? [d.assignee] : [])])
    this.options(element('case-assignee'), [['', t.t('case_field_unassigned')], ...[...people].map((id): [string, string] => [id, this.account(id)])])
    element<HTMLSelectElement>('case-assignee').value = d.assignee ?? ''
    this.options(element('action-owner'), [['', t.t('case_field_unassigned')], [me, this.account(me)]])
    this.options(element('consent-person'), d.persons.map((p) => [p.id, p.pseudonym]))
    this.checkboxes(element('incident-victims'), 'incident-victim', d.persons.map((p) => [p.id, p.pseudonym]))

    const item = (...parts: (string | Node)[]) => {
      const li = document.createElement('li')
      li.append(...parts)
      return li
    }
    const text = (s: string, cls?: string) => {
      const span = document.createElement('span')
      span.textContent = s
      span.dir = 'auto'
      if (cls) span.className = cls
      return span
    }
    element('case-persons').replaceChildren(
      ...d.persons.map((p) =>
        item(
          text(p.pseudonym, 'item-title'),
          ...p.court_links.map((l) => text(` · ${this.label('court_roles', l.role)}${l.interaction ? ': ' + l.interaction : ''}`)),
        ),
      ),
    )
    element('case-incidents').replaceChildren(
      ...d.incidents.map((i) =>
        item(
          text(`${this.dateText(i.date)} · ${this.placeText(i.place)}`, 'item-title'),
          text(` · ${i.types.map((x) => this.label('incident_types', x)).join(', ')}`),
          text(` · ${this.label('perpetrator_types', i.perpetrator.type)}`),
          ...(i.description ? [document.createElement('br'), text(i.description)] : []),
        ),
      ),
    )
    const risk = currentRisk(d)
    element('case-risk-current').textContent = risk
      ? t.t('casep_risk_current', {
          level: t.t(`case_risk_${risk.level}`),
          likelihood: t.t(`case_likelihood_${risk.likelihood}`),
          impact: t.t(`case_impact_${risk.impact}`),
        })
      : t.t('casep_risk_none')
    element('case-risks').replaceChildren(
      ...[...d.risk_assessments].reverse().map((a) =>
        item(
          text(`${this.timeText(a.date)} · ${t.t(`case_risk_${a.level}`)} (${a.likelihood} × ${a.impact}) · ${this.account(a.assessor)}`, 'item-title'),
          ...(a.rationale ? [document.createElement('br'), text(a.rationale)] : []),
        ),
      ),
    )
    element('case-actions').replaceChildren(
      ...d.actions.map((a) => {
        const li = item(
          text(this.label('response_types', a.type), 'item-title'),
          text(` · ${t.t(`case_action_status_${a.status}`)}`),
          text(a.due ? ` · ${t.t('case_field_due')}: ${this.timeText(a.due)}` : ''),
          text(a.owner ? ` · ${this.account(a.owner)}` : ''),
        )
        li.dataset.action = a.id
        if (isOverdue(a, now)) {
          li.classList.add('is-overdue')
          li.append(' ', text(t.t('case_overdue'), 'overdue'))
        }
        if (a.description) li.append(document.createElement('br'), text(a.description))
        if (a.outcome) li.append(document.createElement('br'), text(`${t.t('case_field_outcome')}: ${a.outcome}`))
        const edit = document.createElement('button')
        edit.type = 'button'
        edit.className = 'secondary small'
        edit.textContent = t.t('casef_action_edit')
        edit.setAttribute('aria-label', t.t('casef_action_edit_named', { action: this.label('response_types', a.type) }))
        edit.addEventListener('click', () => this.openActionEdit(a.id))
        li.append(' ', edit)
        if (a.status !== 'done' && a.status !== 'cancelled') {
          const done = document.createElement('button')
          done.type = 'button'
          done.className = 'secondary small'
          done.textContent = t.t('casep_mark_done')
          done.setAttribute('aria-label', t.t('casep_mark_done_named', { action: this.label('response_types', a.type) }))
          done.addEventListener('click', () => void this.guard(() => this.setActionStatus(a.id, 'done')))
          li.append(' ', done)
        }
        return li
      }),
    )
    element('case-consents').replaceChildren(
      ...d.consents.map((r) => {
        const person = d.persons.find((p) => p.id === r.person)?.pseudonym ?? r.person
        const status = consentStatus(r, now)
        const recipient = r.recipient === 'other' ? (r.recipient_other ?? '') : this.label('consent_recipients', r.recipient)
        const li = item(
          text(`${person} → ${recipient}`, 'item-title'),
          text(` · ${r.scope.map((s) => this.label('consent_scopes', s)).join('; ')}`),
          text(` · ${t.t('case_field_consent_given')} ${this.timeText(r.given)}`),
          text(r.expires ? ` · ${t.t('case_field_consent_expires')} ${this.timeText(r.expires)}` : ''),
          text(r.revoked ? ` · ${t.t('case_field_consent_revoked')} ${this.timeText(r.revoked)}` : ''),
          ' ',
          text(t.t(`case_consent_status_${status}`), `consent-status consent-${status}`),
        )
        li.dataset.consent = r.id
        li.dataset.status = status
        if (!r.revoked) {
          const revoke = document.createElement('button')
          revoke.type = 'button'
          revoke.className = 'secondary small'
          revoke.textContent = t.t('casep_revoke')
          revoke.setAttribute('aria-label', t.t('casep_revoke_named', { person, recipient }))
          revoke.addEventListener('click', () => void this.guard(() => this.revokeConsent(r.id)))
          li.append(' ', revoke)
        }
        return li
      }),
    )
    element('case-notes').replaceChildren(
      ...[...d.notes].reverse().map((n) => {
        const li = item(text(`${this.timeText(n.at)} · ${this.account(n.author)}`, 'meta'), document.createElement('br'), text(n.text))
        return li
      }),
    )
    element('case-links').replaceChildren(
      ...d.links.map((l) => {
        const a = document.createElement('a')
        a.href = `#/reports/${l.report}`
        a.textContent = t.t('casep_link_text', {
          kind: t.t(`case_link_${l.kind}`),
          id: (l.attachment ?? l.message ?? l.report).slice(0, 8),
        })
        return item(a)
      }),
    )
    const custody = c.view?.custody ?? []
    element('custody-rows').replaceChildren(
      ...custody.map((e) => {
        const tr = document.createElement('tr')
        const cells = [
          String(e.log_index),
          e.kind === 'revision'
            ? t.t('casep_custody_revision', { revision: e.revision })
            : t.t('casep_custody_export', { revision: e.revision }),
          this.hourText(e.hour),
          this.account(e.author),
        ]
        for (const s of cells) {
          const td = document.createElement('td')
          td.textContent = s
          tr.append(td)
        }
        return tr
      }),
    )
  }

  // ---- Editing an action: type, owner, due date, status and outcome

  private openActionEdit(id: string): void {
    const c = this.current
    const a = c?.doc.actions.find((x) => x.id === id)
    if (!c || !a) return
    const t = this.t
    this.editingAction = id
    this.options(element('action-edit-type'), this.taxonomyOptions('response_types', [a.type]))
    const me = this.keys.accountId
    const owners = new Set([me, ...(a.owner ? [a.owner] : []), ...(c.doc.assignee ? [c.doc.assignee] : [])])
    this.options(element('action-edit-owner'), [
      ['', t.t('case_field_unassigned')],
      ...[...owners].map((o): [string, string] => [o, this.account(o)]),
    ])
    element<HTMLSelectElement>('action-edit-type').value = a.type
    element<HTMLInputElement>('action-edit-type-other').value = a.type_other ?? ''
    element<HTMLInputElement>('action-edit-description').value = a.description ?? ''
    element<HTMLSelectElement>('action-edit-owner').value = a.owner ?? ''
    element<HTMLInputElement>('action-edit-due').value = a.due ?? ''
    element<HTMLSelectElement>('action-edit-status').value = a.status
    element<HTMLTextAreaElement>('action-edit-outcome').value = a.outcome ?? ''
    this.showProblems('action-edit', [], ACTION_FORM)
    const form = element<HTMLFormElement>('action-edit-form')
    form.hidden = false
    form.dataset.action = id
    element('action-edit-heading').textContent = t.t('casef_action_edit_title', { action: this.label('response_types', a.type) })
    element('action-edit-heading').focus()
  }

  private closeActionEdit(): void {
    const id = this.editingAction
    this.editingAction = null
    element('action-edit-form').hidden = true
    this.showProblems('action-edit', [], ACTION_FORM)
    if (id) element('case-actions').querySelector<HTMLButtonElement>(`li[data-action="${id}"] button`)?.focus()
  }

  // Lists `problems` under the form `prefix` (`<prefix>-problems`), each naming its field, marks
  // those fields invalid and focuses the first. `fields`: a problem's path -> [element id,
  // catalogue key of the field's label].
  private showProblems(prefix: string, problems: Problem[], fields: Record<string, [string, string]>): void {
    for (const [id] of Object.values(fields)) {
      element(id).removeAttribute('aria-invalid')
      if (element(id).getAttribute('aria-describedby') === `${id}-problem`) element(id).removeAttribute('aria-describedby')
    }
    const items = problems.map((p) => {
      const [id, key] = fields[p.path] ?? ['', '']
      const li = document.createElement('li')
      li.textContent = this.t.t('casef_problem', { field: key ? this.t.t(key) : p.path, message: this.problemText(prefix, p) })
      if (id && !element(id).hasAttribute('aria-invalid')) {
        li.id = `${id}-problem`
        element(id).setAttribute('aria-invalid', 'true')
        if (!element(id).hasAttribute('aria-describedby')) element(id).setAttribute('aria-describedby', li.id)
      }
      return li
    })
    element(`${prefix}-problems`).replaceChildren(...items)
    if (problems.length === 0) return
    this.host.fail(items.map((li) => li.textContent).join(' '))
    const first = fields[problems[0].path]?.[0]
    if (first) element(first).focus()
  }

  // A problem in the page's language: the form's message for that field, else the validator's.
  private problemText(prefix: string, p: Problem): string {
    const key = `casef_problem_${prefix.replace(/-/g, '_')}_${p.path.replace(/\..*$/, '')}`
    const text = this.t.t(key)
    return text === key ? p.message : text
  }

  private async saveActionEdit(): Promise<void> {
    const c = this.current
    const id = this.editingAction
    if (!c || !id) return
    const value = (i: string) => element<HTMLInputElement>(i).value
    const action = actionFromFields(id, {
      type: value('action-edit-type'),
      typeOther: value('action-edit-type-other'),
      description: value('action-edit-description'),
      owner: value('action-edit-owner'),
      due: value('action-edit-due'),
      status: value('action-edit-status'),
      outcome: element<HTMLTextAreaElement>('action-edit-outcome').value,
    })
    const problems = actionProblems(c.doc, action, this.taxonomy)
    this.showProblems('action-edit', problems, ACTION_FORM)
    if (problems.length > 0) return
    if (await this.save({ actions: withAction(c.doc, action) }, this.t.t('casep_saved'))) this.closeActionEdit()
  }

  private async guard(f: () => Promise<unknown>): Promise<void> {
    element('error').textContent = ''
    try {
      await f()
    } catch (error) {
      if (!(error instanceof ApiError)) console.error(error)
      this.host.handle(error)
    }
  }

  private newId(prefix: string): string {
    return prefix + Array.from(crypto.getRandomValues(new Uint8Array(5)), (b) => b.toString(16).padStart(2, '0')).join('')
  }

  // Makes, checks, encrypts and stores the next revision. False when it was refused.
  private async save(changes: Partial<CaseDocument>, done: string): Promise<boolean> {
    const c = this.current
    if (!c) return false
    const keys = this.keys
    const next = nextRevision(c.doc, changes, keys.accountId, new Date())
    const checked = validateCase(next, this.taxonomy)
    if (!checked.ok) {
      this.host.fail(this.t.t('casep_invalid', { path: checked.problems[0].path, message: checked.problems[0].message }))
      return false
    }
    this.host.say(this.t.t('casep_saving'))
    const ciphertext = await encryptTo([keys.current.recipient], serialise(next))
    try {
      await postRevision(c.summary.id, c.doc.revision, ciphertext)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'revision_conflict') {
        element('case-conflict').hidden = false
        this.host.fail(this.t.t('casep_conflict'))
        element<HTMLButtonElement>('case-reload').focus()
        return false
      }
      throw error
    }
    this.current = { ...c, doc: next }
    await this.showCase(c.summary.id)
    this.host.say(done)
    return true
  }

  private async saveMain(): Promise<void> {
    const title = element<HTMLInputElement>('case-title').value.trim()
    if (!title) {
      this.host.fail(this.t.t('casep_title_required'))
      return
    }
    await this.save(
      {
        title,
        status: element<HTMLSelectElement>('case-status').value as CaseDocument['status'],
        assignee: element<HTMLSelectElement>('case-assignee').value || null,
      },
      this.t.t('casep_saved'),
    )
  }

  private async addPerson(): Promise<void> {
    const c = this.current
    if (!c) return
    const pseudonym = element<HTMLInputElement>('person-pseudonym').value.trim()
    if (!pseudonym) {
      this.host.fail(this.t.t('casep_pseudonym_required'))
      return
    }
    const interaction = element<HTMLInputElement>('person-interaction').value.trim()
    const link = { role: element<HTMLSelectElement>('person-role').value, ...(interaction ? { interaction } : {}) }
    const persons = [...c.doc.persons, { id: this.newId('p'), pseudonym, court_links: [link] }]
    if (await this.save({ persons }, this.t.t('casep_saved'))) element<HTMLFormElement>('person-form').reset()
  }

  private async addIncident(): Promise<void> {
    const c = this.current
    if (!c) return
    const value = (id: string) => element<HTMLInputElement>(id).value.trim()
    const precision = element<HTMLSelectElement>('incident-precision').value as PartialDate['precision']
    const date: PartialDate = { precision, start: value('incident-start') }
    if (value('incident-end')) date.end = value('incident-end')
    const country = value('incident-country').toUpperCase()
    let place: Place | undefined
    if (country) {
      const region = value('incident-region')
      const city = value('incident-city')
      place = { precision: city ? 'city' : region ? 'region' : 'country', country }
      if (region) place.region = region
      if (city) place.city = city
    }
    const perpetratorDescription = value('incident-perpetrator-description')
    const description = element<HTMLTextAreaElement>('incident-description').value.trim()
    const incident: Incident = {
      id: this.newId('i'),
      date,
      types: this.checked('incident-types'),
      perpetrator: {
        type: element<HTMLSelectElement>('incident-perpetrator').value,
        ...(perpetratorDescription ? { description: perpetratorDescription } : {}),
      },
      victims: this.checked('incident-victims'),
      ...(place ? { place } : {}),
      ...(description ? { description } : {}),
    }
    if (incident.types.length === 0) {
      this.host.fail(this.t.t('casep_types_required'))
      return
    }
    if (await this.save({ incidents: [...c.doc.incidents, incident] }, this.t.t('casep_saved')))
      element<HTMLFormElement>('incident-form').reset()
  }

  private async addAssessment(): Promise<void> {
    const c = this.current
    if (!c) return
    const likelihood = Number(element<HTMLSelectElement>('risk-likelihood').value)
    const impact = Number(element<HTMLSelectElement>('risk-impact').value)
    const assessment = {
      id: this.newId('r'),
      likelihood,
      impact,
      level: riskLevel(likelihood, impact),
      rationale: element<HTMLTextAreaElement>('risk-rationale').value.trim(),
      date: timestamp(new Date()),
      assessor: this.keys.accountId,
    }
    // Assessing a new case moves it on.
    const status = c.doc.status === 'new' || c.doc.status === 'triage' ? 'assessed' : c.doc.status
    if (await this.save({ risk_assessments: [...c.doc.risk_assessments, assessment], status }, this.t.t('casep_saved')))
      element<HTMLFormElement>('risk-form').reset()
  }

  private async addAction(): Promise<void> {
    const c = this.current
    if (!c) return
    const value = (id: string) => element<HTMLInputElement>(id).value.trim()
    const action = {
      id: this.newId('a'),
      type: element<HTMLSelectElement>('action-type').value,
      status: element<HTMLSelectElement>('action-status').value as (typeof ACTION_STATUSES)[number],
      ...(value('action-description') ? { description: value('action-description') } : {}),
      ...(value('action-owner') ? { owner: value('action-owner') } : {}),
      ...(value('action-due') ? { due: value('action-due') } : {}),
      ...(value('action-outcome') ? { outcome: value('action-outcome') } : {}),
    }
    const status = c.doc.status === 'new' || c.doc.status === 'triage' || c.doc.status === 'assessed' ? 'response_planned' : c.doc.status
    if (await this.save({ actions: [...c.doc.actions, action], status }, this.t.t('casep_saved')))
      element<HTMLFormElement>('action-form').reset()
  }

  private async setActionStatus(id: string, status: (typeof ACTION_STATUSES)[number]): Promise<void> {
    const c = this.current
    if (!c) return
    await this.save({ actions: c.doc.actions.map((a) => (a.id === id ? { ...a, status } : a)) }, this.t.t('casep_saved'))
  }

  private async addConsent(): Promise<void> {
    const c = this.current
    if (!c) return
    const person = element<HTMLSelectElement>('consent-person').value
    if (!person) {
      this.host.fail(this.t.t('casep_person_required'))
      return
    }
    const scope = this.checked('consent-scope')
    if (scope.length === 0) {
      this.host.fail(this.t.t('casep_scope_required'))
      return
    }
    const recipient = element<HTMLSelectElement>('consent-recipient').value
    const other = element<HTMLInputElement>('consent-other').value.trim()
    const expires = element<HTMLInputElement>('consent-expires').value
    const record = {
      id: this.newId('c'),
      person,
      scope,
      recipient,
      ...(recipient === 'other' ? { recipient_other: other } : {}),
      given: timestamp(new Date()),
      ...(expires ? { expires: `${expires}T23:59:59Z` } : {}),
    }
    if (await this.save({ consents: [...c.doc.consents, record] }, this.t.t('casep_saved')))
      element<HTMLFormElement>('consent-form').reset()
  }

  private async revokeConsent(id: string): Promise<void> {
    const c = this.current
    if (!c) return
    const at = timestamp(new Date())
    await this.save(
      { consents: c.doc.consents.map((r) => (r.id === id ? { ...r, revoked: at < r.given ? r.given : at } : r)) },
      this.t.t('casep_consent_revoked'),
    )
  }

  private async addNote(): Promise<void> {
    const c = this.current
    if (!c) return
    const input = element<HTMLTextAreaElement>('note-text')
    const text = input.value.trim()
    if (!text) {
      this.host.fail(this.t.t('casep_note_required'))
      input.focus()
      return
    }
    const note = { id: this.newId('n'), at: timestamp(new Date()), author: this.keys.accountId, text }
    if (await this.save({ notes: [...c.doc.notes, note] }, this.t.t('casep_saved'))) input.value = ''
  }

  // ---- Stored chains other than cases: identities and the taxonomy

  // Encrypts and stores a chained document under `chainId`: revision 1 with POST /v1/cases,
  // the next ones with the revision they follow. False when someone stored first (409).
  private async storeChained(doc: ChainedDocument, chainId = doc.case_id): Promise<boolean> {
    const ciphertext = await encryptTo([this.keys.current.recipient], serialise(doc))
    try {
      if (doc.revision === 1) await postCase(chainId, ciphertext)
      else await postRevision(chainId, doc.revision - 1, ciphertext)
      return true
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'revision_conflict' || error.code === 'conflict')) return false
      throw error
    }
  }

  // The latest revision of a chain, parsed (null: no such chain yet).
  private async latestOf(chainId: string): Promise<unknown | null> {
    let view: CaseView
    try {
      view = await getCase(chainId)
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
    const plain = await this.keys.decrypt(await getRevision(chainId, view.revisions))
    return JSON.parse(new TextDecoder().decode(plain))
  }

  // ---- The organisation's taxonomy (docs/formats/cases.md, "The taxonomy chain")

  // Loads the latest extension once per unlock, before the caseload, so that every picker,
  // filter, validation (in the workers too), search and statistics label uses it.
  private async ensureTaxonomy(): Promise<void> {
    if (this.taxonomyChain !== undefined) return
    if (!this.taxonomyLoading) this.taxonomyLoading = this.loadTaxonomy().finally(() => (this.taxonomyLoading = null))
    await this.taxonomyLoading
  }

  private async loadTaxonomy(): Promise<void> {
    let id: string
    try {
      id = extensionChainId(this.keys.organisationIdentity(1))
    } catch {
      // Generation 1 is not open to this member: the base taxonomy, said once.
      this.taxonomyChain = null
      return
    }
    try {
      const value = await this.latestOf(id)
      if (value === null) {
        this.setTaxonomy({ id, doc: null })
        return
      }
      const problems = taxonomyChainProblems(value, id)
      if (problems.length > 0) {
        this.setTaxonomy({ id, doc: null })
        this.host.fail(this.t.t('casef_taxonomy_unreadable', { problem: problems[0] }))
        return
      }
      this.setTaxonomy({ id, doc: value as TaxonomyChainDocument })
    } catch (error) {
      if (error instanceof ApiError) throw error
      this.setTaxonomy({ id, doc: null })
      this.host.fail(this.t.t('casef_taxonomy_unreadable', { problem: String(error) }))
    }
  }

  private setTaxonomy(chain: { id: string; doc: TaxonomyChainDocument | null }): void {
    const before = this.taxonomyChain?.doc?.revision
    this.taxonomyChain = chain
    this.taxonomy = chain.doc ? extendTaxonomy(chain.doc.extension) : BASE_TAXONOMY
    this.fillTaxonomyControls()
    // Cases opened with another taxonomy are opened again with this one.
    if (before !== chain.doc?.revision && this.store) {
      this.store = null
      this.loading = null
    }
  }

  private get isAdministrator(): boolean {
    return this.host.keys()?.role === 'admin'
  }

  private async showTaxonomy(): Promise<void> {
    this.host.show('taxonomy-view')
    element('taxonomy-conflict').hidden = true
    const admin = this.isAdministrator
    element('taxonomy-admin-only').hidden = admin
    element('taxonomy-form').hidden = !admin
    this.renderTaxonomy()
  }

  private renderTaxonomy(): void {
    const t = this.t
    const chain = this.taxonomyChain
    const extension = chain?.doc?.extension ?? emptyExtension()
    element('taxonomy-meta').textContent = chain?.doc
      ? t.t('casef_taxonomy_revision', {
          revision: chain.doc.revision,
          date: this.timeText(chain.doc.created_at),
          author: this.account(chain.doc.author),
        })
      : t.t('casef_taxonomy_none')
    const admin = this.isAdministrator
    const sections = EXTENDABLE_LISTS.map((list) => {
      const section = document.createElement('section')
      section.className = 'taxonomy-list'
      section.dataset.list = list
      const headingId = `taxonomy-heading-${list}`
      section.setAttribute('aria-labelledby', headingId)
      const h = document.createElement('h2')
      h.id = headingId
      h.textContent = t.t(`casef_taxonomy_list_${list}`)
      section.append(h)
      const entries = extension.lists[list] ?? []
      if (entries.length === 0) {
        const p = document.createElement('p')
        p.className = 'hint'
        p.textContent = t.t('casef_taxonomy_empty')
        section.append(p)
        return section
      }
      const table = document.createElement('table')
      table.className = 'inbox taxonomy'
      const caption = document.createElement('caption')
      caption.className = 'visually-hidden'
      caption.textContent = t.t('casef_taxonomy_caption', { list: t.t(`casef_taxonomy_list_${list}`) })
      const head = document.createElement('tr')
      for (const key of ['casef_taxonomy_col_label', 'casef_taxonomy_col_id', 'casef_taxonomy_col_state', 'casef_taxonomy_col_change']) {
        const th = document.createElement('th')
        th.scope = 'col'
        th.textContent = t.t(key)
        head.append(th)
      }
      const thead = document.createElement('thead')
      thead.append(head)
      const body = document.createElement('tbody')
      for (const e of entries) {
        const tr = document.createElement('tr')
        tr.dataset.entry = e.id
        tr.dataset.state = e.retired ? 'retired' : 'offered'
        const name = document.createElement('td')
        const parent = e.parent ? label(this.taxonomy, list, e.parent, t.lang) + ' › ' : ''
        name.textContent = parent + e.labels[t.lang]
        name.dir = 'auto'
        const id = document.createElement('td')
        id.textContent = e.id
        id.dir = 'ltr'
        const state = document.createElement('td')
        state.textContent = t.t(e.retired ? 'casef_taxonomy_retired' : 'casef_taxonomy_offered')
        const change = document.createElement('td')
        if (admin) {
          const b = document.createElement('button')
          b.type = 'button'
          b.className = 'secondary small'
          b.textContent = t.t(e.retired ? 'casef_taxonomy_restore' : 'casef_taxonomy_retire')
          const named = e.retired ? 'casef_taxonomy_restore_named' : 'casef_taxonomy_retire_named'
          b.setAttribute('aria-label', t.t(named, { label: e.labels[t.lang] }))
          b.addEventListener('click', () => void this.guard(() => this.retireTaxonomyEntry(list, e.id, !e.retired)))
          change.append(b)
        }
        tr.append(name, id, state, change)
        body.append(tr)
      }
      table.append(caption, thead, body)
      const scroll = document.createElement('div')
      scroll.className = 'table-scroll'
      scroll.append(table)
      section.append(scroll)
      return section
    })
    element('taxonomy-lists').replaceChildren(...sections)
  }

  // The parent picker of the add form: top-level entries of the chosen list that are offered.
  private fillParents(): void {
    const list = element<HTMLSelectElement>('taxonomy-list').value as ExtendableList
    if (!list) return
    const tops = this.taxonomy.lists[list].filter((e) => e.parent === undefined && !e.retired)
    this.options(element('taxonomy-parent'), [
      ['', this.t.t('casef_taxonomy_parent_none')],
      ...tops.map((e): [string, string] => [e.id, e.labels[this.t.lang]]),
    ])
  }

  // Stores the next version of the extension; on a conflict, says so and offers a reload.
  private async saveExtension(
    change: (current: TaxonomyExtension) => TaxonomyExtension,
    done: (revision: number) => string,
  ): Promise<boolean> {
    const chain = this.taxonomyChain
    if (!chain) {
      this.host.fail(this.t.t('casef_taxonomy_no_key'))
      return false
    }
    const keys = this.keys
    const previous = chain.doc
    const extension = change(previous?.extension ?? emptyExtension())
    const next = previous
      ? nextRevision(previous, { extension }, keys.accountId, new Date())
      : firstTaxonomyRevision(chain.id, extension, keys.accountId, new Date())
    const problems = taxonomyChainProblems(next, chain.id, previous ?? undefined)
    if (problems.length > 0) {
      this.host.fail(this.t.t('casef_taxonomy_invalid', { problem: problems[0] }))
      return false
    }
    this.host.say(this.t.t('casep_saving'))
    if (!(await this.storeChained(next))) {
      element('taxonomy-conflict').hidden = false
      this.host.fail(this.t.t('casef_taxonomy_conflict'))
      element<HTMLButtonElement>('taxonomy-reload').focus()
      return false
    }
    this.setTaxonomy({ id: chain.id, doc: next })
    this.renderTaxonomy()
    this.host.say(done(next.revision))
    return true
  }

  private async addTaxonomyEntry(): Promise<void> {
    const list = element<HTMLSelectElement>('taxonomy-list').value as ExtendableList
    const parent = element<HTMLSelectElement>('taxonomy-parent').value || undefined
    const labels = Object.fromEntries(
      LABEL_LANGUAGES.map((l) => [l, element<HTMLInputElement>(`taxonomy-label-${l}`).value]),
    ) as Labels
    const fields: Record<string, [string, string]> = Object.fromEntries(
      LABEL_LANGUAGES.map((l) => [`labels.${l}`, [`taxonomy-label-${l}`, `casef_taxonomy_label_${l}`]]),
    )
    const problems: Problem[] = LABEL_LANGUAGES.filter((l) => labels[l].trim() === '' || [...labels[l].trim()].length > 200).map((l) => ({
      path: `labels.${l}`,
      message: 'must be 1 to 200 characters',
    }))
    this.showProblems('taxonomy', problems, fields)
    if (problems.length > 0) return
    let added = ''
    const ok = await this.saveExtension(
      (current) => {
        const made = withEntry(current, list, labels, parent)
        added = made.entry.labels[this.t.lang]
        return made.extension
      },
      () => this.t.t('casef_taxonomy_added', { label: added }),
    )
    if (ok) for (const l of LABEL_LANGUAGES) element<HTMLInputElement>(`taxonomy-label-${l}`).value = ''
  }

  private async retireTaxonomyEntry(list: ExtendableList, id: string, retired: boolean): Promise<void> {
    await this.saveExtension(
      (current) => withRetired(current, list, id, retired),
      (revision) => this.t.t('casef_taxonomy_saved', { revision }),
    )
    element('taxonomy-lists').querySelector<HTMLButtonElement>(`tr[data-entry="${id}"] button`)?.focus()
  }

  // ---- The identities compartment (opened on request only)

  private dropIdentities(): void {
    this.identities = null
    element('identity-list').replaceChildren()
    element('identities-heading').textContent = ''
    element('identities-meta').textContent = ''
    for (const id of ['identity-name', 'identity-other-names', 'identity-contact', 'identity-notes'])
      element<HTMLInputElement>(id).value = ''
  }

  private async showIdentities(caseId: string): Promise<void> {
    this.host.show('identities-view', false)
    element('identities-conflict').hidden = true
    this.dropIdentities()
    this.host.say(this.t.t('casef_identities_loading'))
    try {
      const view = await getCase(caseId)
      const plain = await this.keys.decrypt(await getRevision(caseId, view.revisions))
      const parsed = validateCase(JSON.parse(new TextDecoder().decode(plain)), this.taxonomy)
      if (!parsed.ok) {
        this.host.fail(this.t.t('case_invalid', { ...parsed.problems[0] }))
        return
      }
      const caseDoc = parsed.value
      let doc: IdentitiesDocument | null = null
      const chainId = caseDoc.identities ?? ''
      if (chainId) {
        const value = await this.latestOf(chainId)
        if (value !== null) {
          const checked = validateIdentities(value, caseDoc)
          if (!checked.ok) {
            this.host.fail(this.t.t('casef_identities_invalid', { ...checked.problems[0] }))
            return
          }
          doc = checked.value
        }
      }
      this.identities = { caseDoc, chainId, doc }
      if (this.current?.summary.id === caseId && this.current.doc.revision < caseDoc.revision) this.current = null
      this.renderIdentities()
      this.host.say('')
      element('identities-heading').focus()
    } catch (error) {
      this.host.handle(error)
    }
  }

  private renderIdentities(): void {
    const s = this.identities
    if (!s) return
    const t = this.t
    element('identities-heading').textContent = t.t('casef_identities_heading', { title: s.caseDoc.title })
    element('identities-heading').dir = 'auto'
    element<HTMLAnchorElement>('identities-back').href = `#/cases/${s.caseDoc.case_id}`
    element('identities-meta').textContent = s.doc
      ? t.t('casef_identities_revision', {
          revision: s.doc.revision,
          date: this.timeText(s.doc.created_at),
          author: this.account(s.doc.author),
        })
      : t.t('casef_identities_none_yet')
    const persons = s.caseDoc.persons
    element('identities-empty').hidden = persons.length > 0
    element('identity-form').hidden = persons.length === 0
    const byId = new Map((s.doc?.persons ?? []).map((p) => [p.id, p]))
    element('identity-list').replaceChildren(
      ...persons.map((p) => {
        const li = document.createElement('li')
        li.dataset.person = p.id
        const title = document.createElement('span')
        title.className = 'item-title'
        title.dir = 'auto'
        title.textContent = p.pseudonym
        li.append(title)
        const who = byId.get(p.id)
        if (!who) {
          li.append(' · ', t.t('casef_identities_none'))
          return li
        }
        const dl = document.createElement('dl')
        const row = (key: string, value: string) => {
          const dt = document.createElement('dt')
          dt.textContent = t.t(key)
          const dd = document.createElement('dd')
          dd.textContent = value
          dd.dir = 'auto'
          dl.append(dt, dd)
        }
        row('casef_identity_name', who.name)
        if (who.other_names?.length) row('casef_identity_other_names', who.other_names.join('; '))
        if (who.contact) row('casef_identity_contact', who.contact)
        if (who.notes) row('casef_identity_notes', who.notes)
        li.append(dl)
        return li
      }),
    )
    const select = element<HTMLSelectElement>('identity-person')
    const keep = select.value
    this.options(select, persons.map((p) => [p.id, p.pseudonym]))
    if (persons.some((p) => p.id === keep)) select.value = keep
    this.fillIdentityForm()
  }

  private fillIdentityForm(): void {
    const s = this.identities
    if (!s) return
    const person = element<HTMLSelectElement>('identity-person').value
    const who = s.doc?.persons.find((p) => p.id === person)
    element<HTMLInputElement>('identity-name').value = who?.name ?? ''
    element<HTMLTextAreaElement>('identity-other-names').value = (who?.other_names ?? []).join('\n')
    element<HTMLTextAreaElement>('identity-contact').value = who?.contact ?? ''
    element<HTMLTextAreaElement>('identity-notes').value = who?.notes ?? ''
    this.showProblems('identity', [], IDENTITY_FORM)
  }

  private async saveIdentity(): Promise<void> {
    const s = this.identities
    if (!s) return
    const keys = this.keys
    const now = new Date()
    const identity = identityFromFields(element<HTMLSelectElement>('identity-person').value, {
      name: element<HTMLInputElement>('identity-name').value,
      otherNames: element<HTMLTextAreaElement>('identity-other-names').value,
      contact: element<HTMLTextAreaElement>('identity-contact').value,
      notes: element<HTMLTextAreaElement>('identity-notes').value,
    })
    const base = s.doc ?? firstIdentities(s.caseDoc, keys.accountId, now)
    const problems = identityProblems(base, s.caseDoc, identity)
    this.showProblems('identity', problems, IDENTITY_FORM)
    if (problems.length > 0) return
    this.host.say(this.t.t('casep_saving'))
    let chainId = s.chainId
    if (!chainId) {
      // The case names its identities chain first (a revision of the case, with the usual
      // conflict check), so that no identities chain is ever left that no case names.
      chainId = newIdentitiesId(s.caseDoc.case_id)
      const named = nextRevision(s.caseDoc, { identities: chainId }, keys.accountId, now)
      const checked = validateCase(named, this.taxonomy)
      if (!checked.ok) {
        this.host.fail(this.t.t('casep_invalid', { path: checked.problems[0].path, message: checked.problems[0].message }))
        return
      }
      if (!(await this.storeChained(named))) return this.identitiesConflict()
      s.caseDoc = named
      s.chainId = chainId
      // The caseload learns at once that this chain is no case (the list leaves it out).
      const known = this.store?.get(named.case_id)
      if (known) this.store?.put({ ...known.summary, revisions: named.revision }, named)
    }
    const persons = withIdentity(base, s.caseDoc, identity)
    const next: IdentitiesDocument = s.doc
      ? nextRevision(s.doc, { persons }, keys.accountId, now)
      : { ...firstIdentities(s.caseDoc, keys.accountId, now), persons }
    // Its own chain: stored under the chain id; inside, case_id names the case.
    if (!(await this.storeChained(next, chainId))) return this.identitiesConflict()
    s.doc = next
    this.renderIdentities()
    this.host.say(this.t.t('casef_identity_saved'))
  }

  private identitiesConflict(): void {
    element('identities-conflict').hidden = false
    this.host.fail(this.t.t('casef_identities_conflict'))
    element<HTMLButtonElement>('identities-reload').focus()
  }

  // ---- Export

  private summaryOf(d: CaseDocument): SummaryText {
    const t = this.t
    const now = new Date()
    const risk = currentRisk(d)
    // Pseudonyms only, and a person's court link only when they allow the Court to know it.
    return {
      lang: t.lang,
      dir: t.lang === 'ar' ? 'rtl' : 'ltr',
      title: d.title,
      sections: [
        {
          heading: t.t('casep_section_case'),
          lines: [
            `${t.t('case_field_status')}: ${t.t(`case_status_${d.status}`)}`,
            t.t('case_revision', { revision: d.revision, date: this.timeText(d.created_at), author: this.account(d.author) }),
            `${t.t('case_field_risk_level')}: ${risk ? t.t(`case_risk_${risk.level}`) : t.t('casep_risk_none')}`,
          ],
        },
        {
          heading: t.t('case_field_incidents'),
          lines: d.incidents.map(
            (i) =>
              `${this.dateText(i.date)} · ${i.place ? [i.place.city, i.place.region, i.place.country].filter(Boolean).join(', ') : t.t('case_stats_unknown')} · ${i.types.map((x) => this.label('incident_types', x)).join(', ')} · ${this.label('perpetrator_types', i.perpetrator.type)}`,
          ),
        },
        {
          heading: t.t('case_field_court_links'),
          lines: d.persons.map((p) => {
            const allowed = isSharingAllowed(d, p.id, 'court_link', { id: 'court_registry_vws' }, now)
            return `${p.pseudonym}: ${allowed ? p.court_links.map((l) => this.label('court_roles', l.role)).join(', ') : t.t('casep_withheld')}`
          }),
        },
        {
          heading: t.t('case_field_actions'),
          lines: d.actions.map(
            (a) =>
              `${this.label('response_types', a.type)} · ${t.t(`case_action_status_${a.status}`)}${a.due ? ` · ${t.t('case_field_due')}: ${a.due}` : ''}`,
          ),
        },
        {
          heading: t.t('case_field_consents'),
          lines: d.consents.map(
            (r) =>
              `${d.persons.find((p) => p.id === r.person)?.pseudonym ?? r.person} → ${this.label('consent_recipients', r.recipient)}: ${t.t(`case_consent_status_${consentStatus(r, now)}`)}`,
          ),
        },
        {
          heading: t.t('case_field_links'),
          lines: d.links.map((l) => `${t.t(`case_link_${l.kind}`)} ${l.attachment ?? l.message ?? l.report}`),
        },
      ],
    }
  }

  private async exportPackage(): Promise<void> {
    const c = this.current
    if (!c) return
    const keys = this.keys
    this.host.say(this.t.t('casep_export_building'))
    const view = await getCase(c.summary.id)
    if (view.revisions !== c.doc.revision) {
      element('case-conflict').hidden = false
      this.host.fail(this.t.t('casep_conflict'))
      return
    }
    const built = await buildPackage(c.doc, view, summaryHtml(this.summaryOf(c.doc)), {
      thread: (id) => openThread(serverSource(keys), id),
      attachment: getStaffAttachment,
      decrypt: (ct) => keys.decrypt(ct),
      receipt: (index) => waitReceipt(index),
    })
    const ack = await postExport(c.summary.id, c.doc.revision, built.manifestSha256)
    const zip = packageZip(built, await waitReceipt(ack.log_index))
    download(zip, `vigil-case-${c.summary.id.slice(0, 8)}-r${c.doc.revision}.zip`, 'application/zip')
    await this.showCase(c.summary.id)
    this.host.say(this.t.t('casep_export_done', { index: ack.log_index, files: built.manifest.files.length }))
  }

  // ---- Statistics

  private async showStatistics(): Promise<void> {
    this.host.show('stats-view')
    try {
      // The instance's smallest publishable cell (the statistics_min_cell setting): the server
      // refuses a publication below it, so the form starts there and goes no lower.
      const minimum = Math.max(2, (await getInstance()).statistics_min_cell ?? DEFAULT_K)
      const input = element<HTMLInputElement>('stats-k')
      input.min = String(minimum)
      if (Number(input.value) < minimum || input.dataset.touched !== 'true') input.value = String(minimum)
      this.minimumK = minimum
      await this.ensureLoaded()
    } catch (error) {
      this.host.handle(error)
    }
  }

  private computeStatistics(): void {
    if (!this.store) return
    const t = this.t
    const rows = element<HTMLSelectElement>('stats-rows').value as Dimension
    const columns = element<HTMLSelectElement>('stats-columns').value as Dimension
    const k = Math.max(this.minimumK, Math.min(100, Math.round(Number(element<HTMLInputElement>('stats-k').value) || DEFAULT_K)))
    const docs = [...this.store.cases.values()].flatMap((c) => (c.doc ? [c.doc] : []))
    let counts
    try {
      counts = countTable(docs, rows, columns, {
        taxonomy: this.taxonomy,
        language: t.lang,
        unknownLabel: t.t('case_stats_unknown'),
        allLabel: t.t('case_stats_all'),
      })
    } catch {
      this.host.fail(t.t('casep_stats_empty'))
      element('publish-form').hidden = true
      return
    }
    const table = suppress(counts.counts, k)
    this.statsTable = { rows: counts.rows, columns: counts.columns, table }
    element('stats-k-note').textContent = t.t('case_stats_k', { k })
    this.renderStatsTable(counts.rows, counts.columns, table)
    this.renderChart(counts.rows, table)
    element('stats-caption').textContent = t.t('casep_stats_chart_caption', { rows: t.t(`case_stats_dimension_${rows}`) })
    element('stats-figure').hidden = false
    element('publish-form').hidden = false
    const title = element<HTMLInputElement>('stats-title')
    if (!title.value) title.value = t.t('casep_stats_default_title', { rows: t.t(`case_stats_dimension_${rows}`) })
  }

  private renderStatsTable(rows: string[], columns: string[], table: PublishedTable): void {
    const t = this.t
    const fig = (cell: PublishedCell) => figureText(cell, table.k, (key, args) => t.t(key, args))
    const tr = (cells: HTMLElement[]) => {
      const r = document.createElement('tr')
      r.append(...cells)
      return r
    }
    const th = (s: string, scope: 'col' | 'row') => {
      const h = document.createElement('th')
      h.scope = scope
      h.textContent = s
      return h
    }
    const td = (cell: PublishedCell) => {
      const d = document.createElement('td')
      d.textContent = fig(cell)
      if (cell.value === null) d.className = 'suppressed'
      return d
    }
    const caption = document.createElement('caption')
    caption.textContent = t.t('casep_stats_table_caption')
    const head = document.createElement('thead')
    head.append(tr([th('', 'col'), ...columns.map((c) => th(c, 'col')), th(t.t('case_stats_total'), 'col')]))
    const body = document.createElement('tbody')
    rows.forEach((r, i) => body.append(tr([th(r, 'row'), ...table.cells[i].map(td), td(table.row_totals[i])])))
    body.append(tr([th(t.t('case_stats_total'), 'row'), ...table.column_totals.map(td), td(table.total)]))
    element('stats-table').replaceChildren(caption, head, body)
  }

  // A horizontal bar chart of the row totals, drawn as SVG elements (no library, no inline
  // style): a hidden figure is an outlined bar with its text.
  private renderChart(rows: string[], table: PublishedTable): void {
    const svgNs = 'http://www.w3.org/2000/svg'
    const make = (name: string, attrs: Record<string, string | number>) => {
      const e = document.createElementNS(svgNs, name)
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
      return e
    }
    const rtl = this.t.lang === 'ar'
    const width = 640
    const labelWidth = 220
    const bar = 22
    const gap = 8
    const height = rows.length * (bar + gap) + gap
    const values = table.row_totals.map((c) => c.value ?? 0)
    const max = Math.max(table.k, ...values)
    const svg = make('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' })
    const title = make('title', {})
    title.textContent = this.t.t('casep_stats_chart_label')
    svg.append(title)
    rows.forEach((name, i) => {
      const y = gap + i * (bar + gap)
      const cell = table.row_totals[i]
      const value = cell.value ?? table.k - 1
      const w = Math.max(2, ((width - labelWidth - 120) * value) / max)
      const x = rtl ? width - labelWidth - w : labelWidth
      const text = make('text', { x: rtl ? width - 4 : 4, y: y + bar * 0.7, class: 'chart-label', 'text-anchor': rtl ? 'end' : 'start' })
      text.textContent = name.length > 30 ? name.slice(0, 29) + '…' : name
      const rect = make('rect', { x, y, width: w, height: bar, class: cell.value === null ? 'bar suppressed' : 'bar' })
      const figure = make('text', {
        x: rtl ? x - 6 : x + w + 6,
        y: y + bar * 0.7,
        class: 'chart-value',
        'text-anchor': rtl ? 'end' : 'start',
      })
      figure.textContent = figureText(cell, table.k, (key, args) => this.t.t(key, args))
      svg.append(text, rect, figure)
    })
    element('stats-chart').replaceChildren(svg)
  }

  private async publish(): Promise<void> {
    const s = this.statsTable
    if (!s) return
    const title = element<HTMLInputElement>('stats-title').value.trim()
    if (!title) {
      this.host.fail(this.t.t('casep_title_required'))
      return
    }
    const document_ = statisticsDocument(title, s.rows, s.columns, s.table)
    this.host.say(this.t.t('casep_stats_publishing'))
    const published = await postStatistics(document_)
    const out = element('stats-published')
    const link = document.createElement('a')
    link.href = `/v1/statistics/${published.id}`
    link.textContent = this.t.t('casep_stats_published_link')
    const receipt = document.createElement('a')
    receipt.href = `/v1/statistics/${published.id}/receipt`
    receipt.textContent = this.t.t('casep_stats_receipt_link')
    out.replaceChildren(this.t.t('casep_stats_published', { index: published.log_index }), ' ', link, ' · ', receipt)
    out.dataset.publication = published.id
    this.host.say(this.t.t('casep_stats_published', { index: published.log_index }))
  }
}

// Hands bytes to the browser as a file (a blob: URL of this page, never a request).
function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

// The action edit form's fields: a problem's path -> [element id, catalogue key of its label].
const ACTION_FORM: Record<string, [string, string]> = {
  type: ['action-edit-type', 'case_field_action_type'],
  type_other: ['action-edit-type-other', 'case_field_other_specify'],
  description: ['action-edit-description', 'case_field_description'],
  owner: ['action-edit-owner', 'case_field_owner'],
  due: ['action-edit-due', 'case_field_due'],
  status: ['action-edit-status', 'case_field_action_status'],
  outcome: ['action-edit-outcome', 'case_field_outcome'],
}

// The identity form's fields, the same way.
const IDENTITY_FORM: Record<string, [string, string]> = {
  name: ['identity-name', 'casef_identity_name'],
  other_names: ['identity-other-names', 'casef_identity_other_names'],
  contact: ['identity-contact', 'casef_identity_contact'],
  notes: ['identity-notes', 'casef_identity_notes'],
}
