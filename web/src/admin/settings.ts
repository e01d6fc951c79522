// The instance settings form without DOM: what an input's text means for a setting, checked by
// the same rules as the server (src/settings/settings.cc), so that the administrator sees every
// problem at once, in their language, before anything is sent.
import type { Setting } from './api'

export type SettingInput = string | boolean

// The settings the form shows, in groups (each a fieldset), as the server names them. A key the
// server sends that is not here is not shown: this page knows how to explain these only.
export const SETTING_GROUPS: Record<string, readonly string[]> = {
  reporters: ['organisation_name', 'reporter_contact'],
  uploads: ['max_upload_bytes', 'upload_expiry_hours'],
  sign_in: ['session_idle_minutes', 'session_hours', 'max_failed_logins', 'login_lockout_minutes'],
  transparency: ['log_entries_public', 'statistics_min_cell'],
}
export const SETTING_KEYS: readonly string[] = Object.values(SETTING_GROUPS).flat()

// A problem as a catalogue key and its arguments.
export interface SettingProblem {
  key: string
  args: Record<string, string | number>
}

export type Checked = { value: number | boolean | string } | { problem: SettingProblem }

// Bidirectional embedding, override and isolate controls, and line or paragraph separators:
// refused, as on the server (a name could read as another).
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u

export function checkSetting(setting: Setting, input: SettingInput): Checked {
  if (setting.type === 'boolean') return { value: input === true }
  const text = typeof input === 'string' ? input : ''
  if (setting.type === 'integer') {
    const trimmed = text.trim()
    const min = setting.min ?? 0
    const max = setting.max ?? Number.MAX_SAFE_INTEGER
    if (!/^[0-9]{1,16}$/.test(trimmed)) return { problem: { key: 'settings_invalid_range', args: { min, max } } }
    const value = Number(trimmed)
    if (value < min || value > max) return { problem: { key: 'settings_invalid_range', args: { min, max } } }
    return { value }
  }
  const value = text.replace(/\r\n?/g, '\n')
  if (FORBIDDEN.test(value)) return { problem: { key: 'settings_invalid_characters', args: {} } }
  const maxLines = setting.max_lines ?? 1
  if (maxLines === 1 && value.includes('\n')) return { problem: { key: 'settings_invalid_one_line', args: {} } }
  if (value.split('\n').length > maxLines) return { problem: { key: 'settings_invalid_lines', args: { max: maxLines } } }
  const maxLength = setting.max_length ?? 0
  // Characters as the server counts them: code points, line feeds included.
  if ([...value].length > maxLength) return { problem: { key: 'settings_invalid_length', args: { max: maxLength } } }
  return { value }
}

// The values of `inputs` that differ from the settings' current values, or the problems found
// (by setting key). Nothing is to be sent when there is a problem.
export function changedValues(
  settings: readonly Setting[],
  inputs: ReadonlyMap<string, SettingInput>,
): { values: Record<string, number | boolean | string>; problems: Map<string, SettingProblem> } {
  const values: Record<string, number | boolean | string> = {}
  const problems = new Map<string, SettingProblem>()
  for (const setting of settings) {
    const input = inputs.get(setting.key)
    if (input === undefined) continue
    const checked = checkSetting(setting, input)
    if ('problem' in checked) problems.set(setting.key, checked.problem)
    else if (checked.value !== setting.value) values[setting.key] = checked.value
  }
  return { values, problems }
}

// The text an input starts with for a value.
export function inputText(value: number | boolean | string): SettingInput {
  return typeof value === 'boolean' ? value : String(value)
}
