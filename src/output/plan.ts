// How results read: one line per resource, Terraform-style markers, changed fields with from → to.
import type { Change, Ensured } from '../resources/types.js'

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
}

function show(value: unknown): string {
  if (value === undefined) return '-'
  if (typeof value === 'string') return value
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

export function describeChange(c: Change): string {
  return `${c.field}: ${show(c.from)} → ${show(c.to)}`
}

export function describeResult(r: Ensured): string {
  const head = `${MARKERS[r.action]} ${VERBS[r.action]} ${r.kind} ${r.name}`
  const changes = r.changes.length > 0 ? ` (${r.changes.map(describeChange).join('; ')})` : ''
  const detail = r.detail && r.action === 'would-create' ? `: ${r.detail}` : ''
  return `${head}${detail}${changes}${r.note ? ` — ${r.note}` : ''}`
}
