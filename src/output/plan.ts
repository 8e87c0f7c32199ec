// How results read: one line per resource, Terraform-style markers, changed fields with from → to, and for a policy
// document the statements it gains and loses, one per line.
import type { Change, Ensured } from '../resources/types.js'
import { plain, type Colour, type Paint } from './color.js'
import { diffPolicy } from './policy-diff.js'

const MARKERS: Record<Ensured['action'], string> = {
  created: '+',
  'would-create': '+',
  updated: '~',
  'would-update': '~',
  unchanged: '=',
  deleted: '-',
  'would-delete': '-',
  retained: '!',
  unmanaged: '!',
  unverified: '?',
  'would-adopt': '>',
  adopted: '>',
}

const VERBS: Record<Ensured['action'], string> = {
  created: 'created',
  'would-create': 'create',
  updated: 'updated',
  'would-update': 'update',
  unchanged: 'unchanged',
  deleted: 'deleted',
  'would-delete': 'delete',
  retained: 'retained',
  unmanaged: 'not managed',
  unverified: 'recorded (not checked)',
  'would-adopt': 'adopt',
  adopted: 'adopted',
}

const COLOURS: Partial<Record<string, Colour>> = { '+': 'green', '~': 'yellow', '-': 'red', '>': 'green' }

// Where a policy statement line starts, under a result line that the caller indents by two.
const STATEMENT_INDENT = '      '

function show(value: unknown): string {
  if (value === undefined) return '-'
  if (typeof value === 'string') return value
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

export function describeChange(c: Change): string {
  return c.summary ?? `${c.field}: ${show(c.from)} → ${show(c.to)}`
}

/** A policy document change as lines: `+ Allow …` / `- Allow …`; undefined for any other change. */
function policyLines(c: Change, paint: Paint): string[] | undefined {
  const diff = diffPolicy(c.from, c.to)
  if (!diff) return undefined
  const head = diff.previousUnknown
    ? `${c.field}: changed; it now allows (the previous document is not shown):`
    : `${c.field}:`
  return [
    `${STATEMENT_INDENT.slice(2)}${head}`,
    ...diff.removed.map((s) => `${STATEMENT_INDENT}${paint(`- ${s}`, 'red')}`),
    ...diff.added.map((s) => `${STATEMENT_INDENT}${diff.previousUnknown ? '  ' : paint('+ ', 'green')}${s}`),
  ]
}

/** One line per resource; a changed policy document adds one line per statement gained or lost. */
export function describeResult(r: Ensured): string {
  return paintResult(r, plain)
}

/** describeResult with the markers coloured (`+` green, `~` yellow, `-` red) when `paint` colours. */
export function paintResult(r: Ensured, paint: Paint): string {
  const marker = MARKERS[r.action]
  const colour = COLOURS[marker]
  const verb = `${marker} ${VERBS[r.action]}`
  const head = `${colour ? paint(verb, colour) : verb} ${r.kind} ${r.name}`
  const documents = r.changes.map((c) => policyLines(c, paint))
  const fields = r.changes.filter((_, i) => !documents[i])
  const changes = fields.length > 0 ? ` (${fields.map(describeChange).join('; ')})` : ''
  const detail = r.detail && r.action === 'would-create' ? `: ${r.detail}` : ''
  const first = `${head}${detail}${changes}${r.note ? ` — ${r.note}` : ''}`
  return [first, ...documents.flatMap((lines) => lines ?? [])].join('\n')
}

/** Why a deploy should be confirmed first: what it would create, delete, or allow in IAM beyond what it allows now. */
export function confirmationReasons(results: Ensured[]): string[] {
  const count = (action: Ensured['action']) => results.filter((r) => r.action === action).length
  const widened = results.filter((r) => r.changes.some((c) => diffPolicy(c.from, c.to)?.widens))
  return [
    count('would-create') > 0 ? `${count('would-create')} to create` : '',
    count('would-delete') > 0 ? `${count('would-delete')} to delete` : '',
    widened.length > 0 ? `IAM permissions widened on ${widened.map((r) => `${r.kind} ${r.name}`).join(', ')}` : '',
  ].filter(Boolean)
}
