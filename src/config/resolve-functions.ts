// functions.* → FunctionConfig: names expanded, sources made absolute and checked, lambda_defaults applied.
import path from 'node:path'
import { didYouMean, type FieldPath } from './issues.js'
import type { ResolveContext } from './resolve.js'
import { resolveStatements } from './resolve-params.js'
import { environmentProblems } from './step-references.js'
import { resolveFunctionEvents } from './resolve-events.js'
import type { FunctionConfig } from './types.js'
import { functionUrlConfig, imageProblems, layerReferenceProblems } from './resolve-function-code.js'
import { runtimeFamily } from './runtimes.js'

const DEFAULT_HANDLER = 'index.handler'

// Lambda rejects CreateFunction with any of these in Environment ("Reserved keys used in this request").
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
const RESERVED_ENV = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
])

// Memory and timeout: a function's own memory_mb/timeout_s wins; otherwise LAMBDA_MEMORY/LAMBDA_TIMEOUT from the env
// file (the deployment-time knob, which overrides lambda_defaults only); otherwise lambda_defaults.
export function resolveFunctions(ctx: ResolveContext): FunctionConfig[] {
  const { raw, input } = ctx
  const defaults = raw.lambda_defaults
  const env = input.envFile?.values ?? {}
  const tableNames = Object.keys(raw.tables)
  const root = path.resolve(input.files.root)
  const seen = new Map<string, string>()

  return Object.entries(raw.functions).map(([key, f]) => {
    const at: FieldPath = ['functions', key]
    const name = ctx.entryName('function', at, f.name, key)
    const clash = seen.get(name)
    if (clash) ctx.problem([...at, 'name'], `"${name}" is also the name of function ${clash} (names must be unique)`)
    seen.set(name, key)

    const source = f.source === undefined ? undefined : path.resolve(root, f.source)
    if (f.image_uri !== undefined) imageProblems(ctx, at, f)
    else if (source === undefined) {
      ctx.problem(
        [...at, 'source'],
        "is required: the handler's entry file (Node.js) or the function's folder (Python), relative to config.json; or set image_uri for a container image",
      )
    } else if (input.fileExists && !input.fileExists(source)) {
      ctx.problem(
        [...at, 'source'],
        `"${f.source}" does not exist at ${source} (expected ${runtimeFamily(f.runtime ?? defaults.runtime) === 'python' ? "the function's folder" : "the handler's entry file"}, relative to ${root})`,
      )
    }
    if (f.image_uri === undefined) layerReferenceProblems(ctx, at, f)
    for (const table of Object.keys(f.tables)) {
      if (Object.hasOwn(raw.tables, table)) continue
      ctx.problem(
        [...at, 'tables', table],
        `function ${key} uses table "${table}", which is not in tables (${didYouMean(table, tableNames)}tables: ${tableNames.join(', ') || 'none'})`,
      )
    }
    for (const [variable, value] of Object.entries(f.environment)) {
      // `${cognito.userPoolId}`: the lambda step fills it in from that step's outputs.
      for (const message of environmentProblems(value, raw)) ctx.problem([...at, 'environment', variable], message)
      if (RESERVED_ENV.has(variable)) {
        ctx.problem(
          [...at, 'environment', variable],
          `${variable} is reserved by Lambda (choose another name; the runtime sets it)`,
        )
      }
      if (Object.hasOwn(f.secrets, variable)) {
        ctx.problem(
          [...at, 'secrets', variable],
          `${variable} is also in environment (a variable comes from one of environment or secrets)`,
        )
      }
    }
    if (f.bedrock && (raw.bedrock?.models ?? []).length === 0) {
      ctx.problem(
        [...at, 'bedrock'],
        'is true but bedrock.models is empty (list the model IDs this function may invoke)',
      )
    }
    if (
      f.provisioned_concurrency !== undefined &&
      f.reserved_concurrency !== undefined &&
      f.provisioned_concurrency > f.reserved_concurrency
    ) {
      ctx.problem(
        [...at, 'provisioned_concurrency'],
        `${f.provisioned_concurrency} is more than reserved_concurrency ${f.reserved_concurrency} (expected at most ${f.reserved_concurrency})`,
      )
    }

    return {
      logicalId: key,
      name,
      ...(f.description === undefined ? {} : { description: f.description }),
      ...(f.image_uri === undefined
        ? { source, handler: f.handler ?? DEFAULT_HANDLER, runtime: f.runtime ?? defaults.runtime }
        : { imageUri: f.image_uri }),
      ...(f.url === undefined ? {} : { url: functionUrlConfig(f.url) }),
      architecture: f.architecture ?? defaults.architecture,
      memoryMb: f.memory_mb ?? env.LAMBDA_MEMORY ?? defaults.memory_mb,
      timeoutS: f.timeout_s ?? env.LAMBDA_TIMEOUT ?? defaults.timeout_s,
      environment: f.environment,
      secrets: f.secrets,
      tables: f.tables,
      bedrock: f.bedrock,
      ...(f.reserved_concurrency === undefined ? {} : { reservedConcurrency: f.reserved_concurrency }),
      ...(f.provisioned_concurrency === undefined ? {} : { provisionedConcurrency: f.provisioned_concurrency }),
      layers: f.layers,
      // Buckets, queues, triggers and the dead-letter target (a queue of config, or an ARN).
      ...resolveFunctionEvents(ctx, key, f, f.timeout_s ?? env.LAMBDA_TIMEOUT ?? defaults.timeout_s),
      permissions: resolveStatements(ctx, [...at, 'permissions'], f.permissions),
      logRetentionDays: f.log_retention_days ?? defaults.log_retention_days,
      tracing: defaults.tracing,
      bundleAwsSdk: defaults.bundle_aws_sdk,
      tags: ctx.tags([...at, 'tags'], f.tags),
    }
  })
}
