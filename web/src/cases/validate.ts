// Strict validation of decrypted case and identities documents (docs/formats/cases.md): every
// field known, of its type, within its limit, every id from the taxonomy, every reference inside
// the document resolved. Each problem names the field's path, as `incidents[0].place.country`.
import {
  ACTION_STATUSES,
  CASE_FORMAT,
  CASE_STATUSES,
  DATE_PRECISIONS,
  IDENTITIES_FORMAT,
  LIMITS,
  LINK_KINDS,
  PLACE_PRECISIONS,
  RISK_MATRIX,
  timeOf,
  type CaseDocument,
  type IdentitiesDocument,
} from './model'
import { BASE_TAXONOMY, hasId, type ListName, type Taxonomy } from './taxonomy'

export interface Problem {
  path: string
  message: string
}

export type Validated<T> = { ok: true; value: T } | { ok: false, problems: Problem[] }

const MAX_PROBLEMS = 50
const HEX32 = /^[0-9a-f]{32}$/
const HEX64 = /^[0-9a-f]{64}$/
const LOCAL_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const MONTH = /^(\d{4})-(\d{2})$/
const YEAR = /^(\d{4})$/
const COUNTRY = /^[A-Z]{3}$/
// Control characters other than tab and line feed (single-line fields refuse those too).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/
const LINE_BREAK = /[\t\n]/

type Json = Record<string, unknown>

class Checker {
  problems: Problem[] = []
  constructor(readonly taxonomy: Taxonomy) {}

  fail(path: string, message: string): false {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ path, message })
    return false
  }

  // An object with exactly the `required` keys and any of the `optional` ones.
  object(v: unknown, path: string, required: string[], optional: string[] = []): v is Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, 'must be an object')
    let ok = true
    for (const key of Object.keys(v))
      if (!required.includes(key) && !optional.includes(key)) ok = this.fail(join(path, key), 'unknown field')
    for (const key of required) if (!(key in v)) ok = this.fail(join(path, key), 'is required')
    return ok
  }

  list(v: unknown, path: string, min: number, max: number): v is unknown[] {
    if (!Array.isArray(v)) return this.fail(path, 'must be a list')
    if (v.length < min || v.length > max) return this.fail(path, `must have ${min} to ${max} entries`)
    return true
  }

  text(v: unknown, path: string, max: number, multiline = false, min = 1): v is string {
    if (typeof v !== 'string') return this.fail(path, 'must be a string')
    if (!within(v, min, max)) return this.fail(path, `must be ${min} to ${max} characters`)
    if (min > 0 && v.trim() === '') return this.fail(path, 'must not be blank')
    if (CONTROL.test(v) || (!multiline && LINE_BREAK.test(v)))
      return this.fail(path, multiline ? 'holds a control character' : 'must be a single line')
    return true
  }

  optionalText(o: Json, key: string, path: string, max: number, multiline = false): void {
    if (key in o) this.text(o[key], join(path, key), max, multiline)
  }

  pattern(v: unknown, path: string, re: RegExp, what: string): v is string {
    if (typeof v !== 'string' || !re.test(v)) return this.fail(path, `must be ${what}`)
    return true
  }

  oneOf(v: unknown, path: string, values: readonly string[]): v is string {
    if (typeof v !== 'string' || !values.includes(v)) return this.fail(path, `must be one of ${values.join(', ')}`)
    return true
  }

  taxonomyId(v: unknown, path: string, list: ListName): v is string {
    if (typeof v !== 'string' || !hasId(this.taxonomy, list, v)) return this.fail(path, `must be an id of the taxonomy's ${list}`)
    return true
  }

  integer(v: unknown, path: string, min: number, max: number): v is number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      return this.fail(path, `must be an integer from ${min} to ${max}`)
    return true
  }

  timestamp(v: unknown, path: string): v is string {
    const m = typeof v === 'string' ? TIMESTAMP.exec(v) : null
    if (!m || !validDay(+m[1], +m[2], +m[3]) || +m[4] > 23 || +m[5] > 59 || +m[6] > 59)
      return this.fail(path, 'must be a UTC time as 2026-03-14T09:30:00Z')
    return true
  }

  day(v: unknown, path: string): v is string {
    const m = typeof v === 'string' ? DAY.exec(v) : null
    if (!m || !validDay(+m[1], +m[2], +m[3])) return this.fail(path, 'must be a date as 2026-03-14')
    return true
  }

  partialDate(v: unknown, path: string): void {
    if (!this.object(v, path, ['precision', 'start'], ['end'])) return
    if (!this.oneOf(v.precision, join(path, 'precision'), DATE_PRECISIONS)) return
    const precision = v.precision
    const check = (value: unknown, p: string): boolean => {
      const s = typeof value === 'string' ? value : ''
      const ok =
        precision === 'day'
          ? DAY.test(s) && validDay(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10))
          : precision === 'month'
            ? MONTH.test(s) && +s.slice(5, 7) >= 1 && +s.slice(5, 7) <= 12 && validYear(+s.slice(0, 4))
            : YEAR.test(s) && validYear(+s)
      const example = { day: '2026-03-14', month: '2026-03', year: '2026' }[precision]
      return ok || this.fail(p, `must be a date at the precision ${precision}, as ${example}`)
    }
    const startOk = check(v.start, join(path, 'start'))
    if ('end' in v && check(v.end, join(path, 'end')) && startOk && (v.end as string) < (v.start as string))
      this.fail(join(path, 'end'), 'must not be before start')
  }

  uniqueIds(items: unknown[], path: string): Set<string> {
    const ids = new Set<string>()
    items.forEach((item, i) => {
      const id = (item as Json | null)?.id
      if (!this.pattern(id, `${path}[${i}].id`, LOCAL_ID, 'a short id (a-z, 0-9, _ and -, at most 32)')) return
      if (ids.has(id)) this.fail(`${path}[${i}].id`, `${id} is used twice`)
      ids.add(id)
    })
    return ids
  }

  // A revision header shared by both documents.
  header(o: Json): void {
    this.pattern(o.case_id, 'case_id', HEX32, '32 lowercase hex digits')
    if (this.integer(o.revision, 'revision', 1, 1_000_000)) {
      if (o.revision === 1 && o.previous_sha256 !== null) this.fail('previous_sha256', 'must be null in revision 1')
      if (o.revision !== 1) this.pattern(o.previous_sha256, 'previous_sha256', HEX64, '64 lowercase hex digits')
    }
    this.timestamp(o.created_at, 'created_at')
    this.pattern(o.author, 'author', HEX32, 'an account id (32 lowercase hex digits)')
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

function validYear(y: number): boolean {
  return y >= 1900 && y <= 2200
}

function validDay(y: number, m: number, d: number): boolean {
  if (!validYear(y) || m < 1 || m > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}

const CASE_KEYS = [
  'format',
  'case_id',
  'revision',
  'previous_sha256',
  'created_at',
  'author',
  'title',
  'status',
  'assignee',
  'incidents',
  'persons',
  'risk_assessments',
  'actions',
  'consents',
  'notes',
  'links',
]

function checkCase(c: Checker, v: unknown): void {
  if (!c.object(v, '', CASE_KEYS, ['identities'])) return
  if (v.format !== CASE_FORMAT) c.fail('format', `must be ${CASE_FORMAT}`)
  c.header(v)
  if ('identities' in v && c.pattern(v.identities, 'identities', HEX32, '32 lowercase hex digits') && v.identities === v.case_id)
    c.fail('identities', 'must not be the case id')
  c.text(v.title, 'title', LIMITS.title)
  c.oneOf(v.status, 'status', CASE_STATUSES)
  if (v.assignee !== null) c.pattern(v.assignee, 'assignee', HEX32, 'null or an account id (32 lowercase hex digits)')

  let persons = new Set<string>()
  if (c.list(v.persons, 'persons', 0, LIMITS.persons)) {
    persons = c.uniqueIds(v.persons, 'persons')
    v.persons.forEach((p, i) => {
      const path = `persons[${i}]`
      if (!c.object(p, path, ['id', 'pseudonym', 'court_links'])) return
      c.text(p.pseudonym, join(path, 'pseudonym'), LIMITS.pseudonym)
      if (!c.list(p.court_links, join(path, 'court_links'), 0, LIMITS.courtLinksPerPerson)) return
      p.court_links.forEach((l, j) => {
        const lp = `${path}.court_links[${j}]`
        if (!c.object(l, lp, ['role'], ['role_other', 'interaction', 'date'])) return
        if (c.taxonomyId(l.role, join(lp, 'role'), 'court_roles') && 'role_other' in l) {
          if (l.role !== 'other') c.fail(join(lp, 'role_other'), 'only with role other')
          else c.text(l.role_other, join(lp, 'role_other'), LIMITS.other)
        }
        c.optionalText(l, 'interaction', lp, LIMITS.shortText, true)
        if ('date' in l) c.partialDate(l.date, join(lp, 'date'))
      })
    })
  }

  if (c.list(v.incidents, 'incidents', 0, LIMITS.incidents)) {
    c.uniqueIds(v.incidents, 'incidents')
    v.incidents.forEach((inc, i) => {
      const path = `incidents[${i}]`
      if (!c.object(inc, path, ['id', 'date', 'types', 'perpetrator', 'victims'], ['place', 'description'])) return
      c.partialDate(inc.date, join(path, 'date'))
      if ('place' in inc) checkPlace(c, inc.place, join(path, 'place'))
      if (c.list(inc.types, join(path, 'types'), 1, LIMITS.typesPerIncident)) {
        const seen = new Set<unknown>()
        inc.types.forEach((t, j) => {
          if (c.taxonomyId(t, `${path}.types[${j}]`, 'incident_types') && seen.has(t))
            c.fail(`${path}.types[${j}]`, `${t} is listed twice`)
          seen.add(t)
        })
      }
      const pp = join(path, 'perpetrator')
      if (c.object(inc.perpetrator, pp, ['type'], ['description'])) {
        c.taxonomyId(inc.perpetrator.type, join(pp, 'type'), 'perpetrator_types')
        c.optionalText(inc.perpetrator, 'description', pp, LIMITS.shortText, true)
      }
      if (c.list(inc.victims, join(path, 'victims'), 0, LIMITS.victimsPerIncident)) {
        inc.victims.forEach((p, j) => {
          if (typeof p !== 'string' || !persons.has(p)) c.fail(`${path}.victims[${j}]`, 'must name a person of this case')
        })
      }
      c.optionalText(inc, 'description', path, LIMITS.longText, true)
    })
  }

  if (c.list(v.risk_assessments, 'risk_assessments', 0, LIMITS.riskAssessments)) {
    c.uniqueIds(v.risk_assessments, 'risk_assessments')
    v.risk_assessments.forEach((a, i) => {
      const path = `risk_assessments[${i}]`
      if (!c.object(a, path, ['id', 'likelihood', 'impact', 'level', 'rationale', 'date', 'assessor'])) return
      const l = c.integer(a.likelihood, join(path, 'likelihood'), 1, 5)
      const m = c.integer(a.impact, join(path, 'impact'), 1, 5)
      if (l && m) {
        const level = RISK_MATRIX[(a.likelihood as number) - 1][(a.impact as number) - 1]
        if (a.level !== level) c.fail(join(path, 'level'), `must be ${level}, from likelihood and impact (the risk matrix)`)
      }
      c.text(a.rationale, join(path, 'rationale'), LIMITS.longText, true, 0)
      c.timestamp(a.date, join(path, 'date'))
      c.pattern(a.assessor, join(path, 'assessor'), HEX32, 'an account id (32 lowercase hex digits)')
    })
  }

  if (c.list(v.actions, 'actions', 0, LIMITS.actions)) {
    c.uniqueIds(v.actions, 'actions')
    v.actions.forEach((a, i) => {
      const path = `actions[${i}]`
      if (!c.object(a, path, ['id', 'type', 'status'], ['type_other', 'description', 'owner', 'due', 'outcome'])) return
      if (c.taxonomyId(a.type, join(path, 'type'), 'response_types') && 'type_other' in a) {
        if (a.type !== 'other') c.fail(join(path, 'type_other'), 'only with type other')
        else c.text(a.type_other, join(path, 'type_other'), LIMITS.other)
      }
      c.optionalText(a, 'description', path, LIMITS.shortText, true)
      if ('owner' in a) c.pattern(a.owner, join(path, 'owner'), HEX32, 'an account id (32 lowercase hex digits)')
      if ('due' in a) c.day(a.due, join(path, 'due'))
      c.oneOf(a.status, join(path, 'status'), ACTION_STATUSES)
      c.optionalText(a, 'outcome', path, LIMITS.longText, true)
    })
  }

  if (c.list(v.consents, 'consents', 0, LIMITS.consents)) {
    c.uniqueIds(v.consents, 'consents')
    v.consents.forEach((r, i) => {
      const path = `consents[${i}]`
      if (!c.object(r, path, ['id', 'person', 'scope', 'recipient', 'given'], ['recipient_other', 'expires', 'revoked', 'note']))
        return
      if (typeof r.person !== 'string' || !persons.has(r.person)) c.fail(join(path, 'person'), 'must name a person of this case')
      if (c.list(r.scope, join(path, 'scope'), 1, LIMITS.scopeItems)) {
        const seen = new Set<unknown>()
        r.scope.forEach((s, j) => {
          if (c.taxonomyId(s, `${path}.scope[${j}]`, 'consent_scopes') && seen.has(s))
            c.fail(`${path}.scope[${j}]`, `${s} is listed twice`)
          seen.add(s)
        })
      }
      if (c.taxonomyId(r.recipient, join(path, 'recipient'), 'consent_recipients')) {
        if (r.recipient === 'other' && !('recipient_other' in r)) c.fail(join(path, 'recipient_other'), 'is required with recipient other')
        if ('recipient_other' in r) {
          if (r.recipient !== 'other') c.fail(join(path, 'recipient_other'), 'only with recipient other')
          else c.text(r.recipient_other, join(path, 'recipient_other'), LIMITS.other)
        }
      }
      const given = c.timestamp(r.given, join(path, 'given'))
      if ('expires' in r && c.timestamp(r.expires, join(path, 'expires')) && given && timeOf(r.expires) <= timeOf(r.given as string))
        c.fail(join(path, 'expires'), 'must be after given')
      if ('revoked' in r && c.timestamp(r.revoked, join(path, 'revoked')) && given && timeOf(r.revoked) < timeOf(r.given as string))
        c.fail(join(path, 'revoked'), 'must not be before given')
      c.optionalText(r, 'note', path, LIMITS.shortText, true)
    })
  }

  if (c.list(v.notes, 'notes', 0, LIMITS.notes)) {
    c.uniqueIds(v.notes, 'notes')
    v.notes.forEach((n, i) => {
      const path = `notes[${i}]`
      if (!c.object(n, path, ['id', 'at', 'author', 'text'])) return
      c.timestamp(n.at, join(path, 'at'))
      c.pattern(n.author, join(path, 'author'), HEX32, 'an account id (32 lowercase hex digits)')
      c.text(n.text, join(path, 'text'), LIMITS.noteText, true)
    })
  }

  if (c.list(v.links, 'links', 0, LIMITS.links)) {
    v.links.forEach((l, i) => {
      const path = `links[${i}]`
      if (!c.object(l, path, ['kind', 'report'], ['message', 'attachment', 'note'])) return
      if (!c.oneOf(l.kind, join(path, 'kind'), LINK_KINDS)) return
      c.pattern(l.report, join(path, 'report'), HEX32, 'a report id (32 lowercase hex digits)')
      for (const key of ['message', 'attachment'] as const) {
        if (l.kind === key) c.pattern(l[key], join(path, key), HEX32, `a ${key} id (32 lowercase hex digits)`)
        else if (key in l) c.fail(join(path, key), `only with kind ${key}`)
      }
      c.optionalText(l, 'note', path, LIMITS.linkNote)
    })
  }
}

function checkPlace(c: Checker, v: unknown, path: string): void {
  if (!c.object(v, path, ['precision', 'country'], ['region', 'city', 'exact'])) return
  c.pattern(v.country, join(path, 'country'), COUNTRY, 'an ISO 3166-1 alpha-3 code, as COD')
  if (!c.oneOf(v.precision, join(path, 'precision'), PLACE_PRECISIONS)) return
  // Nothing finer than the precision chosen; the finest level it names is required.
  const rank = PLACE_PRECISIONS.indexOf(v.precision as (typeof PLACE_PRECISIONS)[number])
  for (const [i, key] of (['region', 'city', 'exact'] as const).entries()) {
    const p = join(path, key)
    if (i + 1 > rank) {
      if (key in v) c.fail(p, `is finer than the precision ${v.precision}`)
    } else if (key in v) {
      c.text(v[key], p, LIMITS.placeName)
    } else if (i + 1 === rank) {
      c.fail(p, `is required at the precision ${v.precision}`)
    }
  }
}

// Whether `v` has `min` to `max` characters (code points). A string of n UTF-16 units has
// between n/2 and n code points, so most strings are settled without counting them.
function within(v: string, min: number, max: number): boolean {
  if (v.length <= max && Math.ceil(v.length / 2) >= min) return true
  let count = 0
  for (let i = 0; i < v.length; i++, count++) if (pairAt(v, i)) i++
  return count >= min && count <= max
}

// Whether a high surrogate followed by a low one (one character) starts at `i`.
function pairAt(text: string, i: number): boolean {
  return (text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
}

// The UTF-8 size of `text`: UTF-16 units count 1 to 3 bytes (a surrogate pair, 4 in all).
function byteLength(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (pairAt(text, i)) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

function run<T>(taxonomy: Taxonomy, value: unknown, check: (c: Checker, v: unknown) => void): Validated<T> {
  const c = new Checker(taxonomy)
  check(c, value)
  return c.problems.length === 0 ? { ok: true, value: value as T } : { ok: false, problems: c.problems }
}

// Validates a decrypted case document (a parsed JSON value).
export function validateCase(value: unknown, taxonomy: Taxonomy = BASE_TAXONOMY): Validated<CaseDocument> {
  return run<CaseDocument>(taxonomy, value, checkCase)
}

// Parses and validates the plaintext of a case revision, its size included.
export function parseCase(text: string, taxonomy: Taxonomy = BASE_TAXONOMY): Validated<CaseDocument> {
  if (byteLength(text) > LIMITS.documentBytes)
    return { ok: false, problems: [{ path: '', message: `larger than ${LIMITS.documentBytes} bytes` }] }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, problems: [{ path: '', message: 'not JSON' }] }
  }
  return validateCase(value, taxonomy)
}

function checkIdentities(c: Checker, v: unknown): void {
  if (!c.object(v, '', ['format', 'case_id', 'revision', 'previous_sha256', 'created_at', 'author', 'persons'])) return
  if (v.format !== IDENTITIES_FORMAT) c.fail('format', `must be ${IDENTITIES_FORMAT}`)
  c.header(v)
  if (!c.list(v.persons, 'persons', 0, LIMITS.identities)) return
  c.uniqueIds(v.persons, 'persons')
  v.persons.forEach((p, i) => {
    const path = `persons[${i}]`
    if (!c.object(p, path, ['id', 'name'], ['other_names', 'contact', 'notes'])) return
    c.text(p.name, join(path, 'name'), LIMITS.name)
    if ('other_names' in p && c.list(p.other_names, join(path, 'other_names'), 0, LIMITS.otherNames))
      p.other_names.forEach((n, j) => c.text(n, `${path}.other_names[${j}]`, LIMITS.name))
    c.optionalText(p, 'contact', path, LIMITS.contact, true)
    c.optionalText(p, 'notes', path, LIMITS.identityNotes, true)
  })
}

// Validates a decrypted identities document; with `caseDoc`, also that it belongs to that case
// and names only its persons.
export function validateIdentities(value: unknown, caseDoc?: CaseDocument): Validated<IdentitiesDocument> {
  return run<IdentitiesDocument>(BASE_TAXONOMY, value, (c, v) => {
    checkIdentities(c, v)
    if (!caseDoc || c.problems.length > 0) return
    const doc = v as IdentitiesDocument
    if (doc.case_id !== caseDoc.case_id) c.fail('case_id', 'is not the case of the case document')
    const persons = new Set(caseDoc.persons.map((p) => p.id))
    doc.persons.forEach((p, i) => {
      if (!persons.has(p.id)) c.fail(`persons[${i}].id`, 'must name a person of the case document')
    })
  })
}
