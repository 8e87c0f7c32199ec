// config.json as text: parsed with jsonc-parser so that every problem, syntax or schema, has a line and column.
import { getLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser'
import { formatPath, type ConfigIssue, type FieldPath, type Locate, type Position } from './issues.js'

export interface JsonSource {
  value: unknown
  locate: Locate
}

// config.json stays plain JSON (other tools read it with JSON.parse), so comments and trailing commas are errors.
const PARSE_OPTIONS = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false }

// Keyed by printParseErrorCode's names: ParseErrorCode is an ambient const enum, which isolated modules cannot read.
const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character (expected a JSON value: "string", number, true, false, null, { } or [ ])',
  InvalidNumberFormat: 'invalid number (expected digits, e.g. 512 or 0.05)',
  PropertyNameExpected: 'expected a key in double quotes (no trailing comma before })',
  ValueExpected: 'expected a value (no trailing comma before ] or })',
  ColonExpected: "expected ':' (between a key and its value)",
  CommaExpected: "expected ',' (between items)",
  CloseBraceExpected: "expected '}' (to close the object)",
  CloseBracketExpected: "expected ']' (to close the list)",
  EndOfFileExpected: 'unexpected content after the end (expected one top-level { })',
  InvalidCommentToken: 'comments are not allowed (config.json is plain JSON; use "description" fields)',
  UnexpectedEndOfComment: 'comments are not allowed (config.json is plain JSON)',
  UnexpectedEndOfString: 'unterminated string (expected a closing ")',
  UnexpectedEndOfNumber: 'unterminated number (expected digits)',
  InvalidUnicode: 'invalid \\u escape (expected four hex digits)',
  InvalidEscapeCharacter: 'invalid escape (expected \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)',
  InvalidCharacter: 'control character in a string (expected an escape such as \\n or \\t)',
}

/** Parses config.json's text; returns the value and a locator, or every syntax problem found. */
export function parseJsonSource(text: string, file: string): JsonSource | { issues: ConfigIssue[] } {
  const lines = lineStarts(text)
  const errors: ParseError[] = []
  const root = parseTree(text, errors, PARSE_OPTIONS)
  const issues: ConfigIssue[] = errors.map((e) => {
    // Inside a half-written property getLocation ends the path with '', which names nothing.
    const field = formatPath(getLocation(text, e.offset).path.filter((seg) => seg !== ''))
    const what = SYNTAX_MESSAGES[printParseErrorCode(e.error)] ?? 'syntax error (expected valid JSON)'
    return {
      file,
      position: position(lines, e.offset),
      message: `invalid JSON${field ? ` near ${field}` : ''}: ${what}`,
    }
  })
  if (!root) {
    if (issues.length === 0) issues.push({ file, message: 'is empty (expected a JSON object)' })
    return { issues }
  }
  if (issues.length === 0) issues.push(...duplicateKeys(root, [], file, lines))
  if (issues.length > 0) return { issues }
  return { value: getNodeValue(root), locate: (path) => position(lines, offsetOf(root, path)) }
}

/** JSON.parse keeps the last of two equal keys without a word; say so instead. */
function duplicateKeys(node: Node, path: FieldPath, file: string, lines: number[]): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  if (node.type === 'object') {
    const seen = new Set<string>()
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? []
      const key = String(keyNode?.value)
      if (seen.has(key)) {
        issues.push({
          file,
          position: position(lines, prop.offset),
          field: formatPath([...path, key]),
          message: `duplicate key "${key}" (each key may appear once in an object)`,
        })
      }
      seen.add(key)
      if (valueNode) issues.push(...duplicateKeys(valueNode, [...path, key], file, lines))
    }
  } else if (node.type === 'array') {
    node.children?.forEach((child, i) => issues.push(...duplicateKeys(child, [...path, i], file, lines)))
  }
  return issues
}

/** Offset of the deepest written part of `path`: a property's key, an array element, else the nearest ancestor. */
function offsetOf(root: Node, path: FieldPath): number {
  let node = root
  let offset = root.offset
  for (const seg of path) {
    let next: Node | undefined
    if (node.type === 'object' && typeof seg === 'string') {
      const prop = node.children?.findLast((p) => p.children?.[0]?.value === seg)
      if (prop) offset = prop.offset
      next = prop?.children?.[1]
    } else if (node.type === 'array' && typeof seg === 'number') {
      next = node.children?.[seg]
      if (next) offset = next.offset
    }
    if (!next) break
    node = next
  }
  return offset
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
  return starts
}

function position(starts: number[], offset: number): Position {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return { line: lo + 1, col: offset - starts[lo]! + 1 }
}
