// An event source mapping: Lambda polls an SQS queue or a DynamoDB stream and invokes the function's alias with
// batches. Lambda refuses a second mapping of the same source to the same function, so it is found by the pair
// (after the manifest's UUID); it has no tags of its own here and is ours because the function is. The function's
// role must allow the reads first: a role policy just widened is retried through IAM propagation.
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda'
import { isNotFound, isRolePropagationError } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { retryWhile } from '../../aws/retry.js'
import { StepError } from '../../errors/index.js'
import type { ResourceKind } from '../engine/kind.js'
import { KNOWN_AFTER_APPLY, type Change, type ResourceContext } from '../types.js'

export const EVENT_SOURCE_MAPPING_KIND = 'lambda-event-source-mapping'
/** terraform-provider-aws's IAM propagation budget. */
const IAM_PROPAGATION_MS = 2 * 60_000
const SETTLE_MS = 10 * 60_000
const BUSY = new Set(['Creating', 'Updating', 'Enabling', 'Disabling'])
const REPORT_FAILURES = 'ReportBatchItemFailures' as const

export interface EventSourceMappingSpec {
  /** Manifest key `lambda-event-source-mapping:<function key>-<trigger key>`. */
  logicalId: string
  /** `<function>:<alias> <- <source>`, for people and the manifest. */
  name: string
  /** The alias ARN: batches go to the environment's alias, as API Gateway's requests do. */
  functionArn: string
  eventSourceArn: string
  batchSize: number
  windowS: number
  reportFailures: boolean
  /** Streams only: fixed once created. */
  startingPosition?: 'LATEST' | 'TRIM_HORIZON'
  /** Streams only (-1: until the record expires). */
  maxRetries?: number
  /** SQS only: how many concurrent invocations the mapping may use. */
  maxConcurrency?: number
}

type Mapping = EventSourceMappingConfiguration

/** Pure: the settings that differ, one entry each. */
export function diffMapping(have: Mapping, want: EventSourceMappingSpec): Change[] {
  const changes: Change[] = []
  const field = (name: string, from: unknown, to: unknown) => {
    if (from !== to) changes.push({ field: name, from: from ?? 'none', to: to ?? 'none' })
  }
  field('EventSourceArn', have.EventSourceArn, want.eventSourceArn)
  field('BatchSize', have.BatchSize, want.batchSize)
  field('MaximumBatchingWindowInSeconds', have.MaximumBatchingWindowInSeconds ?? 0, want.windowS)
  field('FunctionResponseTypes', have.FunctionResponseTypes?.includes(REPORT_FAILURES) ?? false, want.reportFailures)
  if (want.maxRetries !== undefined) field('MaximumRetryAttempts', have.MaximumRetryAttempts, want.maxRetries)
  field('ScalingConfig', have.ScalingConfig?.MaximumConcurrency, want.maxConcurrency)
  return changes
}

function settings(spec: EventSourceMappingSpec) {
  return {
    BatchSize: spec.batchSize,
    MaximumBatchingWindowInSeconds: spec.windowS,
    FunctionResponseTypes: spec.reportFailures ? [REPORT_FAILURES] : [],
    ...(spec.maxRetries !== undefined && { MaximumRetryAttempts: spec.maxRetries }),
    // An empty ScalingConfig removes a maximum set before.
    ScalingConfig: spec.maxConcurrency === undefined ? {} : { MaximumConcurrency: spec.maxConcurrency },
  }
}

async function getMapping(ctx: ResourceContext, uuid: string): Promise<Mapping | undefined> {
  try {
    const { $metadata: _, ...mapping } = await ctx.aws
      .get(LambdaClient)
      .send(new GetEventSourceMappingCommand({ UUID: uuid }))
    return mapping
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

const observation = (m: Mapping) => ({
  observed: m,
  ...(m.UUID && { id: m.UUID }),
  ...(m.EventSourceMappingArn && { arn: m.EventSourceMappingArn }),
})

async function waitSettled(ctx: ResourceContext, mapping: Mapping, spec: EventSourceMappingSpec): Promise<Mapping> {
  return pollUntil({
    read: async () => (await getMapping(ctx, mapping.UUID!)) ?? { ...mapping, State: 'Deleted' },
    judge: (m) =>
      BUSY.has(m.State ?? '') ? 'waiting' : m.State === 'Deleted' ? { failed: 'the mapping disappeared' } : 'done',
    describe: (m) => `${m.State}${m.StateTransitionReason ? ` (${m.StateTransitionReason})` : ''}`,
    label: `waiting for Lambda event source mapping (${spec.name})`,
    timeoutMs: SETTLE_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: `event source mapping ${spec.name}`, state: 'settled' },
  })
}

export const eventSourceMappingKind: ResourceKind<EventSourceMappingSpec, Mapping> = {
  kind: EVENT_SOURCE_MAPPING_KIND,
  label: 'Lambda event source mapping',
  codePrefix: 'EventSourceMapping',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec, recorded) {
    // A plan of a new environment: the stream does not exist yet, so neither can a mapping of it.
    if (spec.eventSourceArn === KNOWN_AFTER_APPLY) return []
    // The recorded one even when its source changed (a table's stream re-enabled has a new ARN): apply replaces it.
    const byId = recorded?.id ? await getMapping(ctx, recorded.id) : undefined
    if (byId && byId.State !== 'Deleting') return [observation(byId)]
    try {
      const out = await ctx.aws
        .get(LambdaClient)
        .send(
          new ListEventSourceMappingsCommand({ FunctionName: spec.functionArn, EventSourceArn: spec.eventSourceArn }),
        )
      return (out.EventSourceMappings ?? []).filter((m) => m.State !== 'Deleting').map(observation)
    } catch (e) {
      // The function (or its alias) is not made yet: a plan of a new environment.
      if (isNotFound(e)) return []
      throw e
    }
  },
  diff: diffMapping,
  refuse(have, want) {
    if (want.startingPosition === undefined || have.StartingPosition === want.startingPosition) return
    throw new StepError(
      'EventSourceMappingStartingPosition',
      `updating Lambda event source mapping (${want.name}): its starting position is ${have.StartingPosition}, fixed when it was created`,
      { hint: 'Keep starting_position as it is, or rename the trigger in config.json (a new mapping is made).' },
    )
  },
  busy: (m) => BUSY.has(m.State ?? ''),
  waitFor: waitSettled,
  async create(ctx, spec) {
    return observation(await createMapping(ctx, spec))
  },
  async apply(ctx, observed, spec, changes) {
    // A mapping's source cannot change: the old one goes and a new one is made.
    if (changes.some((c) => c.field === 'EventSourceArn')) {
      await ctx.aws.get(LambdaClient).send(new DeleteEventSourceMappingCommand({ UUID: observed.UUID }))
      return {
        observed: await waitSettled(ctx, await createMapping(ctx, spec), spec),
        notes: ['its source changed: replaced'],
      }
    }
    const out = await ctx.aws
      .get(LambdaClient)
      .send(new UpdateEventSourceMappingCommand({ UUID: observed.UUID, ...settings(spec) }))
    const { $metadata: _, ...updated } = out
    return { observed: await waitSettled(ctx, updated, spec) }
  },
  async delete(ctx, record) {
    if (record.id) await ctx.aws.get(LambdaClient).send(new DeleteEventSourceMappingCommand({ UUID: record.id }))
  },
  attributes: (_, spec) => ({ eventSourceArn: spec.eventSourceArn }),
  describe: (spec) =>
    `batches of ${spec.batchSize}${spec.windowS ? ` within ${spec.windowS} s` : ''}${spec.reportFailures ? ', partial batch failures' : ''}`,
}

async function createMapping(ctx: ResourceContext, spec: EventSourceMappingSpec): Promise<Mapping> {
  const mapping = await retryWhile(
    () =>
      ctx.aws.get(LambdaClient).send(
        new CreateEventSourceMappingCommand({
          FunctionName: spec.functionArn,
          EventSourceArn: spec.eventSourceArn,
          ...(spec.startingPosition && { StartingPosition: spec.startingPosition }),
          ...settings(spec),
        }),
      ),
    // The role's new permission to read the queue or stream is not visible to Lambda yet.
    isRolePropagationError,
    {
      timeoutMs: IAM_PROPAGATION_MS * ctx.timing.deadlineScale,
      label: `creating Lambda event source mapping (${spec.name})`,
      backoff: ctx.timing.retry,
      report: { to: ctx, resource: `event source mapping ${spec.name}`, state: 'role permissions visible' },
    },
  )
  const { $metadata: _, ...created } = mapping
  return created
}
