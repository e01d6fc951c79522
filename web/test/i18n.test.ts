import { describe, expect, it } from 'vitest'
import { isRightToLeft, loadTranslator, pickLanguage } from '../src/i18n/i18n'

describe('pickLanguage', () => {
  it('prefers ?lang=, then the browser, then English, as the server does', () => {
    expect(pickLanguage('ar', ['fr'])).toBe('ar')
    expect(pickLanguage('xx', ['de-DE', 'es-MX', 'en'])).toBe('es')
    expect(pickLanguage(null, ['FR-ca'])).toBe('fr')
    expect(pickLanguage(null, ['de', 'it'])).toBe('en')
    expect(pickLanguage('', [])).toBe('en')
    expect(pickLanguage('../etc', [])).toBe('en')
  })

  it('writes Arabic right to left only', () => {
    expect(isRightToLeft('ar')).toBe(true)
    expect(['en', 'fr', 'es'].some((l) => isRightToLeft(l as 'en'))).toBe(false)
  })
})

describe('Translator', () => {
  it('formats compiled messages with their arguments in each language', async () => {
    const fr = await loadTranslator('fr')
    expect(fr.t('error_code', { code: 'storage_full' })).toBe("Code d'erreur : storage_full")
    const ar = await loadTranslator('ar')
    expect(ar.t('done_stored', { index: 7 })).toContain('7')
    expect(ar.t('submit')).toBe('أرسل البلاغ بأمان')
    expect(ar.t('no_such_key')).toBe('no_such_key')
  })
})
