// Links to the same page in each language (?lang=), the current one marked, as the server's
// no-JavaScript pages do. A plain link reloads the page: nothing is stored on the device.
import { LANGUAGES, languageName, type Language } from '../i18n/i18n'

export function renderLanguageSwitcher(nav: HTMLElement, current: Language): void {
  const list = document.createElement('ul')
  list.className = 'languages'
  for (const lang of LANGUAGES) {
    const item = document.createElement('li')
    const link = document.createElement('a')
    const url = new URL(location.href)
    url.searchParams.set('lang', lang)
    link.href = url.pathname + url.search
    link.lang = lang
    link.hreflang = lang
    link.textContent = languageName(lang)
    if (lang === current) link.setAttribute('aria-current', 'page')
    item.append(link)
    list.append(item)
  }
  nav.replaceChildren(list)
}
