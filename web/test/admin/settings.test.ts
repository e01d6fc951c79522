// The settings form's checks agree with the server's rules (src/settings/settings.cc): integer
// bounds, text length in characters, lines, control and direction characters; only changed
// values are sent; every setting the form shows has its label and help in every language.
import { describe, expect, it } from 'vitest'
import type { Setting } from '../../src/admin/api'
import { changedValues, checkSetting, SETTING_GROUPS, SETTING_KEYS } from '../../src/admin/settings'
import { readCatalogues } from '../../vite-plugins'

const idle: Setting = { key: 'session_idle_minutes', type: 'integer', value: 30, default: 30, source: 'file', min: 1, max: 1440, unit: 'minutes' }
const name: Setting = { key: 'organisation_name', type: 'text', value: '', default: '', source: 'file', max_length: 120, max_lines: 1 }
const contact: Setting = { key: 'reporter_contact', type: 'text', value: '', default: '', source: 'file', max_length: 600, max_lines: 8 }
const open: Setting = { key: 'log_entries_public', type: 'boolean', value: false, default: false, source: 'file' }

describe('settings form', () => {
  it('keeps integers within their bounds', () => {
    expect(checkSetting(idle, ' 10 ')).toEqual({ value: 10 })
    expect(checkSetting(idle, '1440')).toEqual({ value: 1440 })
    for (const bad of ['0', '1441', '-5', '1.5', '', 'ten', '1e3'])
      expect(checkSetting(idle, bad)).toEqual({ problem: { key: 'settings_invalid_range', args: { min: 1, max: 1440 } } })
  })

  it('counts characters, not bytes, and refuses controls and direction overrides', () => {
    expect(checkSetting(name, 'é'.repeat(120))).toEqual({ value: 'é'.repeat(120) })
    expect(checkSetting(name, 'x'.repeat(121))).toEqual({ problem: { key: 'settings_invalid_length', args: { max: 120 } } })
    expect(checkSetting(name, 'منظمة الحماية')).toEqual({ value: 'منظمة الحماية' })
    expect(checkSetting(name, 'a\nb')).toEqual({ problem: { key: 'settings_invalid_one_line', args: {} } })
    expect(checkSetting(name, 'evil\u202egnp')).toEqual({ problem: { key: 'settings_invalid_characters', args: {} } })
    expect(checkSetting(name, 'tab\there')).toEqual({ problem: { key: 'settings_invalid_characters', args: {} } })
    expect(checkSetting(contact, 'Signal: +1 555\r\nmail@example.org')).toEqual({ value: 'Signal: +1 555\nmail@example.org' })
    expect(checkSetting(contact, '1\n2\n3\n4\n5\n6\n7\n8\n9')).toEqual({ problem: { key: 'settings_invalid_lines', args: { max: 8 } } })
  })

  it('sends only what changed, and nothing when a value is wrong', () => {
    const settings = [idle, name, open]
    expect(changedValues(settings, new Map<string, string | boolean>([['session_idle_minutes', '30'], ['organisation_name', 'Témoins'], ['log_entries_public', true]])))
      .toEqual({ values: { organisation_name: 'Témoins', log_entries_public: true }, problems: new Map() })
    const wrong = changedValues(settings, new Map<string, string | boolean>([['session_idle_minutes', '0'], ['organisation_name', 'Témoins']]))
    expect([...wrong.problems.keys()]).toEqual(['session_idle_minutes'])
  })

  it('has a label and a help text for every setting in every language', () => {
    expect(SETTING_KEYS).toHaveLength(10)
    for (const [lang, catalogue] of readCatalogues()) {
      for (const key of SETTING_KEYS) {
        expect(catalogue[`settings_label_${key}`], `${lang} ${key}`).toBeTruthy()
        expect(catalogue[`settings_help_${key}`], `${lang} ${key}`).toBeTruthy()
      }
      for (const group of Object.keys(SETTING_GROUPS)) expect(catalogue[`settings_group_${group}`], `${lang} ${group}`).toBeTruthy()
      for (const unit of ['bytes', 'hours', 'minutes']) expect(catalogue[`settings_unit_${unit}`]).toBeTruthy()
    }
  })
})
