// Build-time plugins of the web client, each small enough to read at once:
// - messages: the ICU MessageFormat catalogues of messages/ (shared with the server's
//   no-JavaScript pages) compiled into one small module per language, checked for equal keys;
// - wordlist: the EFF large word list (data/wordlists/) as a module of words alone;
// - noscript: the no-JavaScript link of every page (the staff app: what it needs), in every
//   language, from the catalogues;
// - gzip: a .gz beside every built file, which vigild sends to browsers that accept gzip.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import MessageFormat from '@messageformat/core'
import compileModule from '@messageformat/core/lib/compile-module.js'
import type { Plugin } from 'vite'

const here = import.meta.dirname
const messagesDir = resolve(here, 'messages')
const wordListFile = resolve(here, '../data/wordlists/eff_large_wordlist.txt')

type Catalogue = Record<string, string>

export function readCatalogues(): Map<string, Catalogue> {
  const out = new Map<string, Catalogue>()
  for (const name of readdirSync(messagesDir).filter((f) => f.endsWith('.json')).sort()) {
    out.set(name.replace(/\.json$/, ''), JSON.parse(readFileSync(join(messagesDir, name), 'utf8')))
  }
  return out
}

// "<lang>: <key>" for each key that one catalogue has and another lacks (as pages_test.cc).
export function catalogueProblems(catalogues: Map<string, Catalogue>): string[] {
  const english = catalogues.get('en') ?? {}
  const problems: string[] = []
  for (const [lang, catalogue] of catalogues) {
    for (const key of Object.keys(english)) if (!(key in catalogue)) problems.push(`${lang}: missing ${key}`)
    for (const key of Object.keys(catalogue)) if (!(key in english)) problems.push(`${lang}: extra ${key}`)
  }
  return problems
}

const virtualPrefix = 'virtual:messages/'

export function messages(): Plugin {
  return {
    name: 'vigil-messages',
    resolveId(id) {
      return id.startsWith(virtualPrefix) ? '\0' + id : null
    },
    load(id) {
      if (!id.startsWith('\0' + virtualPrefix)) return null
      const catalogues = readCatalogues()
      const problems = catalogueProblems(catalogues)
      if (problems.length > 0) throw new Error('message catalogues differ:\n' + problems.join('\n'))
      for (const name of readdirSync(messagesDir)) this.addWatchFile(join(messagesDir, name))
      const lang = id.slice(1 + virtualPrefix.length)
      if (lang === 'names') {
        const names = Object.fromEntries([...catalogues].map(([l, c]) => [l, c.lang_name]))
        return `export default ${JSON.stringify(names)}`
      }
      const catalogue = catalogues.get(lang)
      if (!catalogue) throw new Error(`no message catalogue for ${lang}`)
      // Compiling here also checks the ICU syntax of every message: a broken one fails the build.
      return compileModule(new MessageFormat(lang), catalogue)
    },
  }
}

export function wordlist(): Plugin {
  const id = 'virtual:eff-wordlist'
  return {
    name: 'vigil-wordlist',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load(loaded) {
      if (loaded !== '\0' + id) return null
      this.addWatchFile(wordListFile)
      const words = readFileSync(wordListFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.split('\t')[1].trim())
      if (words.length !== 7776) throw new Error(`the EFF large word list has ${words.length} words, not 7776`)
      return `export default ${JSON.stringify(words.join(' '))}`
    },
  }
}

// Replaces <!--noscript-links--> with a link to the no-JavaScript form per language.
export function noscript(): Plugin {
  return {
    name: 'vigil-noscript',
    transformIndexHtml(html) {
      const escape = (s: string) =>
        s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
      const links = [...readCatalogues()]
        .map(
          ([lang, c]) =>
            `<p lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">${escape(c.noscript_text)} ` +
            `<a href="/nojs/report?lang=${lang}">${escape(c.noscript_link)}</a></p>`,
        )
        .join('\n')
      // The staff app has no form without JavaScript: it says what it needs, in every language.
      const staff = [...readCatalogues()]
        .map(([lang, c]) => `<p lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">${escape(c.staff_noscript ?? '')}</p>`)
        .join('\n')
      return html.replace('<!--noscript-links-->', links).replace('<!--noscript-staff-->', staff)
    },
  }
}

export function gzip(): Plugin {
  let outDir = ''
  return {
    name: 'vigil-gzip',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      const visit = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name)
          if (entry.isDirectory()) visit(path)
          else if (!entry.name.endsWith('.gz')) writeFileSync(path + '.gz', gzipSync(readFileSync(path), { level: 9 }))
        }
      }
      visit(outDir)
    },
  }
}
