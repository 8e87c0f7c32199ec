// One problem found in config.json, an env file or the flags, and the ConfigError that carries all of them.
import { ConfigError } from '../errors/index.js'

export type FieldPath = readonly (string | number)[]
export interface Position {
  line: number
  col?: number
}
/** Maps a field path of config.json to where it is written (or its nearest written ancestor). */
export type Locate = (path: FieldPath) => Position | undefined

export interface ConfigIssue {
  /** The file as shown to the user, e.g. `config.json` or `environments/dev.env`. */
  file: string
  position?: Position
  /** `tables.conversations.billing_mode`, or an env file key. */
  field?: string
  /** What is wrong, then what would be valid in parentheses. */
  message: string
}

export const CONFIG_HINT = 'Fix config.json (the JSON Schema config.schema.json gives editors completion), then rerun.'

export function formatIssue(issue: ConfigIssue): string {
  const { line, col } = issue.position ?? {}
  const where = line === undefined ? issue.file : `${issue.file}:${line}${col === undefined ? '' : `:${col}`}`
  return issue.field ? `${where} ${issue.field}: ${issue.message}` : `${where} ${issue.message}`
}

export function issuesError(code: string, issues: ConfigIssue[], hint: string): ConfigError {
  return new ConfigError(code, issues.map(formatIssue).join('\n'), { hint })
}

/** `tables.conversations.global_indexes[0].name`; keys that would read ambiguously are quoted. */
export function formatPath(path: FieldPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[\w$-]+$/.test(seg)) out += out ? `.${seg}` : seg
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

/** A value as the user wrote it: strings quoted, long objects shortened. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("regoin" → "region" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 0; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** The candidate closest to `word` (case-insensitive), if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    const limit = Math.max(1, Math.floor(candidate.length / 3))
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance }
  }
  if (best) return best.candidate
  // An abbreviation ("prod" for production) is a likely slip too, when only one candidate starts with it.
  const starts = [...candidates].filter((c) => word.length >= 3 && c.toLowerCase().startsWith(word.toLowerCase()))
  return starts.length === 1 ? starts[0] : undefined
}

/** `did you mean x? ` when one is close, for the parenthesis after an unknown name. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates)
  return match === undefined ? '' : `did you mean ${match}? `
}

/** `a, b or c`; `none` for an empty list. */
export function listOf(items: readonly string[], none = 'none'): string {
  if (items.length === 0) return none
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}
