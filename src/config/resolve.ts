// Validated config.json + env file + flags → the ResolvedConfig of one environment. Pure: no I/O except the
// injected `fileExists`, so every rule here is unit-tested on plain objects.
import path from 'node:path'
import {
  CONFIG_HINT,
  didYouMean,
  formatIssue,
  formatPath,
  issuesError,
  type ConfigIssue,
  type FieldPath,
  type Locate,
} from './issues.js'
import {
  checkName,
  expandTemplate,
  TEMPLATE_VARS,
  type NameKind,
  type TemplateVar,
  type TemplateVars,
} from './names.js'
import { corsOriginsFor } from './cors.js'
import { placeholderProblems } from './placeholders.js'
import { resolveCognito } from './resolve-cognito.js'
import { resolveIdentityPool, resolveParameters } from './resolve-params.js'
import { resolveFunctions } from './resolve-functions.js'
import { checkS3Overlaps, resolveBuckets, resolveQueues, resolveSchedulerRole } from './resolve-events.js'
import { resolveLayers } from './resolve-layers.js'
import { resolveState } from './resolve-state.js'
import { resolveTables } from './resolve-tables.js'
import type { EnvFile } from './env-file.js'
import type { EnvFileKey, RawConfig } from './schema.js'
import type { ConfigFlags, ResolvedConfig, Tags } from './types.js'

export interface ResolveInput {
  /** config.json after schema validation (defaults applied). */
  raw: RawConfig
  /** The --env name. */
  env: string
  envFile?: EnvFile
  flags?: ConfigFlags
  /** Absolute paths: the folder of config.json, config.json, the env file. */
  files: { root: string; config: string; envFile: string }
  /** config.json as named in messages (default `config.json`). */
  configFile?: string
  locate?: Locate
  /** Checks function sources; the loader passes a real one, tests may pass their own. */
  fileExists?: (absolutePath: string) => boolean
}

/** What the table and function resolvers share: the input, the variables and the issue list. */
export interface ResolveContext {
  input: ResolveInput
  raw: RawConfig
  vars: TemplateVars
  production: boolean
  baseTags: Tags
  problem(path: FieldPath, message: string): void
  /** Expands and checks the name at `path` (an entry's own `name`, else name_pattern with ${name} = its key). */
  entryName(kind: NameKind, entryPath: FieldPath, own: string | undefined, key: string): string
  /** Expands and checks a name template at `path`. */
  name(kind: NameKind, path: FieldPath, template: string): string
  /** Checks an entry's own tags and merges them over the service's. */
  tags(path: FieldPath, own: Tags): Tags
  /** ` (set by KEY in environments/x.env:3)`, or '' when the env file does not set it. */
  fromEnv(key: EnvFileKey): string
}

// Tags we set ourselves (adoption and drift checks rely on them) and the prefix AWS reserves.
const RESERVED_TAG = /^(aws:|infra:|managed-by$)/i
const MAX_TAGS = 50
const ENV_KEY_OF_VAR: Record<TemplateVar, EnvFileKey> = {
  SERVICE_NAME: 'SERVICE_NAME',
  ENVIRONMENT: 'ENVIRONMENT',
  AWS_REGION: 'AWS_REGION',
  DOMAIN: 'DOMAIN',
  ACCOUNT_ID: 'AWS_ACCOUNT_ID',
}

/** Resolves one environment; throws ConfigError InvalidConfig listing every problem found. */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const { raw, env, flags = {} } = input
  const values = input.envFile?.values ?? {}
  const file = input.configFile ?? 'config.json'
  const issues: ConfigIssue[] = []
  const problem = (p: FieldPath, message: string): void => {
    issues.push({ file, position: input.locate?.(p), field: formatPath(p), message })
  }

  const serviceName = values.SERVICE_NAME ?? raw.service_name
  const environment = values.ENVIRONMENT ?? raw.environment
  const region = flags.region ?? values.AWS_REGION ?? raw.region
  const accountId = values.AWS_ACCOUNT_ID ?? raw.account_id
  const profile = flags.profile ?? values.AWS_PROFILE
  const domain = values.DOMAIN ?? raw.domain
  const production = raw.production_environments.includes(environment)
  const vars: TemplateVars = {
    SERVICE_NAME: serviceName,
    ENVIRONMENT: environment,
    AWS_REGION: region,
    DOMAIN: domain,
    ACCOUNT_ID: accountId,
  }

  const fromEnv = (key: EnvFileKey): string => {
    const line = input.envFile?.lines[key]
    return line === undefined ? '' : ` (set by ${key} in ${input.envFile!.file}:${line})`
  }
  // Which template variables the env file set, so a name that breaks a limit says where its parts came from.
  const envNote = (template: string): string => {
    const used = TEMPLATE_VARS.filter((v) => template.includes(`\${${v}}`))
    const parts = used.flatMap((v) => {
      const key = ENV_KEY_OF_VAR[v]
      const line = input.envFile?.lines[key]
      if (v === 'AWS_REGION' && flags.region !== undefined) return ['AWS_REGION from --region']
      return line === undefined ? [] : [`${key} from ${input.envFile!.file}:${line}`]
    })
    return parts.length > 0 ? ` with ${parts.join(', ')}` : ''
  }
  const expandChecked = (
    kind: NameKind,
    p: FieldPath,
    template: string,
    extra: Partial<TemplateVars>,
    report: boolean,
  ): string => {
    const { value, problems } = expandTemplate(template, { ...vars, ...extra })
    if (problems.length > 0) {
      if (report) problems.forEach((m) => problem(p, m))
      return value
    }
    const bad = checkName(kind, value, template, envNote(template))
    if (bad) problem(p, bad)
    return value
  }

  // name_pattern is checked once here, so a bad variable in it is one error rather than one per entry.
  for (const m of expandTemplate(raw.name_pattern, { ...vars, name: 'x' }).problems) problem(['name_pattern'], m)

  const checkTags = (p: FieldPath, own: Tags): void => {
    for (const key of Object.keys(own)) {
      if (RESERVED_TAG.test(key))
        problem(
          [...p, key],
          `tag key "${key}" is reserved (infra sets infra:service, infra:env and managed-by itself; AWS reserves aws:)`,
        )
    }
  }
  checkTags(['tags'], raw.tags)
  const baseTags: Tags = { 'infra:service': serviceName, 'infra:env': env, 'managed-by': 'infra', ...raw.tags }

  const ctx: ResolveContext = {
    input,
    raw,
    vars,
    production,
    baseTags,
    problem,
    fromEnv,
    name: (kind, p, template) => expandChecked(kind, p, template, {}, true),
    entryName: (kind, entryPath, own, key) =>
      expandChecked(kind, [...entryPath, 'name'], own ?? raw.name_pattern, { name: key }, own !== undefined),
    tags: (p, own) => {
      checkTags(p, own)
      const merged = { ...baseTags, ...own }
      const count = Object.keys(merged).length
      if (count > MAX_TAGS)
        problem(p, `makes ${count} tags with the service's own (expected at most ${MAX_TAGS} per resource)`)
      return merged
    },
  }

  const lambdaRole = {
    name: ctx.name('role', ['iam', 'lambda_role', 'name'], raw.iam.lambda_role.name),
    managedPolicyArns: raw.iam.lambda_role.managed_policy_arns,
  }
  const apiGatewayCloudWatchRole = {
    name: ctx.name('role', ['iam', 'apigateway_cloudwatch_role', 'name'], raw.iam.apigateway_cloudwatch_role.name),
  }
  const logging = raw.bedrock?.invocation_logging
  const bedrockLoggingRole = logging && {
    name: ctx.name('role', ['iam', 'bedrock_logging_role', 'name'], raw.iam.bedrock_logging_role.name),
    logGroupName: ctx.name('logGroup', ['bedrock', 'invocation_logging', 'log_group'], logging.log_group),
  }

  const tables = resolveTables(ctx)
  const functions = resolveFunctions(ctx)
  const buckets = resolveBuckets(ctx)
  const queues = resolveQueues(ctx)
  checkS3Overlaps(ctx, functions)
  const schedulerRole = resolveSchedulerRole(ctx, functions)
  const layers = resolveLayers(ctx)
  checkSectionReferences(ctx)
  const state = resolveState(ctx, region)
  if (raw.cognito) resolveCognito(ctx, raw.cognito)
  resolveIdentityPool(ctx, raw)
  const parameters = resolveParameters(ctx, raw)
  const cors = raw.rest_api?.cors && corsOriginsFor(raw.rest_api.cors.allowed_origins, environment, production)
  if (cors && 'problem' in cors) problem(cors.problem.field, cors.problem.message)
  for (const p of placeholderProblems(raw, vars)) problem(p.path, p.message)

  if (issues.length > 0) {
    issues.sort(
      (a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0),
    )
    // A name is checked by its resolver and by the placeholder pass: one message per problem.
    const unique = [...new Map(issues.map((issue) => [formatIssue(issue), issue])).values()]
    throw issuesError('InvalidConfig', unique, CONFIG_HINT)
  }
  return {
    env,
    environment,
    serviceName,
    region,
    accountId,
    ...(profile === undefined ? {} : { profile }),
    ...(domain === undefined ? {} : { domain }),
    production,
    tags: baseTags,
    iam: { lambdaRole, apiGatewayCloudWatchRole, ...(bedrockLoggingRole ? { bedrockLoggingRole } : {}) },
    tables,
    functions,
    buckets,
    queues,
    ...(schedulerRole ? { schedulerRole } : {}),
    layers,
    bedrockModels: raw.bedrock?.models ?? [],
    parameters,
    state,
    sections: pickSections(raw),
    files: { config: input.files.config, envFile: input.files.envFile, root: path.resolve(input.files.root) },
  }
}

const SECTIONS = ['rest_api', 'websocket_api', 'frontend', 'cognito', 'dns', 'bedrock', 'monitoring'] as const

function pickSections(raw: RawConfig): ResolvedConfig['sections'] {
  const out: Record<string, unknown> = {}
  for (const key of SECTIONS) if (raw[key] !== undefined) out[key] = raw[key]
  return out as ResolvedConfig['sections']
}

/** The loose sections' references to functions must name functions that exist. */
function checkSectionReferences(ctx: ResolveContext): void {
  const names = Object.keys(ctx.raw.functions)
  const check = (p: FieldPath, fn: string): void => {
    if (Object.hasOwn(ctx.raw.functions, fn)) return
    ctx.problem(
      p,
      `"${fn}" is not a function in functions (${didYouMean(fn, names)}functions: ${names.join(', ') || 'none'})`,
    )
  }
  ctx.raw.rest_api?.endpoints.forEach((endpoint, i) => {
    if (endpoint.function !== undefined) check(['rest_api', 'endpoints', i, 'function'], endpoint.function)
  })
  for (const [route, fn] of Object.entries(ctx.raw.websocket_api?.routes ?? {}))
    check(['websocket_api', 'routes', route], fn)
}
