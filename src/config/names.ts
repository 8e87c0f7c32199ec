// Name templates (`${SERVICE_NAME}-${name}`) and the limits AWS puts on the names they expand to.
import { closest, show } from './issues.js'
import type { ResolvedConfig } from './types.js'

export const TEMPLATE_VARS = ['SERVICE_NAME', 'ENVIRONMENT', 'AWS_REGION', 'DOMAIN', 'ACCOUNT_ID'] as const
export type TemplateVar = (typeof TEMPLATE_VARS)[number]
/** A known variable may be unset (DOMAIN without a domain); `name` only exists for tables and functions. */
export type TemplateVars = Record<TemplateVar, string | undefined> & { name?: string }

/** The variables of one resolved environment, for steps that expand the templates of the loose sections. */
export function templateVars(config: ResolvedConfig): TemplateVars {
  return {
    SERVICE_NAME: config.serviceName,
    ENVIRONMENT: config.environment,
    AWS_REGION: config.region,
    DOMAIN: config.domain,
    ACCOUNT_ID: config.accountId,
  }
}

/** Expands every `${VAR}`; each problem (unknown or unset variable, unclosed `${`) is a message for the field. */
export function expandTemplate(template: string, vars: TemplateVars): { value: string; problems: string[] } {
  const problems: string[] = []
  const known: string[] = [...TEMPLATE_VARS, ...(vars.name === undefined ? [] : ['name'])]
  const value = template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'name' && vars.name !== undefined) return vars.name
    if (!(TEMPLATE_VARS as readonly string[]).includes(name)) {
      const near = closest(name, known)
      const where = name === 'name' ? '${name} exists only in the names of tables, functions, buckets and queues; ' : ''
      const hint = near ? `did you mean \${${near}}? ` : ''
      problems.push(
        `unknown variable ${whole} in ${show(template)} (${where}${hint}use ${known.map((k) => `\${${k}}`).join(', ')})`,
      )
      return whole
    }
    const v = vars[name as TemplateVar]
    if (v === undefined) {
      problems.push(
        `${whole} is used in ${show(template)} but no value is set (set domain in config.json or DOMAIN in the env file)`,
      )
      return whole
    }
    return v
  })
  if (/\$\{[^}]*$/.test(template)) problems.push(`unclosed "\${" in ${show(template)} (expected \${VAR})`)
  return { value, problems }
}

export const NAME_RULES = {
  table: {
    min: 3,
    max: 255,
    chars: /^[A-Za-z0-9_.-]*$/,
    rule: 'table names are 3-255 characters of A-Z a-z 0-9 _ . -',
  },
  function: {
    min: 1,
    max: 64,
    chars: /^[A-Za-z0-9_-]*$/,
    rule: 'function names are 1-64 characters of A-Z a-z 0-9 - _',
  },
  role: {
    min: 1,
    max: 64,
    chars: /^[\w+=,.@-]*$/,
    rule: 'role names are 1-64 characters of A-Z a-z 0-9 + = , . @ _ -',
  },
  logGroup: {
    min: 1,
    max: 512,
    chars: /^[\w.\-/#]*$/,
    rule: 'log group names are 1-512 characters of A-Z a-z 0-9 . - _ / #',
  },
  bucket: {
    min: 3,
    max: 63,
    chars: /^[a-z0-9.-]*$/,
    rule: 'bucket names are 3-63 characters of a-z 0-9 . - (global across AWS: add ${ACCOUNT_ID} or ${AWS_REGION} to keep one free)',
  },
  queue: {
    min: 1,
    max: 80,
    chars: /^[A-Za-z0-9_-]*$/,
    rule: 'queue names are 1-80 characters of A-Z a-z 0-9 - _ (.fifo is added for FIFO queues)',
  },
} as const
export type NameKind = keyof typeof NAME_RULES

/**
 * Why `value` is not a valid name of this kind, or undefined when it is. The message names the template it came
 * from and `origin` (e.g. ` with SERVICE_NAME from environments/dev.env:2`).
 */
export function checkName(kind: NameKind, value: string, template: string, origin = ''): string | undefined {
  const { min, max, chars, rule } = NAME_RULES[kind]
  const from = template === value ? '' : `, expanded from ${show(template)}${origin}`
  if (value.length < min || value.length > max) return `"${value}" is ${value.length} characters${from} (${rule})`
  if (!chars.test(value)) {
    const bad = [...value].find((c) => !chars.test(c))
    return `"${value}" contains ${show(bad)}${from} (${rule})`
  }
  return undefined
}
