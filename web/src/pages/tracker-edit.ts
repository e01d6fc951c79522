// The editor's page (/tracker/edit): an editor (or administrator) signs in with the staff
// sign-in (src/staff/session.ts: the login secret derived on this device, a TOTP code, an
// HttpOnly session cookie), changes one fact of a State with its mandatory source, imports a
// CSV in the export's format, and exports the data as CSV or JSON. Each change is a log entry
// and shows at once in the public history.
import { ApiError, exportTracker, getStates, importTrackerCsv, postStateEdit } from '../api/client'
import { formatCsv, overlayJson, parseCsv } from '../tracker/csv'
import { classify, currentSession, signIn, signOut, type StaffSession } from '../staff/session'
import { describeFact, EDIT_FIELDS, makeRows, sortRows, type StateDetail, type StatesDocument, type StateSummary } from '../tracker/model'
import { h, showLoadError } from '../tracker/view'
import { element, markReady, requireWebAssembly, startPage } from './page'

const t = await startPage()
const error = element<HTMLElement>('error')
const stateSelect = element<HTMLSelectElement>('edit-state')
const fieldSelect = element<HTMLSelectElement>('edit-field')
const valueInput = element<HTMLInputElement>('edit-value')
const sourceInput = element<HTMLTextAreaElement>('edit-source')
const current = element<HTMLElement>('edit-current')
const editStatus = element<HTMLElement>('edit-status')
const importStatus = element<HTMLElement>('import-status')
let doc: StatesDocument | null = null

// The current value of a field, as the public pages show it.
function currentValue(state: StateSummary, field: string): string {
  const unknown = t.t('tracker_unknown')
  const fact = (f: Parameters<typeof describeFact>[0]) => {
    const shown = describeFact(f, 'text', t.lang, unknown)
    return shown.derived ? `${shown.text} ${t.t('tracker_derived')}` : shown.text
  }
  switch (field) {
    case 'status':
      return state.rome_statute.status
    case 'ratification_date':
      return fact(state.rome_statute.ratification)
    case 'withdrawal_effective':
      return fact(state.rome_statute.withdrawal_effective)
    case 'apic_status':
      return state.apic.status
    case 'apic_signature_date':
      return fact(state.apic.signature)
    case 'apic_ratification_date':
      return fact(state.apic.ratification)
    case 'statement':
      return state.statements.join(', ') || t.t('tracker_statements_none_recorded')
    case 'blocking_measures':
      return fact(state.blocking_measures)
    case 'non_cooperation_findings':
      return fact(state.non_cooperation_findings)
    default:
      return ''
  }
}

// The values a field takes, offered as the editor types (statuses, statement identifiers).
function fillChoices(): void {
  const choices: Record<string, string[]> = {
    status: ['party', 'withdrawal_notified', 'withdrawn', 'not_party'],
    apic_status: ['party', 'unknown'],
    statement: (doc?.statements ?? []).map((s) => s.id),
  }
  element<HTMLDataListElement>('edit-value-choices').replaceChildren(
    ...(choices[fieldSelect.value] ?? []).map((value) => h('option', { value })),
  )
}

function showCurrent(): void {
  fillChoices()
  const state = doc?.states.find((s) => s.iso3 === stateSelect.value)
  current.textContent = state && fieldSelect.value !== 'notes'
    ? t.t('tracker_edit_current', { value: currentValue(state, fieldSelect.value) })
    : ''
}

async function reload(): Promise<void> {
  doc = await getStates()
  const selected = stateSelect.value
  const rows = sortRows(makeRows(doc.states, t.lang), 'name', 'ascending', t.lang)
  stateSelect.replaceChildren(...rows.map((r) => h('option', { value: r.state.iso3 }, `${r.name} (${r.state.iso3})`)))
  if (selected) stateSelect.value = selected
  showCurrent()
}

// Shows the editor to an editor or administrator, the sign-in form to anyone else.
async function show(session: StaffSession | null): Promise<void> {
  element<HTMLElement>('signin').hidden = session !== null
  element<HTMLElement>('editor').hidden = true
  if (!session) return
  if (session.role !== 'editor' && session.role !== 'admin') {
    error.textContent = t.t('tracker_edit_role')
    return
  }
  element<HTMLElement>('who').textContent = t.t('tracker_edit_signed_in', { role: t.t(`staff_role_${session.role}`) })
  fieldSelect.replaceChildren(...EDIT_FIELDS.map((f) => h('option', { value: f }, t.t(`tracker_field_${f}`))))
  await reload()
  element<HTMLElement>('editor').hidden = false
}

function signInProblem(err: unknown): string {
  const problem = classify(err, true)
  switch (problem.problem) {
    case 'missing_fields':
    case 'wrong_credentials':
    case 'session_expired':
      return t.t(`staff_error_${problem.problem}`)
    case 'locked_out':
      return t.t('staff_error_locked_out')
    case 'network':
      return t.t('staff_error_network')
    default:
      return t.t('error_generic', { code: problem.code })
  }
}

element<HTMLFormElement>('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault()
  const status = element<HTMLElement>('signin-status')
  const passphrase = element<HTMLInputElement>('signin-passphrase')
  const code = element<HTMLInputElement>('totp-code')
  status.textContent = t.t('staff_signing_in')
  try {
    const session = await signIn({
      loginName: element<HTMLInputElement>('login-name').value,
      passphrase: passphrase.value,
      totpCode: code.value,
    })
    status.textContent = ''
    await show(session)
  } catch (err) {
    status.textContent = signInProblem(err)
  } finally {
    // The passphrase and the code leave the form once they have served.
    passphrase.value = ''
    code.value = ''
  }
})

element<HTMLButtonElement>('sign-out').addEventListener('click', async () => {
  try {
    await signOut()
  } catch {
    // The session ends on the server at its idle time anyway; the form shows again.
  }
  await show(null)
})

stateSelect.addEventListener('change', showCurrent)
fieldSelect.addEventListener('change', showCurrent)

element<HTMLFormElement>('edit-form').addEventListener('submit', async (e) => {
  e.preventDefault()
  const source = sourceInput.value.trim()
  if (!source) {
    editStatus.textContent = t.t('tracker_edit_source_required')
    sourceInput.focus()
    return
  }
  editStatus.textContent = t.t('tracker_edit_sending')
  try {
    const change = await postStateEdit(stateSelect.value, { field: fieldSelect.value, value: valueInput.value.trim(), source })
    valueInput.value = ''
    sourceInput.value = ''
    await reload()
    editStatus.textContent = t.t('tracker_edit_done', { index: change.log_index })
  } catch (err) {
    editStatus.textContent =
      err instanceof ApiError && err.status === 400 ? t.t('tracker_edit_refused') : t.t('tracker_load_failed')
  }
})

element<HTMLFormElement>('import-form').addEventListener('submit', async (e) => {
  e.preventDefault()
  const file = element<HTMLInputElement>('import-file').files?.[0]
  if (!file) return
  importStatus.textContent = t.t('tracker_edit_sending')
  let csv = await file.text()
  if (file.name.toLowerCase().endsWith('.json')) {
    // JSON in the export's format: laid over the current CSV, which the server then imports.
    let states: StateDetail[]
    try {
      const parsed = JSON.parse(csv)
      states = Array.isArray(parsed) ? parsed : parsed.states
      if (!Array.isArray(states)) throw new Error('states')
    } catch {
      importStatus.textContent = t.t('tracker_import_refused', { detail: t.t('tracker_import_not_json') })
      return
    }
    const merged = overlayJson(parseCsv(await exportTracker('csv')), states)
    if ('unknownState' in merged) {
      importStatus.textContent = t.t('tracker_import_refused', { detail: merged.unknownState })
      return
    }
    csv = formatCsv(merged)
  }
  const result = await importTrackerCsv(csv)
  if ('changes' in result) {
    await reload()
    importStatus.textContent = t.t('tracker_import_done', { count: result.changes })
  } else {
    // The server names the line, the State and the problem (in English).
    importStatus.textContent = t.t('tracker_import_refused', { detail: result.detail || result.error })
  }
})

try {
  // Without WebAssembly the login secret cannot be derived: the page says so and offers no
  // sign-in (a session made elsewhere still works).
  requireWebAssembly([element<HTMLButtonElement>('signin-submit')])
  await show(await currentSession())
} catch {
  showLoadError(error, t)
}
markReady()
