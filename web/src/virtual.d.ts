// Modules made at build time by vite-plugins.ts.
declare module 'virtual:messages/names' {
  const names: Record<string, string>
  export default names
}
declare module 'virtual:messages/*' {
  const messages: Record<string, (args?: Record<string, unknown>) => string>
  export default messages
}
declare module 'virtual:eff-wordlist' {
  // The 7776 words, separated by single spaces.
  const words: string
  export default words
}
declare module 'virtual:iso3166' {
  // ISO 3166-1 alpha-3 code -> [alpha-2 code, numeric code as three digits].
  const codes: Record<string, [string, string]>
  export default codes
}
