// Editing a response action (docs/formats/cases.md, `actions`): the coordinator's form turned
// into an action, checked as part of the whole case with the organisation's taxonomy, each
// problem named by the form field it belongs to.
import type { ActionStatus, CaseDocument, ResponseAction } from './model'
import type { Taxonomy } from './taxonomy'
import { validateCase, type Problem } from './validate'

// What the action form holds, as typed.
export interface ActionFields {
  type: string
  typeOther: string
  description: string
  owner: string
  due: string
  status: string
  outcome: string
}

export const ACTION_FIELDS = ['type', 'type_other', 'description', 'owner', 'due', 'status', 'outcome'] as const
export type ActionField = (typeof ACTION_FIELDS)[number]

// The action the form describes: text trimmed, empty optional fields left out ("other" text
// only with the type other).
export function actionFromFields(id: string, fields: ActionFields): ResponseAction {
  const v = (s: string) => s.trim()
  return {
    id,
    type: v(fields.type),
    status: v(fields.status) as ActionStatus,
    ...(v(fields.type) === 'other' && v(fields.typeOther) ? { type_other: v(fields.typeOther) } : {}),
    ...(v(fields.description) ? { description: v(fields.description) } : {}),
    ...(v(fields.owner) ? { owner: v(fields.owner) } : {}),
    ...(v(fields.due) ? { due: v(fields.due) } : {}),
    ...(v(fields.outcome) ? { outcome: v(fields.outcome) } : {}),
  }
}

// The case's actions with `action` in place of the one with its id, or added at the end.
export function withAction(doc: CaseDocument, action: ResponseAction): ResponseAction[] {
  const at = doc.actions.findIndex((a) => a.id === action.id)
  if (at < 0) return [...doc.actions, action]
  return doc.actions.map((a, i) => (i === at ? action : a))
}

// The problems of `action` in `doc` (validated whole, with `taxonomy`), as {path: field,
// message}: the form can say which field is wrong.
export function actionProblems(doc: CaseDocument, action: ResponseAction, taxonomy?: Taxonomy): Problem[] {
  const actions = withAction(doc, action)
  const index = actions.findIndex((a) => a.id === action.id)
  const checked = validateCase({ ...doc, actions }, taxonomy)
  if (checked.ok) return []
  const prefix = `actions[${index}].`
  return checked.problems.flatMap((p) => (p.path.startsWith(prefix) ? [{ path: p.path.slice(prefix.length), message: p.message }] : []))
}
