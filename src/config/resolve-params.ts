// parameters, a function's permissions and cognito.identity_pool, resolved for one environment: names and ARNs
// expanded, references checked, and "*" refused in production unless a statement says allow_wildcard. Called at load
// (every problem is a config issue naming its field) and by the steps, which turn the result into specs.
import { show, type FieldPath } from './issues.js'
import { expandTemplate, TEMPLATE_VARS, type TemplateVars } from './names.js'
import type { RawConfig } from './schema.js'
import type { z } from 'zod'
import type { permissionStatementSchema } from './schema-params.js'
import { referenceValueProblems } from './step-references.js'

type RawStatement = z.output<typeof permissionStatementSchema>

export interface PermissionStatement {
  effect: 'Allow' | 'Deny'
  actions: string[]
  resources: string[]
}

export interface ParameterConfig {
  /** The parameter's name, expanded: `/app/production/api-url`. */
  name: string
  /** The value with template variables expanded; references (`${api.url}`, `${ssm:/x}`) are filled in at run time. */
  value: string
}

export interface IdentityPoolConfig {
  name: string
  allowUnauthenticated: boolean
  authenticatedPermissions: PermissionStatement[]
  unauthenticatedPermissions: PermissionStatement[]
}

export interface ParamsResolveContext {
  vars: TemplateVars
  production: boolean
  problem(path: FieldPath, message: string): void
}

// SSM: names up to 1011 characters (the full ARN part after parameter/), `aws`/`ssm` prefixes reserved, 15 levels.
const MAX_PARAMETER_NAME = 1011
const MAX_PARAMETER_LEVELS = 15
// CreateIdentityPool: IdentityPoolName 1-128 characters of [\w\s+=,.@-].
const IDENTITY_POOL_NAME = /^[\w\s+=,.@-]{1,128}$/
const KNOWN_VAR = new RegExp(`\\$\\{(${TEMPLATE_VARS.join('|')})\\}`, 'g')

/** Expands only the name-template variables (${SERVICE_NAME}, …) of a value that may also hold references. */
export function expandVariables(value: string, vars: TemplateVars): string {
  return value.replace(KNOWN_VAR, (whole, name: (typeof TEMPLATE_VARS)[number]) => vars[name] ?? whole)
}

function expanded(ctx: ParamsResolveContext, path: FieldPath, template: string): string {
  const { value, problems } = expandTemplate(template, ctx.vars)
  for (const message of problems) ctx.problem(path, message)
  return value
}

// IAM's own policy variables (`${aws:username}`, `${cognito-identity.amazonaws.com:sub}`) are IAM's to fill in.
const IAM_VARIABLE = /\$\{[\w.-]+:[\w.-]+\}/g

/** A resource ARN with the template variables expanded and IAM's policy variables left as written. */
function expandedResource(ctx: ParamsResolveContext, path: FieldPath, template: string): string {
  const iamVariables = template.match(IAM_VARIABLE) ?? []
  return template
    .split(IAM_VARIABLE)
    .map((part, i) => expanded(ctx, path, part) + (iamVariables[i] ?? ''))
    .join('')
}

/** Whole services' actions, all resources, or every resource of a type, account or region. */
export function isWildcardAction(action: string): boolean {
  return action.includes('*')
}
export function isWildcardResource(resource: string): boolean {
  if (resource === '*') return true
  const [, , service, region, account, ...rest] = resource.split(':')
  const part = rest.join(':')
  // S3 ARNs have no resource type: `bucket/*` is the objects of one bucket, not every bucket.
  const everyOfType = service !== 's3' && /^[^/:]+[/:]\*$/.test(part)
  return region === '*' || account === '*' || part === '*' || everyOfType
}

/** Statements with their ARNs expanded; an Allow with "*" in production is a problem unless allow_wildcard. */
export function resolveStatements(
  ctx: ParamsResolveContext,
  path: FieldPath,
  raw: readonly RawStatement[],
): PermissionStatement[] {
  return raw.map((s, i) => {
    const at = [...path, i]
    const resources = s.resources.map((r, j) => expandedResource(ctx, [...at, 'resources', j], r))
    const wild = [...s.actions.filter(isWildcardAction), ...resources.filter(isWildcardResource)]
    if (ctx.production && s.effect === 'Allow' && wild.length > 0 && !s.allow_wildcard)
      ctx.problem(
        at,
        `allows ${wild.map(show).join(', ')}: a wildcard is refused in production (name the actions and resources this needs, or set "allow_wildcard": true on this statement if it must)`,
      )
    return { effect: s.effect, actions: s.actions, resources }
  })
}

/** parameters: names expanded and checked, values checked for references. */
export function resolveParameters(ctx: ParamsResolveContext, raw: RawConfig): ParameterConfig[] {
  const seen = new Map<string, string>()
  return Object.entries(raw.parameters).map(([template, rawValue]) => {
    const at: FieldPath = ['parameters', template]
    const name = expanded(ctx, at, template)
    if (name.length > MAX_PARAMETER_NAME || name.split('/').length - 1 > MAX_PARAMETER_LEVELS)
      ctx.problem(at, `"${name}" is too long (SSM names are at most ${MAX_PARAMETER_NAME} characters and 15 levels)`)
    if (/^\/(aws|ssm)/i.test(name)) ctx.problem(at, `"${name}" starts with /aws or /ssm, which AWS reserves`)
    const other = seen.get(name)
    if (other !== undefined) ctx.problem(at, `"${name}" is also the name of parameters["${other}"] once expanded`)
    seen.set(name, template)
    const value = expandVariables(rawValue, ctx.vars)
    for (const message of referenceValueProblems(value, raw, 'a parameter')) ctx.problem(at, message)
    return { name, value }
  })
}

/** cognito.identity_pool for one environment (undefined without one). */
export function resolveIdentityPool(ctx: ParamsResolveContext, raw: RawConfig): IdentityPoolConfig | undefined {
  const pool = raw.cognito?.identity_pool
  if (!pool) return undefined
  const at: FieldPath = ['cognito', 'identity_pool']
  const name = expanded(ctx, [...at, 'name'], pool.name)
  if (!IDENTITY_POOL_NAME.test(name))
    ctx.problem(
      [...at, 'name'],
      `"${name}" is not an identity pool name (1-128 letters, digits, spaces and + = , . @ _ -)`,
    )
  if (!pool.allow_unauthenticated && pool.unauthenticated_permissions.length > 0)
    ctx.problem(
      [...at, 'unauthenticated_permissions'],
      'grants guests permissions, but allow_unauthenticated is false (set it to true, or remove these)',
    )
  return {
    name,
    allowUnauthenticated: pool.allow_unauthenticated,
    authenticatedPermissions: resolveStatements(
      ctx,
      [...at, 'authenticated_permissions'],
      pool.authenticated_permissions,
    ),
    unauthenticatedPermissions: resolveStatements(
      ctx,
      [...at, 'unauthenticated_permissions'],
      pool.unauthenticated_permissions,
    ),
  }
}
