// Synthetic case documents for tests and benchmarks (the coordinator's list with 10,000 cases):
// deterministic for a seed, valid (validate.ts), spread over types, places, statuses, risks,
// due dates and consents like a busy organisation's year. Invented words only: no real person.
import { CASE_FORMAT, CASE_STATUSES, riskLevel, timestamp, type CaseDocument, type Incident, type PartialDate } from './model'
import { BASE_TAXONOMY, offered, type ListName } from './taxonomy'

// mulberry32: a small seeded generator, enough for test data (not for keys).
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const COUNTRIES = ['COD', 'UGA', 'CAF', 'MLI', 'SDN', 'LBY', 'CIV', 'KEN', 'BDI', 'GEO', 'BGD', 'AFG', 'PSE', 'PHL', 'VEN', 'UKR']
const REGIONS = ['North', 'South', 'East', 'West', 'Centre', 'Coast', 'Highlands', 'Capital district']
const CITIES = ['Alder', 'Birchford', 'Cedarton', 'Dunmere', 'Elmstead', 'Farrow', 'Glenhaven', 'Hollin']
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'su', 'te', 'vo', 'zi', 'na', 'do', 'ri', 'fa']
const PHRASES = [
  'was followed after the hearing',
  'received threats by telephone',
  'bank account closed without notice',
  'a message asked for the testimony to be withdrawn',
  'the family was questioned at home',
  'the laptop showed signs of intrusion',
  'une campagne de dénigrement en ligne',
  'amenazas contra la familia',
  'رسائل تهديد عبر الهاتف',
  'travel documents were seized at the border',
]

export interface SyntheticOptions {
  seed?: number
  now?: Date // the day the data set is "as of"; dates fall in the year before it
}

export function syntheticCases(n: number, options: SyntheticOptions = {}): CaseDocument[] {
  const random = seededRandom(options.seed ?? 1)
  const now = options.now ?? new Date(Date.UTC(2026, 5, 1))
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const hex = (bytes: number) => Array.from({ length: bytes * 2 }, () => '0123456789abcdef'[int(0, 15)]).join('')
  const ids = (list: ListName) => offered(BASE_TAXONOMY, list).map((e) => e.id)
  const incidentTypes = ids('incident_types')
  const perpetrators = ids('perpetrator_types')
  const roles = ids('court_roles')
  const responses = ids('response_types')
  const recipients = ids('consent_recipients').filter((r) => r !== 'other')
  const scopes = ids('consent_scopes')
  const accounts = Array.from({ length: 8 }, () => hex(16))
  const yearMs = 365 * 86_400_000
  const timeIn = (from: number, to: number) => new Date(from + Math.floor(random() * (to - from)))
  const sentence = () => pick(PHRASES) + ' ' + Array.from({ length: int(2, 8) }, () => pick(SYLLABLES) + pick(SYLLABLES)).join(' ')
  const dateOf = (at: Date): PartialDate => {
    const day = at.toISOString().slice(0, 10)
    const r = random()
    if (r < 0.7) return { precision: 'day', start: day }
    if (r < 0.9) return { precision: 'month', start: day.slice(0, 7) }
    return { precision: 'year', start: day.slice(0, 4) }
  }

  const cases: CaseDocument[] = []
  for (let c = 0; c < n; c++) {
    const opened = timeIn(now.getTime() - yearMs, now.getTime() - 86_400_000)
    const persons = Array.from({ length: int(1, 3) }, (_, i) => ({
      id: `p${i + 1}`,
      pseudonym: `${pick(['Witness', 'Person', 'Intermediary', 'Source'])} ${String.fromCharCode(65 + int(0, 25))}${int(1, 99)}`,
      court_links: Array.from({ length: int(0, 2) }, () => ({
        role: pick(roles.filter((r) => r !== 'other')),
        interaction: sentence(),
        date: dateOf(timeIn(opened.getTime() - 2 * yearMs, opened.getTime())),
      })),
    }))
    const incidents: Incident[] = Array.from({ length: int(1, 3) }, (_, i) => {
      const types = [...new Set(Array.from({ length: int(1, 2) }, () => pick(incidentTypes)))]
      const precision = pick(['country', 'region', 'city', 'city', 'exact'] as const)
      const place: Incident['place'] = { precision, country: pick(COUNTRIES) }
      if (precision !== 'country') place.region = pick(REGIONS)
      if (precision === 'city' || precision === 'exact') place.city = pick(CITIES)
      if (precision === 'exact') place.exact = `${int(1, 200)} ${pick(SYLLABLES)}${pick(SYLLABLES)} street`
      return {
        id: `i${i + 1}`,
        date: dateOf(timeIn(opened.getTime() - 60 * 86_400_000, opened.getTime())),
        place,
        types,
        perpetrator: { type: pick(perpetrators), description: sentence() },
        victims: persons.filter(() => random() < 0.7).map((p) => p.id).slice(0, 3),
        description: sentence() + '. ' + sentence() + '.',
      }
    })
    const assessments = Array.from({ length: int(0, 2) }, (_, i) => {
      const likelihood = int(1, 5)
      const impact = int(1, 5)
      return {
        id: `r${i + 1}`,
        likelihood,
        impact,
        level: riskLevel(likelihood, impact),
        rationale: sentence(),
        date: timestamp(timeIn(opened.getTime(), now.getTime())),
        assessor: pick(accounts),
      }
    })
    const actions = Array.from({ length: int(0, 3) }, (_, i) => ({
      id: `a${i + 1}`,
      type: pick(responses.filter((r) => r !== 'other')),
      description: sentence(),
      owner: pick(accounts),
      due: timeIn(opened.getTime(), now.getTime() + 60 * 86_400_000).toISOString().slice(0, 10),
      status: pick(['planned', 'in_progress', 'done', 'cancelled'] as const),
    }))
    const consents = persons.flatMap((p, i) =>
      random() < 0.6
        ? [
            {
              id: `c${i + 1}`,
              person: p.id,
              scope: scopes.filter((s) => s !== 'identity' && random() < 0.6).slice(0, 8),
              recipient: pick(recipients),
              given: timestamp(opened),
              ...(random() < 0.3 ? { expires: timestamp(new Date(opened.getTime() + yearMs)) } : {}),
              ...(random() < 0.1 ? { revoked: timestamp(timeIn(opened.getTime(), now.getTime())) } : {}),
            },
          ].filter((r) => r.scope.length > 0)
        : [],
    )
    const notes = Array.from({ length: int(0, 3) }, (_, i) => ({
      id: `n${i + 1}`,
      at: timestamp(timeIn(opened.getTime(), now.getTime())),
      author: pick(accounts),
      text: sentence(),
    }))
    const links = Array.from({ length: int(0, 2) }, () => ({ kind: 'report' as const, report: hex(16) }))
    cases.push({
      format: CASE_FORMAT,
      case_id: hex(16),
      revision: 1,
      previous_sha256: null,
      created_at: timestamp(opened),
      author: pick(accounts),
      title: `${pick(PHRASES)} (${pick(COUNTRIES)})`,
      status: pick(CASE_STATUSES),
      assignee: random() < 0.8 ? pick(accounts) : null,
      incidents,
      persons,
      risk_assessments: assessments,
      actions,
      consents,
      notes,
      links,
    })
  }
  return cases
}
