// Languages of the client: which one a page uses, its compiled message catalogue (from
// messages/, shared with the server's no-JavaScript pages), and filling a page's text.
// Adding a language is adding messages/<lang>.json and a loader line below.
import languageNames from 'virtual:messages/names'

export const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const
export type Language = (typeof LANGUAGES)[number]
type MessageFunctions = Record<string, (args?: Record<string, unknown>) => string>

const loaders: Record<Language, () => Promise<{ default: MessageFunctions }>> = {
  en: () => import('virtual:messages/en'),
  fr: () => import('virtual:messages/fr'),
  es: () => import('virtual:messages/es'),
  ar: () => import('virtual:messages/ar'),
}

export function isLanguage(code: string | null | undefined): code is Language {
  return (LANGUAGES as readonly string[]).includes(code ?? '')
}

// As the server picks (src/pages/pages.h): ?lang= when supported, else the first supported
// language the browser prefers, else English.
export function pickLanguage(query: string | null, preferred: readonly string[]): Language {
  if (isLanguage(query)) return query
  for (const tag of preferred) {
    const primary = tag.split('-')[0].toLowerCase()
    if (isLanguage(primary)) return primary
  }
  return 'en'
}

export function isRightToLeft(lang: Language): boolean {
  return lang === 'ar'
}

export class Translator {
  constructor(
    readonly lang: Language,
    private readonly messages: MessageFunctions,
  ) {}

  // The message `key` with its arguments; the key itself when the catalogue lacks it (a test
  // fails on that: every key used by a page is in every catalogue).
  t(key: string, args: Record<string, unknown> = {}): string {
    const message = this.messages[key]
    return message ? message(args) : key
  }

  // Fills the text of every element with data-i18n="key", and the attributes named by
  // data-i18n-attr="attribute:key[,attribute:key]", under `root`.
  apply(root: ParentNode): void {
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
      el.textContent = this.t(el.dataset.i18n ?? '')
    }
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
      for (const pair of (el.dataset.i18nAttr ?? '').split(',')) {
        const [attribute, key] = pair.split(':').map((s) => s.trim())
        if (attribute && key) el.setAttribute(attribute, this.t(key))
      }
    }
  }
}

export async function loadTranslator(lang: Language): Promise<Translator> {
  const module = await loaders[lang]()
  return new Translator(lang, module.default)
}

// The native name of each language, for the switcher.
export function languageName(lang: Language): string {
  return languageNames[lang] ?? lang
}
