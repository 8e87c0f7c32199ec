// Pure: config + upstream outputs → the desired shape of each function and its log group. Unit-tested without AWS.
import path from 'node:path'
import { corsOriginsFor } from '../config/cors.js'
import type { FunctionConfig, ResolvedConfig } from '../config/types.js'
import { StepError } from '../errors/index.js'
import type { FunctionSpec } from '../resources/lambda/function-diff.js'
import type { FunctionUrlSpec } from '../resources/lambda/function-url.js'
import type { LogGroupSpec } from '../resources/logs/log-group.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { isPreparedCode } from './lambda-code.js'
import { outputReferenceValues, referencingValues, withReferences } from './references.js'
import type { StepId, Upstream } from './types.js'

/** What step 03 reads from the steps before it. */
export interface LambdaUpstream {
  roleArn: string
  /** Table logical id → physical name. */
  tables: Record<string, string>
  guardrail?: { id: string; version: string }
  /** Layer logical id → the version ARN functions use (step 03 converges its layers before its functions). */
  layers?: Record<string, string>
  /** `${source.output}` and `${ssm:/name}` as written in a function's environment → its value. */
  references?: Record<string, string>
}

/** `websocket-connections` → `TABLE_WEBSOCKET_CONNECTIONS` (handlers/lib/env.ts reads the same name). */
export function tableEnvName(logicalId: string): string {
  return `TABLE_${logicalId.toUpperCase().replaceAll('-', '_')}`
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function missing(what: string, step: StepId, env: string): StepError {
  return new StepError('UpstreamOutputMissing', `reading the outputs of step ${step}: ${what} is not there`, {
    hint: `Run \`infra step ${step} --env ${env}\` (or \`infra deploy-all --env ${env}\`), then rerun the lambda step.`,
  })
}

/**
 * The guardrail version step 10 (bedrock) outputs (`BedrockOutputs`). Outputs of a step that did not run now come from
 * the manifest, which an older infra may have written: it also accepts `{ guardrailId, guardrailVersion }`, and
 * anything else counts as no guardrail.
 */
export function guardrailFrom(bedrockOutputs: unknown): LambdaUpstream['guardrail'] {
  if (!isRecord(bedrockOutputs)) return undefined
  const g = isRecord(bedrockOutputs.guardrail) ? bedrockOutputs.guardrail : {}
  const id = g.id ?? bedrockOutputs.guardrailId
  const version = g.version ?? bedrockOutputs.guardrailVersion
  return typeof id === 'string' && id && (typeof version === 'string' || typeof version === 'number')
    ? { id, version: String(version) }
    : undefined
}

/**
 * The role (step 01) and table names (step 02). In a plan, what is not known yet prints as "(known after apply)";
 * in a real run a missing output is an error naming the step to run.
 */
export function lambdaUpstream(
  config: ResolvedConfig,
  upstream: Upstream,
  bedrockOutputs: unknown,
  planning: boolean,
): LambdaUpstream {
  const role = upstream.iam?.roles.lambda?.arn
  if (role === undefined && !planning && config.functions.length > 0)
    throw missing('the Lambda role (roles.lambda.arn)', 'iam', config.env)
  const tables: Record<string, string> = {}
  for (const logicalId of new Set(config.functions.flatMap((f) => Object.keys(f.tables)))) {
    const name = upstream.dynamodb?.tables[logicalId]?.name
    if (name !== undefined) tables[logicalId] = name
    else if (planning)
      tables[logicalId] = config.tables.find((t) => t.logicalId === logicalId)?.name ?? KNOWN_AFTER_APPLY
    else throw missing(`table ${logicalId} (tables.${logicalId}.name)`, 'dynamodb', config.env)
  }
  const guardrail = guardrailFrom(bedrockOutputs)
  const references = stepReferenceValues(config, upstream, planning)
  return {
    roleArn: role ?? KNOWN_AFTER_APPLY,
    tables,
    ...(guardrail ? { guardrail } : {}),
    ...(Object.keys(references).length > 0 ? { references } : {}),
  }
}

/**
 * The value of every `${source.output}` the functions' environments use (config load checked each one; references.ts
 * finds them). In a plan what is not known yet is "(known after apply)".
 */
export function stepReferenceValues(
  config: ResolvedConfig,
  upstream: Upstream,
  planning: boolean,
): Record<string, string> {
  const values = referencingValues(config, 'lambda').map((v) => v.value)
  return outputReferenceValues(config, values, upstream, planning)
}

/**
 * The function's variables: who it is, one TABLE_<ID> per table it uses, its own variables (with `${step.output}`
 * references filled in), its secrets as SSM parameter NAMES (never values) and, for Bedrock functions, the guardrail
 * once step 10 has one.
 */
export function functionEnvironment(
  fn: FunctionConfig,
  config: ResolvedConfig,
  up: LambdaUpstream,
): Record<string, string> {
  const env: Record<string, string> = { SERVICE_NAME: config.serviceName, STAGE: config.environment }
  for (const logicalId of Object.keys(fn.tables).sort())
    env[tableEnvName(logicalId)] = up.tables[logicalId] ?? KNOWN_AFTER_APPLY
  for (const [name, value] of Object.entries(fn.environment)) env[name] = withReferences(value, up.references)
  Object.assign(env, fn.secrets)
  // A function behind the REST API answers browsers itself: it echoes an allowed Origin (handlers/lib/http.ts).
  const rest = config.sections.rest_api
  if (rest?.cors && rest.endpoints.some((e) => e.function === fn.logicalId)) {
    const cors = corsOriginsFor(rest.cors.allowed_origins, config.environment, config.production)
    if ('origins' in cors) env.CORS_ALLOWED_ORIGINS = cors.origins.join(',')
  }
  if (fn.bedrock && up.guardrail)
    Object.assign(env, { GUARDRAIL_ID: up.guardrail.id, GUARDRAIL_VERSION: up.guardrail.version })
  return env
}

export const logGroupName = (fn: Pick<FunctionConfig, 'name'>) => `/aws/lambda/${fn.name}`

export function functionSpec(fn: FunctionConfig, config: ResolvedConfig, up: LambdaUpstream): FunctionSpec {
  return {
    logicalId: fn.logicalId,
    name: fn.name,
    description: fn.description ?? '',
    ...(fn.imageUri ? { imageUri: fn.imageUri } : { handler: fn.handler, runtime: fn.runtime }),
    architecture: fn.architecture,
    memoryMb: fn.memoryMb,
    timeoutS: fn.timeoutS,
    roleArn: up.roleArn,
    environment: functionEnvironment(fn, config, up),
    layers: fn.layers.map((layer) => layerVersionArn(layer, up)),
    ...(fn.deadLetterArn ? { deadLetterArn: fn.deadLetterArn } : {}),
    tracing: fn.tracing,
    tags: fn.tags,
    aliasName: config.environment,
    ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
    ...(fn.provisionedConcurrency !== undefined ? { provisionedConcurrency: fn.provisionedConcurrency } : {}),
  }
}

/** The function URL on the environment's alias, when config asks for one. */
export function functionUrlSpec(fn: FunctionConfig, config: ResolvedConfig): FunctionUrlSpec | undefined {
  if (!fn.url) return undefined
  const qualifier = config.environment
  return { logicalId: fn.logicalId, name: `${fn.name}:${qualifier}`, functionName: fn.name, qualifier, ...fn.url }
}

export function logGroupSpec(fn: FunctionConfig): LogGroupSpec {
  return {
    logicalId: `lambda-${fn.logicalId}`,
    name: logGroupName(fn),
    ...(fn.logRetentionDays === 'never' ? {} : { retentionDays: fn.logRetentionDays }),
    tags: fn.tags,
  }
}

/** A layer of config (by key) as the version ARN step 03 published or found; an ARN as it is. */
export function layerVersionArn(layer: string, up: Pick<LambdaUpstream, 'layers'>): string {
  return layer.startsWith('arn:') ? layer : (up.layers?.[layer] ?? KNOWN_AFTER_APPLY)
}

const relativeTo = (config: ResolvedConfig, file: string | undefined) =>
  file === undefined ? undefined : path.relative(config.files.root, file).split(path.sep).join('/')

/**
 * The step's inputs for its hash: the functions' and layers' config, with sources relative to config.json
 * (checkout-independent), and once packaged each one's CodeSha256: a handler or layer edit changes the inputs.
 */
export function lambdaInputs(config: ResolvedConfig, prepared?: unknown): unknown {
  const code = isPreparedCode(prepared) ? prepared : { functions: [], layers: [] }
  return {
    alias: config.environment,
    functions: config.functions.map((f, i) => ({
      ...f,
      source: relativeTo(config, f.source),
      codeSha256: code.functions[i]?.codeSha256,
    })),
    // Only with layers: a config without any keeps the inputs (and so the hash) it had before layers existed.
    ...(config.layers.length > 0 && {
      layers: config.layers.map((l, i) => ({
        ...l,
        source: relativeTo(config, l.source),
        codeSha256: code.layers[i]?.codeSha256,
      })),
    }),
  }
}
