// The administrator's pages: sign-in and unlock (src/staff, shared with the coordinator pages),
// invitations and read tokens, accounts and roles, the organisation key (wraps for new members,
// rotation), recovery kits, the instance's settings, and the log checked in the browser.
// Every key operation happens here; the organisation identity lives only in this page's memory.
import { base64 } from '@scure/base'
import { ApiError, getInstance } from '../api/client'
import { describeError } from '../components/errors'
import type { Account, Setting, Settings } from '../admin/api'
import { changedValues, inputText, SETTING_GROUPS, SETTING_KEYS, type SettingInput } from '../admin/settings'
import type { StaffKeys } from '../staff/keys'
import { element, markReady, requireWebAssembly, startPage } from './page'

const t = await startPage()
const modules = Promise.all([
  import('../staff/session'),
  import('../staff/keys'),
  import('../admin/api'),
  import('../admin/keys'),
  import('../admin/shares'),
  import('../crypto/age'),
])
modules.catch(() => {})

const status = element<HTMLParagraphElement>('status')
const errorBox = element<HTMLParagraphElement>('error')
let keys: StaffKeys | null = null
// The newest organisation identity this page holds (after a rotation, the one it made).
let organisation: { generation: number; recipient: string; identity: string } | null = null
let accounts: Account[] = []

// A key operation by an administrator who holds no current organisation key.
class NoKey extends Error {
  readonly problem = 'no_organisation_key'
}

function say(text: string): void {
  status.textContent = text
}

function fail(error: unknown): void {
  say('')
  const code = (error as { problem?: string; code?: string }).problem ?? ''
  if ((error as Error).message === 'not_admin') errorBox.textContent = t.t('admin_not_admin')
  else if (code === 'wrong_credentials') errorBox.textContent = t.t('admin_wrong_credentials')
  else if (code === 'locked_out') errorBox.textContent = t.t('admin_locked_out')
  else if (code === 'missing_fields') errorBox.textContent = t.t('admin_bad_code')
  else if (code === 'session_expired' || (error instanceof ApiError && error.status === 401))
    errorBox.textContent = t.t('admin_session_expired')
  else if (code === 'wrong_passphrase') errorBox.textContent = t.t('admin_wrong_credentials')
  else if (code === 'no_organisation_key') errorBox.textContent = t.t('admin_no_key_yet')
  else errorBox.textContent = describeError(t, error)
}

// Runs an action with its button disabled and errors shown.
async function act(button: HTMLButtonElement | null, work: () => Promise<void>): Promise<void> {
  errorBox.textContent = ''
  if (button) button.disabled = true
  try {
    await work()
  } catch (error) {
    fail(error)
  } finally {
    if (button) button.disabled = false
  }
}

function short(id: string): string {
  return id.slice(0, 8)
}

function hourText(hour: number): string {
  return new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(hour * 3600_000))
}

function button(text: string, onClick: (b: HTMLButtonElement) => void, className = ''): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.textContent = text
  if (className) b.className = className
  b.addEventListener('click', () => onClick(b))
  return b
}

// ---- sign-in
element<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const submit = element<HTMLFormElement>('sign-in-form').querySelector('button')
  void act(submit, async () => {
    const [session, staffKeys] = await modules
    const passphrase = element<HTMLInputElement>('passphrase')
    say(t.t('admin_signing_in'))
    const who = await session.signIn({
      loginName: element<HTMLInputElement>('login-name').value,
      passphrase: passphrase.value,
      totpCode: element<HTMLInputElement>('totp-code').value,
    })
    if (who.role !== 'admin') {
      await session.signOut()
      throw new Error('not_admin')
    }
    try {
      keys = await staffKeys.StaffKeys.unlock(passphrase.value)
    } catch (error) {
      // An administrator no key holder has given the organisation key to yet can still invite
      // and change roles; the key operations say what is missing.
      if (!(error instanceof staffKeys.KeyError && error.problem === 'no_organisation_key')) throw error
    }
    passphrase.value = ''
    element<HTMLFormElement>('sign-in-form').reset()
    organisation =
      keys && keys.hasCurrentKey
        ? { generation: keys.current.generation, recipient: keys.current.recipient, identity: keys.organisationIdentity(keys.current.generation) }
        : null
    say(organisation ? '' : t.t('admin_no_key_yet'))
    element('sign-in-form').hidden = true
    element('console').hidden = false
    await Promise.all([loadAccounts(), loadSettings()])
    element('invitations-heading').focus()
  })
})

element<HTMLButtonElement>('sign-out').addEventListener('click', (event) => {
  void act(event.currentTarget as HTMLButtonElement, async () => {
    const [session] = await modules
    keys?.lock()
    keys = null
    organisation = null
    await session.signOut()
    location.reload()
  })
})

// ---- invitations and read tokens
element<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void act(element<HTMLFormElement>('invite-form').querySelector('button'), async () => {
    // The last link goes at once, so that nobody copies it for the one being made.
    element('invitation').hidden = true
    element('invitation-link').textContent = ''
    const [, , api] = await modules
    const role = element<HTMLSelectElement>('invite-role').value
    let shown: string
    if (role === 'mirror') {
      shown = (await api.postReadToken('mirror')).token
      element('invitation-advice').textContent = t.t('admin_read_token_advice')
    } else {
      const invitation = await api.postInvitation(role as 'admin' | 'coordinator' | 'auditor' | 'editor')
      shown = `${location.origin}/join#${invitation.token}`
      element('invitation-advice').textContent = t.t('admin_invitation_advice', { role: t.t(`admin_role_${role}`) })
    }
    element('invitation-link').textContent = shown
    element('invitation').hidden = false
    say(t.t('admin_invitation_made'))
  })
})

// ---- accounts, roles and the organisation key
const ROLES = ['admin', 'coordinator', 'auditor', 'editor', 'mirror', 'none'] as const

async function loadAccounts(): Promise<void> {
  const [, , api, adminKeys] = await modules
  accounts = await api.getAccounts()
  const rows = accounts.map((account) => {
    const row = document.createElement('tr')
    const id = document.createElement('td')
    id.textContent = short(account.id)
    id.lang = 'en'
    if (account.id === keys?.accountId) id.textContent += ` (${t.t('admin_account_you')})`
    const role = document.createElement('td')
    const select = document.createElement('select')
    select.setAttribute('aria-label', t.t('admin_role_of', { id: short(account.id) }))
    for (const r of ROLES) {
      const option = document.createElement('option')
      option.value = r
      option.textContent = t.t(`admin_role_${r}`)
      option.selected = r === account.role
      select.append(option)
    }
    select.disabled = account.role === 'none'
    role.append(select)
    const key = document.createElement('td')
    key.textContent = !adminKeys.holdsKeys(account)
      ? t.t('admin_key_not_needed')
      : account.has_current_key
        ? t.t('admin_key_held')
        : t.t('admin_key_missing')
    const actions = document.createElement('td')
    if (account.role !== 'none') {
      actions.append(
        button(t.t('admin_change_role'), (b) => void changeRole(b, account, select.value as Account['role']), 'secondary'),
      )
    }
    if (adminKeys.holdsKeys(account) && !account.has_current_key) {
      actions.append(button(t.t('admin_wrap'), (b) => void wrap(b, account)))
    }
    row.append(id, role, key, actions)
    return row
  })
  element('accounts').querySelector('tbody')!.replaceChildren(...rows)
  if (organisation) element('key-generation').textContent = t.t('admin_key_generation', { generation: organisation.generation })
  renderHolders()
}

element<HTMLButtonElement>('refresh').addEventListener('click', (event) => {
  void act(event.currentTarget as HTMLButtonElement, loadAccounts)
})

async function changeRole(b: HTMLButtonElement, account: Account, role: Account['role']): Promise<void> {
  await act(b, async () => {
    const [, , api, adminKeys] = await modules
    await api.putRole(account.id, role)
    const lostKey = adminKeys.holdsKeys(account) && !adminKeys.holdsKeys({ role })
    await loadAccounts()
    say(t.t(lostKey ? 'admin_role_changed_rotate' : 'admin_role_changed'))
  })
}

async function wrap(b: HTMLButtonElement, account: Account): Promise<void> {
  await act(b, async () => {
    const [, , api, adminKeys] = await modules
    if (!organisation) throw new NoKey()
    await api.postWrap(account.id, await adminKeys.wrapTo(organisation.identity, account))
    await loadAccounts()
    say(t.t('admin_wrapped', { id: short(account.id) }))
  })
}

element<HTMLButtonElement>('rotate').addEventListener('click', (event) => {
  void act(event.currentTarget as HTMLButtonElement, async () => {
    const [, , api, adminKeys] = await modules
    if (!organisation) throw new NoKey()
    say(t.t('admin_working'))
    const fresh = await api.getAccounts()
    const prepared = await adminKeys.prepareRotation(organisation.identity, fresh)
    const generation = await api.postRotation(prepared.rotation)
    organisation = { generation: generation.generation, recipient: generation.recipient, identity: prepared.identity }
    await loadAccounts()
    say(t.t('admin_rotated', { generation: generation.generation }))
  })
})

// ---- recovery kits
function renderHolders(): void {
  const holders = accounts.filter((a) => a.role !== 'none' && a.recipient)
  element('holders').replaceChildren(
    ...holders.map((account) => {
      const label = document.createElement('label')
      label.className = 'check'
      const box = document.createElement('input')
      box.type = 'checkbox'
      box.value = account.id
      box.name = 'holder'
      label.append(box, ` ${short(account.id)} (${t.t(`admin_role_${account.role}`)})`)
      return label
    }),
  )
}

element<HTMLFormElement>('recovery-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void act(element<HTMLFormElement>('recovery-form').querySelector('button'), async () => {
    const [, , api, , shares, age] = await modules
    if (!organisation) throw new NoKey()
    const chosen = [...document.querySelectorAll<HTMLInputElement>('#holders input:checked')].map((box) =>
      accounts.find((a) => a.id === box.value)!,
    )
    const threshold = Number(element<HTMLInputElement>('threshold').value)
    if (!Number.isInteger(threshold) || threshold < 2 || chosen.length < threshold) {
      errorBox.textContent = t.t('admin_recovery_bad_threshold')
      return
    }
    say(t.t('admin_working'))
    const split = await shares.splitIdentity(
      organisation.identity,
      organisation.recipient,
      organisation.generation,
      chosen.length,
      threshold,
    )
    const kits = split.map((share, i) => ({ holder: chosen[i], share, text: shares.formatShare(share) }))
    const records = []
    for (const kit of kits)
      records.push({ holder: kit.holder.id, index: kit.share.index, share: await age.encryptTo([kit.holder.recipient], kit.text) })
    await api.postRecoveryShares(threshold, records)
    element('kit-list').replaceChildren(...kits.map((kit) => renderKit(kit.holder, kit.share, kit.text)))
    element('kits').hidden = false
    say(t.t('admin_recovery_done', { k: threshold, n: chosen.length }))
  })
})

function renderKit(holder: Account, share: { index: number; threshold: number; count: number; generation: number }, text: string): HTMLElement {
  const kit = document.createElement('article')
  kit.className = 'kit'
  const heading = document.createElement('h3')
  heading.textContent = t.t('admin_kit_title', { index: share.index })
  const who = document.createElement('p')
  who.textContent = t.t('admin_kit_holder', { id: short(holder.id), k: share.threshold, n: share.count, generation: share.generation })
  const advice = document.createElement('p')
  advice.textContent = t.t('admin_kit_advice')
  const pre = document.createElement('pre')
  pre.className = 'kit-text'
  pre.lang = 'en'
  pre.dir = 'ltr'
  pre.textContent = text
  kit.append(heading, who, advice, pre)
  return kit
}

element<HTMLButtonElement>('print').addEventListener('click', () => window.print())

// The signed-in member's own shares (GET /v1/recovery-shares/mine), opened with their personal
// identity, to print their kit again.
element<HTMLButtonElement>('my-kits').addEventListener('click', (event) => {
  void act(event.currentTarget as HTMLButtonElement, async () => {
    const [, , api, , shares] = await modules
    if (!keys) throw new NoKey()
    const mine = await api.getMyShares()
    const me = accounts.find((a) => a.id === keys!.accountId)
    const items: HTMLElement[] = []
    for (const stored of mine) {
      const text = new TextDecoder().decode(await keys.decryptPersonal(base64.decode(stored.share)))
      const share = shares.parseShare(text)
      if (me) items.push(renderKit(me, share, text))
    }
    element('my-kit-list').replaceChildren(...items)
    say(t.t('admin_my_kits_found', { count: items.length }))
  })
})

// ---- settings (read-only: they live in the instance's configuration file)
async function loadSettings(): Promise<void> {
  const [, , api] = await modules
  const [instance, current] = await Promise.all([getInstance(), api.getSettings()])
  const list = element('settings')
  const add = (label: string, value: string) => {
    const dt = document.createElement('dt')
    dt.textContent = label
    const dd = document.createElement('dd')
    dd.textContent = value
    dd.lang = 'en'
    dd.dir = 'ltr'
    list.append(dt, dd)
  }
  list.replaceChildren()
  add(t.t('admin_settings_origin'), instance.log_origin)
  const key = instance.organisation_key
  add(t.t('admin_settings_key'), key ? `${key.generation}: ${key.recipient}` : t.t('admin_settings_no_key'))
  renderSettings(current)
}

// ---- instance settings: a form built from GET /v1/settings, checked here as on the server,
// sent all or nothing with the version it was loaded at.
let settingsVersion = 0
let settingsShown: Setting[] = []

function settingId(key: string): string {
  return `setting-${key.replaceAll('_', '-')}`
}

function unitText(setting: Setting): string {
  return setting.unit ? t.t(`settings_unit_${setting.unit}`) : ''
}

function valueText(setting: Setting, value: number | boolean | string): string {
  if (typeof value === 'boolean') return t.t(value ? 'settings_yes' : 'settings_no')
  if (typeof value === 'number') {
    const n = new Intl.NumberFormat(t.lang).format(value)
    return setting.unit ? `${n} ${unitText(setting)}` : n
  }
  return value === '' ? t.t('settings_empty') : value
}

function renderSettings(view: Settings): void {
  settingsVersion = view.version
  settingsShown = view.settings.filter((s) => SETTING_KEYS.includes(s.key))
  const byKey = new Map(settingsShown.map((s) => [s.key, s]))
  const fields = element('settings-fields')
  fields.replaceChildren()
  for (const [group, keys] of Object.entries(SETTING_GROUPS)) {
    const fieldset = document.createElement('fieldset')
    const legend = document.createElement('legend')
    legend.textContent = t.t(`settings_group_${group}`)
    fieldset.append(legend)
    for (const key of keys) {
      const setting = byKey.get(key)
      if (setting) fieldset.append(settingField(setting))
    }
    fields.append(fieldset)
  }
  element('settings-errors').replaceChildren()
  element('settings-form').hidden = false
}

function settingField(setting: Setting): HTMLElement {
  const id = settingId(setting.key)
  const wrapper = document.createElement('div')
  wrapper.className = 'setting'
  const label = document.createElement('label')
  label.htmlFor = id
  label.textContent = t.t(`settings_label_${setting.key}`)
  let input: HTMLInputElement | HTMLTextAreaElement
  if (setting.type === 'text' && (setting.max_lines ?? 1) > 1) {
    input = document.createElement('textarea')
    input.rows = Math.min(setting.max_lines ?? 4, 5)
  } else {
    input = document.createElement('input')
    if (setting.type === 'boolean') {
      input.type = 'checkbox'
      input.checked = setting.value === true
    } else if (setting.type === 'integer') {
      input.type = 'text'
      input.inputMode = 'numeric'
      input.lang = 'en'
      input.dir = 'ltr'
      input.autocomplete = 'off'
    } else {
      input.type = 'text'
      input.autocomplete = 'organization'
    }
  }
  input.id = id
  input.name = setting.key
  if (setting.type === 'text') input.dir = 'auto'
  if (setting.type !== 'boolean') input.value = String(inputText(setting.value))
  const help = document.createElement('p')
  help.className = 'hint'
  help.id = `${id}-help`
  const bounds =
    setting.type === 'integer'
      ? t.t('settings_bounds_range', { min: setting.min ?? 0, max: setting.max ?? 0, unit: unitText(setting) })
      : setting.type === 'text'
        ? t.t('settings_bounds_text', { max: setting.max_length ?? 0, lines: setting.max_lines ?? 1 })
        : ''
  help.textContent = [t.t(`settings_help_${setting.key}`), bounds].filter(Boolean).join(' ')
  const source = document.createElement('p')
  source.className = 'hint'
  source.id = `${id}-source`
  source.textContent =
    setting.source === 'log'
      ? t.t('settings_source_log', { index: setting.log_index ?? 0, time: hourText(setting.hour ?? 0), value: valueText(setting, setting.default) })
      : t.t('settings_source_file')
  const error = document.createElement('p')
  error.className = 'field-error'
  error.id = `${id}-error`
  input.setAttribute('aria-describedby', `${help.id} ${source.id} ${error.id}`)
  if (setting.type === 'boolean') {
    const row = document.createElement('div')
    row.className = 'check'
    row.append(input, label)
    wrapper.append(row, help, source, error)
  } else if (setting.unit) {
    const row = document.createElement('div')
    row.className = 'with-unit'
    const unit = document.createElement('span')
    unit.textContent = unitText(setting)
    unit.setAttribute('aria-hidden', 'true')
    row.append(input, unit)
    wrapper.append(label, row, help, source, error)
  } else {
    wrapper.append(label, input, help, source, error)
  }
  return wrapper
}

function settingInputs(): Map<string, SettingInput> {
  const inputs = new Map<string, SettingInput>()
  for (const setting of settingsShown) {
    const input = element<HTMLInputElement | HTMLTextAreaElement>(settingId(setting.key))
    inputs.set(setting.key, input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value)
  }
  return inputs
}

function showSettingProblems(problems: Map<string, { key: string; args: Record<string, string | number> }>): void {
  const summary = element('settings-errors')
  summary.replaceChildren()
  let first: HTMLElement | null = null
  for (const setting of settingsShown) {
    const id = settingId(setting.key)
    const input = element(id)
    const problem = problems.get(setting.key)
    element(`${id}-error`).textContent = problem ? t.t(problem.key, problem.args) : ''
    if (problem) {
      input.setAttribute('aria-invalid', 'true')
      first ??= input
      const item = document.createElement('p')
      const link = document.createElement('a')
      link.href = `#${id}`
      link.textContent = `${t.t(`settings_label_${setting.key}`)}: ${t.t(problem.key, problem.args)}`
      item.append(link)
      summary.append(item)
    } else {
      input.removeAttribute('aria-invalid')
    }
  }
  if (problems.size > 0) {
    const lead = document.createElement('p')
    lead.textContent = t.t('settings_nothing_saved')
    summary.prepend(lead)
    first?.focus()
  }
}

element<HTMLFormElement>('settings-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const submit = element<HTMLFormElement>('settings-form').querySelector('button')
  void act(submit, async () => {
    const [, , api] = await modules
    const { values, problems } = changedValues(settingsShown, settingInputs())
    showSettingProblems(problems)
    element('settings-status').textContent = ''
    if (problems.size > 0) return
    if (Object.keys(values).length === 0) {
      element('settings-status').textContent = t.t('settings_nothing_changed')
      return
    }
    let saved: Settings
    try {
      saved = await api.patchSettings(settingsVersion, values)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'settings_conflict') {
        renderSettings(await api.getSettings())
        element('settings-status').textContent = t.t('settings_conflict')
        return
      }
      if (error instanceof ApiError && (error.code === 'invalid_setting' || error.code === 'unknown_setting')) {
        const key = typeof error.details.setting === 'string' ? error.details.setting : ''
        showSettingProblems(new Map([[key, { key: error.code === 'invalid_setting' ? 'settings_invalid_server' : 'settings_unknown', args: { bound: String(error.details.bound ?? '') } }]]))
        return
      }
      throw error
    }
    renderSettings(saved)
    const changed = (saved.changed ?? []).map((key) => {
      const setting = saved.settings.find((s) => s.key === key)
      return setting ? `${t.t(`settings_label_${key}`)}: ${valueText(setting, setting.value)}` : key
    })
    element('settings-status').textContent = changed.length
      ? t.t('settings_saved', { changes: new Intl.ListFormat(t.lang, { type: 'conjunction' }).format(changed) })
      : t.t('settings_nothing_changed')
  })
})

// ---- the log, checked here against the verifier key the administrator trusts
element<HTMLFormElement>('log-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void act(element<HTMLFormElement>('log-form').querySelector('button'), async () => {
    const log = await import('../admin/log')
    const [, , api] = await modules
    say(t.t('admin_working'))
    let key
    try {
      key = log.parseVerifierKey(element<HTMLInputElement>('vkey').value)
    } catch {
      errorBox.textContent = t.t('admin_log_bad_key')
      say('')
      return
    }
    const note = await api.getText('/checkpoint')
    element('checkpoint').textContent = note
    element('log-result').hidden = false
    const verdict = element('log-verdict')
    try {
      const result = await log.readLog(note, key, (path) => api.getBytes('/' + path))
      verdict.textContent = t.t('admin_log_verified', { size: result.checkpoint.size })
      verdict.className = 'verdict ok'
      const rows = result.entries.map((entry) => {
        const row = document.createElement('tr')
        for (const text of [
          String(entry.index),
          t.t(`admin_entry_${entry.type}`),
          hourText(entry.hour),
          String(entry.blobSize),
          /^0+$/.test(entry.actor) ? t.t('admin_log_no_actor') : short(entry.actor),
        ]) {
          const cell = document.createElement('td')
          cell.textContent = text
          row.append(cell)
        }
        return row
      })
      element('entries').querySelector('tbody')!.replaceChildren(...rows)
    } catch (error) {
      verdict.textContent = t.t('admin_log_failed', { problem: (error as Error).message })
      verdict.className = 'verdict bad'
    }
    say('')
  })
})

requireWebAssembly([...document.querySelectorAll<HTMLButtonElement>('#sign-in-form button')])
markReady()
