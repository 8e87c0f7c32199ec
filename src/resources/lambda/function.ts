// Lambda function ($LATEST) as an engine kind. Name-unique, so found by name. Created with the role-propagation retry,
// recorded right after the create (a fresh record: no versions, no alias yet), then waited for until Active. Updated
// in the order Lambda demands: tags, then configuration → wait → code → wait (never two updates at once, rule 11).
// Versions go with the function (version.ts); the alias is its own kind (alias.ts).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda'
import type { Tags } from '../../config/types.js'
import { ConfigError, StepError } from '../../errors/index.js'
import { isFunctionBusy, isNotFound } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { changedTags } from '../common.js'
import { converge } from '../engine/converge.js'
import type { Applied, Observation, ResourceKind } from '../engine/kind.js'
import {
  diffFunction,
  isCodeChange,
  isConfigurationChange,
  isTagChange,
  packageTypeOf,
  toCreateFunctionInput,
  toUpdateCodeInput,
  toUpdateConfigurationInput,
  type FunctionCode,
  type FunctionSpec,
  type PackagedFunctionSpec,
} from './function-diff.js'
import { FUNCTION_UPDATE_MS, waitForFunction, withRolePropagation } from './function-wait.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const FUNCTION_KIND = 'lambda-function'

export interface ObservedFunction {
  configuration: FunctionConfiguration
  tags: Tags
  /** An image function's image, as it was given to Lambda (GetFunction's Code.ImageUri). */
  imageUri?: string
}

/** What ensureFunction did, and $LATEST as it is now (undefined when it would be created, or is not ours). */
export interface EnsuredFunction {
  result: Ensured
  latest?: FunctionConfiguration
  /** $LATEST was (or would be) created or its code or configuration changed: a new version must be published. */
  changed: boolean
}

export const functionKey = (logicalId: string) => `${FUNCTION_KIND}:${logicalId}`

async function findFunction(lambda: LambdaClient, name: string): Promise<ObservedFunction | undefined> {
  try {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: name }))
    return (
      out.Configuration && {
        configuration: out.Configuration,
        tags: out.Tags ?? {},
        ...(out.Code?.ImageUri ? { imageUri: out.Code.ImageUri } : {}),
      }
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function observeFunction(ctx: ResourceContext, name: string): Promise<Array<Observation<ObservedFunction>>> {
  const found = await findFunction(ctx.aws.get(LambdaClient), name)
  return found ? [{ observed: found, arn: found.configuration.FunctionArn, tags: found.tags }] : []
}

/**
 * Only an offline plan has no package, and the engine never gets as far as a create or an upload in one. An image
 * function has none: its URI is its code.
 */
function packageOf(spec: PackagedFunctionSpec): FunctionCode | undefined {
  if (spec.code || spec.imageUri) return spec.code
  throw new StepError('FunctionNotPackaged', `deploying Lambda function (${spec.name}): its handler was not packaged`)
}

async function applyFunctionChanges(
  ctx: ResourceContext,
  observed: ObservedFunction,
  spec: PackagedFunctionSpec,
  changes: Change[],
): Promise<Applied<ObservedFunction>> {
  const lambda = ctx.aws.get(LambdaClient)
  const tags = changedTags(changes)
  const configuration = changes.filter(isConfigurationChange)
  const code = changes.some(isCodeChange)
  let latest = observed.configuration
  if (Object.keys(tags).length > 0) {
    await lambda.send(new TagResourceCommand({ Resource: latest.FunctionArn, Tags: tags }))
    // A tag change gives $LATEST a new RevisionId; PublishVersion is later given the one read last.
    if (configuration.length === 0 && !code)
      latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: spec.name }))
  }
  if (configuration.length > 0) {
    ctx.log(`${spec.name}: updating configuration (${configuration.map((c) => c.field).join(', ')})`)
    await withRolePropagation(ctx, spec, 'updating', () =>
      lambda.send(new UpdateFunctionConfigurationCommand(toUpdateConfigurationInput(spec, configuration))),
    )
    latest = await waitForFunction(ctx, spec.name, 'updated')
  }
  if (code) {
    const pkg = packageOf(spec)
    ctx.log(
      `${spec.name}: ${pkg ? `uploading code (${pkg.zip.byteLength} bytes)` : `deploying image ${spec.imageUri}`}`,
    )
    await retryWhile(() => lambda.send(new UpdateFunctionCodeCommand(toUpdateCodeInput(spec, pkg))), isFunctionBusy, {
      timeoutMs: FUNCTION_UPDATE_MS * ctx.timing.deadlineScale,
      label: `updating the code of Lambda function (${spec.name})`,
      backoff: ctx.timing.retry,
      report: { to: ctx, resource: `function ${spec.name}`, state: 'not busy' },
    })
    latest = await waitForFunction(ctx, spec.name, 'updated')
  }
  return {
    observed: {
      configuration: latest,
      tags: { ...observed.tags, ...tags },
      ...(spec.imageUri ? { imageUri: spec.imageUri } : {}),
    },
  }
}

export const functionKind: ResourceKind<PackagedFunctionSpec, ObservedFunction> = {
  kind: FUNCTION_KIND,
  label: 'Lambda function',
  codePrefix: 'Function',
  identity: 'name',
  find: (ctx, spec) => observeFunction(ctx, spec.name),
  early: { service: 'lambda', read: (ctx, recorded) => observeFunction(ctx, recorded.name) },
  diff: diffFunction,
  // Lambda cannot turn a zip function into an image function or back.
  refuse(observed, spec) {
    const have = observed.configuration.PackageType ?? 'Zip'
    if (have === packageTypeOf(spec)) return
    throw new ConfigError(
      'FunctionPackageTypeChange',
      `updating Lambda function (${spec.name}): it is a ${have} function and config makes it ${packageTypeOf(spec)}; Lambda cannot change a function's package type`,
      {
        hint: 'Keep its package type, or move it to a new key in functions of config.json (the old function is removed as config no longer has it), then rerun',
      },
    )
  },
  async create(ctx, spec) {
    const input = toCreateFunctionInput(spec, packageOf(spec))
    const created = await withRolePropagation(ctx, spec, 'creating', () =>
      ctx.aws.get(LambdaClient).send(new CreateFunctionCommand(input)),
    )
    const observed = { configuration: created, tags: spec.tags, ...(spec.imageUri ? { imageUri: spec.imageUri } : {}) }
    return { observed, arn: created.FunctionArn, tags: spec.tags }
  },
  apply: applyFunctionChanges,
  // Left mid-change by an interrupted run (or another tool): waited for before anything else (rule 26).
  busy: (o) => o.configuration.State === 'Pending' || o.configuration.LastUpdateStatus === 'InProgress',
  async waitFor(ctx, observed, spec) {
    const { State, LastUpdateStatus } = observed.configuration
    if (State !== 'Pending' && LastUpdateStatus !== 'InProgress') return observed
    const until = State === 'Pending' ? 'active' : 'updated'
    return { ...observed, configuration: await waitForFunction(ctx, spec.name, until) }
  },
  // Its versions, aliases, permissions and concurrency settings go with it.
  async delete(ctx, record) {
    await ctx.aws.get(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: record.name }))
  },
  attributes: (o) => ({ codeSha256: o.configuration.CodeSha256 }),
  describe: (spec) => describeFunctionSpec(spec, spec.code),
}

/** Pure: whether $LATEST was (or would be) made or changed by what converge reports; a tag change alone does not count. */
export function latestChanged(result: Ensured): boolean {
  if (result.action === 'created' || result.action === 'would-create') return true
  return result.changes.some((c) => !isTagChange(c))
}

export async function ensureFunction(ctx: ResourceContext, spec: PackagedFunctionSpec): Promise<EnsuredFunction> {
  const { result, observed } = await converge(ctx, functionKind, spec)
  return { result, latest: observed?.configuration, changed: latestChanged(result) }
}

export function describeFunctionSpec(spec: FunctionSpec, code?: FunctionCode): string {
  return [
    `${spec.imageUri ? `image ${spec.imageUri}` : spec.runtime} ${spec.architecture}, ${spec.memoryMb} MB, ${spec.timeoutS} s`,
    `env ${Object.keys(spec.environment).join(' ')}`,
    ...(code ? [`code ${code.codeSha256.slice(0, 12)}… (${Math.round(code.zip.length / 1024)} KiB)`] : []),
  ].join(', ')
}
