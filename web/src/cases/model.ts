// The protection-case documents (docs/formats/cases.md): one JSON document per case revision,
// age-encrypted in the browser to the organisation recipient, and the identities of the case's
// persons in a separate document of their own. Types, fixed vocabularies, size limits and the
// risk matrix; validation is in validate.ts.

export const CASE_FORMAT = 'vigil-case/v1'
export const IDENTITIES_FORMAT = 'vigil-case-identities/v1'

export type AccountId = string // 32 lowercase hex: an account id as the server names it
export type Timestamp = string // UTC, to the second: 2026-03-14T09:30:00Z
export type Day = string // 2026-03-14

export const DATE_PRECISIONS = ['day', 'month', 'year'] as const
export type DatePrecision = (typeof DATE_PRECISIONS)[number]

// A date known to the day, the month or the year ("2026-03-14", "2026-03", "2026"), or a range
// of two such dates at the same precision.
export interface PartialDate {
  precision: DatePrecision
  start: string
  end?: string
}

export const PLACE_PRECISIONS = ['country', 'region', 'city', 'exact'] as const
export type PlacePrecision = (typeof PLACE_PRECISIONS)[number]

// A place at the precision chosen: nothing finer than `precision` is stored.
export interface Place {
  precision: PlacePrecision
  country: string // ISO 3166-1 alpha-3
  region?: string
  city?: string
  exact?: string
}

export interface Perpetrator {
  type: string // taxonomy perpetrator_types
  description?: string
}

export interface Incident {
  id: string
  date: PartialDate
  place?: Place // absent: not known
  types: string[] // taxonomy incident_types
  perpetrator: Perpetrator
  victims: string[] // person ids of this case
  description?: string
}

export interface CourtLink {
  role: string // taxonomy court_roles
  role_other?: string // only with role "other"
  interaction?: string
  date?: PartialDate
}

// A person of the case, by pseudonym: who they are lives in the identities document.
export interface Person {
  id: string
  pseudonym: string
  court_links: CourtLink[]
}

export interface RiskAssessment {
  id: string
  likelihood: number // 1..5
  impact: number // 1..5
  level: RiskLevel // RISK_MATRIX[likelihood-1][impact-1]
  rationale: string
  date: Timestamp
  assessor: AccountId
}

export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

export interface ResponseAction {
  id: string
  type: string // taxonomy response_types
  type_other?: string
  description?: string
  owner?: AccountId
  due?: Day
  status: ActionStatus
  outcome?: string
}

export interface ConsentRecord {
  id: string
  person: string // person id of this case
  scope: string[] // taxonomy consent_scopes
  recipient: string // taxonomy consent_recipients
  recipient_other?: string
  given: Timestamp
  expires?: Timestamp
  revoked?: Timestamp
  note?: string
}

export interface Note {
  id: string
  at: Timestamp
  author: AccountId
  text: string
}

export const LINK_KINDS = ['report', 'message', 'attachment'] as const
export type LinkKind = (typeof LINK_KINDS)[number]

// A report, one of its messages, or one of its attachments, by the ids the server gives them.
export interface EvidenceLink {
  kind: LinkKind
  report: string
  message?: string // kind "message"
  attachment?: string // kind "attachment"
  note?: string
}

export const CASE_STATUSES = [
  'new',
  'triage',
  'assessed',
  'response_planned',
  'in_progress',
  'monitoring',
  'closed',
] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

export interface CaseDocument {
  format: typeof CASE_FORMAT
  case_id: string
  revision: number
  previous_sha256: string | null
  created_at: Timestamp
  author: AccountId
  title: string
  status: CaseStatus
  assignee: AccountId | null
  incidents: Incident[]
  persons: Person[]
  risk_assessments: RiskAssessment[]
  actions: ResponseAction[]
  consents: ConsentRecord[]
  notes: Note[]
  links: EvidenceLink[]
  // The random id of the chain that holds this case's identities document, once it has one.
  identities?: string
}

export interface PersonIdentity {
  id: string // the person's id in the case document
  name: string
  other_names?: string[]
  contact?: string
  notes?: string
}

export interface IdentitiesDocument {
  format: typeof IDENTITIES_FORMAT
  case_id: string
  revision: number
  previous_sha256: string | null
  created_at: Timestamp
  author: AccountId
  persons: PersonIdentity[]
}

// Size limits, in Unicode characters for text and in entries for lists (docs/formats/cases.md).
export const LIMITS = {
  documentBytes: 4 * 1024 * 1024,
  title: 200,
  incidents: 50,
  persons: 50,
  riskAssessments: 100,
  actions: 200,
  consents: 200,
  notes: 1000,
  links: 500,
  typesPerIncident: 10,
  victimsPerIncident: 50,
  courtLinksPerPerson: 10,
  scopeItems: 9,
  placeName: 200,
  other: 200,
  pseudonym: 100,
  shortText: 2000, // perpetrator description, interaction, action description, consent note
  longText: 10000, // incident description, rationale, outcome
  noteText: 20000,
  linkNote: 500,
  name: 300,
  otherNames: 10,
  contact: 2000,
  identityNotes: 10000,
  identities: 50,
} as const

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

// RISK_MATRIX[likelihood - 1][impact - 1]. Impact weighs a little more than likelihood: a harm
// to life or liberty (impact 5) that is possible (3) is already critical.
export const RISK_MATRIX: readonly (readonly RiskLevel[])[] = [
  ['low', 'low', 'low', 'medium', 'medium'],
  ['low', 'low', 'medium', 'medium', 'high'],
  ['low', 'medium', 'medium', 'high', 'critical'],
  ['medium', 'medium', 'high', 'high', 'critical'],
  ['medium', 'high', 'high', 'critical', 'critical'],
]

export function riskLevel(likelihood: number, impact: number): RiskLevel {
  if (!Number.isInteger(likelihood) || !Number.isInteger(impact) || likelihood < 1 || likelihood > 5 || impact < 1 || impact > 5)
    throw new RangeError('likelihood and impact are integers from 1 to 5')
  return RISK_MATRIX[likelihood - 1][impact - 1]
}

// The assessment that holds now: the latest by date (the later one in the list on a tie).
export function currentRisk(doc: CaseDocument): RiskAssessment | undefined {
  let best: RiskAssessment | undefined
  for (const a of doc.risk_assessments) if (!best || a.date >= best.date) best = a
  return best
}

const DAY_MS = 86_400_000

// Milliseconds since the epoch of a Timestamp or a Day (00:00 UTC).
export function timeOf(value: Timestamp | Day): number {
  return Date.parse(value.length === 10 ? value + 'T00:00:00Z' : value)
}

// A timestamp of the form this format uses, from a Date (milliseconds dropped).
export function timestamp(at: Date): Timestamp {
  return at.toISOString().slice(0, 19) + 'Z'
}

// Overdue: the action has a due date, the whole due day (UTC) has passed, and it is neither done
// nor cancelled.
export function isOverdue(action: ResponseAction, now: Date): boolean {
  if (!action.due || action.status === 'done' || action.status === 'cancelled') return false
  return now.getTime() >= timeOf(action.due) + DAY_MS
}

export function overdueActions(doc: CaseDocument, now: Date): ResponseAction[] {
  return doc.actions.filter((a) => isOverdue(a, now))
}
