// Pure: a function's queue and stream triggers → event source mappings, its schedules → EventBridge schedules. The
// queue's ARN is known from config; a stream's ARN and the Scheduler role's come from steps 02 and 01.
import { createHash } from 'node:crypto'
import type { QueueTriggerConfig, StreamTriggerConfig, TriggerConfig } from '../config/events-types.js'
import type { FunctionConfig, ResolvedConfig } from '../config/types.js'
import { StepError } from '../errors/index.js'
import type { EventSourceMappingSpec } from '../resources/lambda/event-source-mapping.js'
import type { ScheduleSpec } from '../resources/scheduler/schedule.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { aliasArn } from './bucket-specs.js'
import { queueOutput } from './queue-specs.js'
import type { StepId, Upstream } from './types.js'

// EventBridge Scheduler: names are 1-64 characters of 0-9 a-z A-Z - _ .
const SCHEDULE_NAME_MAX = 64

function missing(what: string, step: StepId, env: string): StepError {
  return new StepError('UpstreamOutputMissing', `reading the outputs of step ${step}: ${what} is not there`, {
    hint: `Run \`infra step ${step} --env ${env}\` (or \`infra deploy-all --env ${env}\`), then rerun the lambda step.`,
  })
}

const triggerId = (fn: FunctionConfig, trigger: TriggerConfig) => `${fn.logicalId}-${trigger.logicalId}`

function sourceArn(
  config: ResolvedConfig,
  trigger: QueueTriggerConfig | StreamTriggerConfig,
  upstream: Upstream,
  planning: boolean,
): string {
  if (trigger.type === 'queue') {
    const queue = config.queues.find((q) => q.logicalId === trigger.queue)!
    return upstream.dynamodb?.queues?.[trigger.queue]?.arn ?? queueOutput(config, queue).arn
  }
  const stream = upstream.dynamodb?.tables[trigger.table]?.streamArn
  if (stream) return stream
  if (planning) return KNOWN_AFTER_APPLY
  throw missing(`the stream of table ${trigger.table} (tables.${trigger.table}.streamArn)`, 'dynamodb', config.env)
}

export function mappingSpecs(
  config: ResolvedConfig,
  fn: FunctionConfig,
  upstream: Upstream,
  planning: boolean,
): EventSourceMappingSpec[] {
  return fn.triggers.flatMap((t): EventSourceMappingSpec[] => {
    if (t.type !== 'queue' && t.type !== 'stream') return []
    const source = t.type === 'queue' ? `queue ${t.queue}` : `table ${t.table}'s stream`
    return [
      {
        logicalId: triggerId(fn, t),
        name: `${fn.name}:${config.environment} <- ${source}`,
        functionArn: aliasArn(config, fn),
        eventSourceArn: sourceArn(config, t, upstream, planning),
        batchSize: t.batchSize,
        windowS: t.windowS,
        reportFailures: t.reportFailures,
        ...(t.type === 'stream' && { startingPosition: t.startingPosition }),
        ...(t.type === 'stream' && t.maxRetries !== undefined && { maxRetries: t.maxRetries }),
        ...(t.type === 'queue' && t.maxConcurrency !== undefined && { maxConcurrency: t.maxConcurrency }),
      },
    ]
  })
}

/** `<function>-<trigger>`, shortened with a hash of the whole when it is over Scheduler's limit. */
export function scheduleName(fn: FunctionConfig, trigger: TriggerConfig): string {
  const full = `${fn.name}-${trigger.logicalId}`
  if (full.length <= SCHEDULE_NAME_MAX) return full
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8)
  return `${full.slice(0, SCHEDULE_NAME_MAX - hash.length - 1)}-${hash}`
}

export function scheduleSpecs(
  config: ResolvedConfig,
  fn: FunctionConfig,
  upstream: Upstream,
  planning: boolean,
): ScheduleSpec[] {
  const schedules = fn.triggers.flatMap((t) => (t.type === 'schedule' ? [t] : []))
  if (schedules.length === 0) return []
  const roleArn = upstream.iam?.roles.scheduler?.arn
  if (roleArn === undefined && !planning) throw missing('the Scheduler role (roles.scheduler.arn)', 'iam', config.env)
  return schedules.map((t) => ({
    logicalId: triggerId(fn, t),
    name: scheduleName(fn, t),
    expression: t.expression,
    timezone: t.timezone,
    targetArn: aliasArn(config, fn),
    roleArn: roleArn ?? KNOWN_AFTER_APPLY,
    ...(t.input !== undefined && { input: t.input }),
    enabled: t.enabled,
  }))
}
