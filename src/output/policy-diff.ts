// What a policy document change grants and takes away, one line per effect, principal, resource and condition, with
// the actions that line gains or loses: `+ Allow dynamodb:PutItem on arn:…:table/x`. Works for any change whose
// values are IAM policy documents (inline role policies, trust policies, resource policies).
import { parsePolicy } from '../resources/policy-document.js'

interface Statement {
  Effect?: string
  Principal?: unknown
  Action?: string | string[]
  Resource?: string | string[]
  Condition?: unknown
}

export interface PolicyDiff {
  added: string[]
  removed: string[]
  /** The previous document is unknown: `added` lists everything the new one grants. */
  previousUnknown: boolean
  /** More is allowed than before (an Allow added, a Deny removed), or it cannot be told. */
  widens: boolean
}

function asDocument(value: unknown): { Statement: Statement[] } | undefined {
  let doc = value
  if (typeof value === 'string') {
    try {
      doc = parsePolicy(value)
    } catch {
      return undefined
    }
  }
  if (!doc || typeof doc !== 'object' || !('Statement' in doc)) return undefined
  const statements = (doc as { Statement: unknown }).Statement
  return { Statement: (Array.isArray(statements) ? statements : [statements]) as Statement[] }
}

export function isPolicyDocument(value: unknown): boolean {
  return asDocument(value) !== undefined
}

// Joins the parts of an atom's key; never part of an ARN, an action or a JSON condition.
const SEPARATOR = '\u0000'

const list = (v: string | string[] | undefined): string[] => (v === undefined ? ['*'] : Array.isArray(v) ? v : [v])

function principalText(p: unknown): string {
  if (p === undefined) return ''
  if (p === '*') return ' for anyone'
  const entries = Object.entries(p as Record<string, string | string[]>)
  return ` for ${entries.map(([kind, who]) => `${kind} ${list(who).join(', ')}`).join('; ')}`
}

/** Every (line, action) a document grants or denies; the line is everything but the action. */
function atoms(doc: { Statement: Statement[] }): Map<string, Set<string>> {
  const lines = new Map<string, Set<string>>()
  for (const st of doc.Statement) {
    const condition = st.Condition ? ` when ${JSON.stringify(st.Condition)}` : ''
    for (const resource of st.Principal !== undefined && st.Resource === undefined ? [''] : list(st.Resource)) {
      const line = [st.Effect ?? 'Allow', principalText(st.Principal), resource, condition].join(SEPARATOR)
      const actions = lines.get(line) ?? new Set<string>()
      list(st.Action).forEach((a) => actions.add(a))
      lines.set(line, actions)
    }
  }
  return lines
}

function difference(a: Map<string, Set<string>>, b: Map<string, Set<string>>): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = []
  for (const [line, actions] of a) {
    const missing = [...actions].filter((x) => !b.get(line)?.has(x))
    if (missing.length > 0) out.push([line, missing.sort()])
  }
  return out
}

function render([line, actions]: [string, string[]]): string {
  const [effect, principal, resource, condition] = line.split(SEPARATOR)
  return `${effect} ${actions.join(', ')}${resource ? ` on ${resource}` : ''}${principal}${condition}`
}

/** The statement-level difference, when `to` is a policy document; undefined for any other change. */
export function diffPolicy(from: unknown, to: unknown): PolicyDiff | undefined {
  const after = asDocument(to)
  if (!after) return undefined
  const before = from === undefined ? { Statement: [] } : asDocument(from)
  const now = atoms(after)
  const was = atoms(before ?? { Statement: [] })
  const added = difference(now, was)
  const removed = difference(was, now)
  const widens =
    !before || [...added].some(([l]) => l.startsWith('Allow')) || removed.some(([l]) => l.startsWith('Deny'))
  return { added: added.map(render), removed: removed.map(render), previousUnknown: !before, widens }
}
