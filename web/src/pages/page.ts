// What every page does first: pick the language, load its messages, fill the page, set the
// direction, draw the language switcher and keep ?lang= on the links between pages.
import '../styles/main.css'
import { renderLanguageSwitcher } from '../components/language-switcher'
import { isRightToLeft, loadTranslator, pickLanguage, type Translator } from '../i18n/i18n'

export async function startPage(): Promise<Translator> {
  const query = new URLSearchParams(location.search).get('lang')
  const lang = pickLanguage(query, navigator.languages ?? [])
  const t = await loadTranslator(lang)
  document.documentElement.lang = lang
  document.documentElement.dir = isRightToLeft(lang) ? 'rtl' : 'ltr'
  t.apply(document)
  const nav = document.getElementById('languages')
  if (nav) renderLanguageSwitcher(nav, lang)
  for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-keep-lang]')) {
    const url = new URL(link.href)
    url.searchParams.set('lang', lang)
    link.href = url.pathname + url.search
  }
  return t
}

// Marks the page usable (the end-to-end tests and `make bench` wait for this).
export function markReady(): void {
  document.documentElement.dataset.ready = 'true'
  performance.mark('vigil-ready')
}

export function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`missing #${id}`)
  return el as T
}

// Argon2id runs as WebAssembly, which some browsers block (Tor Browser at its "Safer" level).
// Without it the page cannot encrypt: it says so, offers the no-JavaScript form and disables
// `controls`. Returns whether WebAssembly is there.
export function requireWebAssembly(controls: readonly HTMLElement[]): boolean {
  if (typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function') return true
  const notice = document.getElementById('wasm-notice')
  if (notice) notice.hidden = false
  for (const control of controls) control.setAttribute('disabled', '')
  return false
}
