// FakeLambda's event source mappings (SQS queues and DynamoDB streams): Creating → Enabled and Updating → Enabled
// counted in reads (describesUntilActive), one mapping per function and source, the SQS and stream rules Lambda
// enforces, and the role check that fails while a new role policy has not propagated. What it models: lambda.md.
import { randomUUID } from 'node:crypto'
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  ResourceInUseException,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingRequest,
  type EventSourceMappingConfiguration,
  type UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda'
import { awsError, on } from './core.js'
import { conflict, invalidParameter, notFound, type Entry } from './lambda-model.js'
import type { LambdaStore } from './lambda-store.js'

export interface MappingState extends EventSourceMappingConfiguration {
  /** Reads left before a Creating or Updating mapping shows Enabled. */
  readsUntilSettled: number
}

const SETTINGS = [
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FunctionResponseTypes',
  'MaximumRetryAttempts',
  'ScalingConfig',
] as const
// Lambda's read action per source, named in the role error.
const isSqs = (arn: string) => arn.split(':')[2] === 'sqs'
const isStream = (arn: string) => /^arn:aws[a-z-]*:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\//.test(arn)

function checkSettings(m: Partial<MappingState>, arn: string): void {
  const batch = m.BatchSize ?? (isSqs(arn) ? 10 : 100)
  if (isSqs(arn) && arn.endsWith('.fifo') && (m.MaximumBatchingWindowInSeconds ?? 0) > 0)
    throw invalidParameter('Batching window is not supported for FIFO queues.')
  if (isSqs(arn) && batch > 10 && (m.MaximumBatchingWindowInSeconds ?? 0) < 1)
    throw invalidParameter(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    )
  if (batch < 1 || batch > 10_000) throw invalidParameter(`BatchSize ${batch} is out of range: 1 to 10000.`)
}

export function eventSourceHandlers(store: LambdaStore): Entry[] {
  const mappings = () => store.eventSourceMappings

  const byUuid = (uuid: string | undefined): MappingState => {
    const m = uuid ? mappings()[uuid] : undefined
    if (!m) throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404)`)
    return m
  }

  /** What a read shows: the transition advances by one read. */
  const observe = (m: MappingState): EventSourceMappingConfiguration => {
    if (m.State === 'Creating' || m.State === 'Updating') {
      if (m.readsUntilSettled <= 0) m.State = 'Enabled'
      else m.readsUntilSettled--
    }
    const { readsUntilSettled: _, ...visible } = m
    return structuredClone(visible)
  }

  const create = (i: CreateEventSourceMappingRequest) => {
    const source = i.EventSourceArn ?? ''
    const { name, qualifier } = store.parseRef(i.FunctionName)
    const fn = store.fnOrThrow(name, qualifier)
    if (qualifier && qualifier !== '$LATEST' && !/^\d+$/.test(qualifier) && !fn.aliases[qualifier])
      throw notFound(`Function not found: ${store.arn(name, qualifier)}`)
    if (!isSqs(source) && !isStream(source)) throw invalidParameter(`Unrecognized event source: ${source}`)
    if (isSqs(source) && i.StartingPosition)
      throw invalidParameter('StartingPosition is not valid for SQS event sources.')
    if (isStream(source) && !i.StartingPosition)
      throw invalidParameter(
        '1 validation error: StartingPosition must be specified for DynamoDB stream event sources.',
      )
    checkSettings(i, source)
    const functionArn = store.arn(name, qualifier)
    const duplicate = Object.values(mappings()).find(
      (m) => m.FunctionArn === functionArn && m.EventSourceArn === source,
    )
    if (duplicate)
      throw conflict(
        `An event source mapping with ${isSqs(source) ? 'SQS' : 'DynamoDB'} arn (" ${source} ") and function (" ${name} ") already exists. Please update or delete the existing mapping with UUID ${duplicate.UUID}`,
      )
    if (store.mappingRoleFailures > 0) {
      store.mappingRoleFailures--
      const action = isSqs(source) ? 'ReceiveMessage on SQS' : 'GetRecords on DynamoDB Streams'
      throw invalidParameter(`The provided execution role does not have permissions to call ${action}`)
    }
    const uuid = randomUUID()
    const mapping: MappingState = {
      UUID: uuid,
      EventSourceMappingArn: `arn:aws:lambda:${store.region}:${store.accountId}:event-source-mapping:${uuid}`,
      FunctionArn: functionArn,
      EventSourceArn: source,
      State: 'Creating',
      StateTransitionReason: 'USER_INITIATED',
      LastModified: new Date(store.clock.now()),
      BatchSize: i.BatchSize ?? (isSqs(source) ? 10 : 100),
      MaximumBatchingWindowInSeconds: i.MaximumBatchingWindowInSeconds ?? 0,
      FunctionResponseTypes: i.FunctionResponseTypes ?? [],
      ...(i.StartingPosition && { StartingPosition: i.StartingPosition }),
      ...(isStream(source) && { MaximumRetryAttempts: i.MaximumRetryAttempts ?? -1 }),
      ...(i.ScalingConfig?.MaximumConcurrency !== undefined && { ScalingConfig: i.ScalingConfig }),
      readsUntilSettled: store.describesUntilActive,
    }
    mappings()[uuid] = mapping
    const { readsUntilSettled: _, ...visible } = mapping
    return visible
  }

  const update = (i: UpdateEventSourceMappingRequest) => {
    const m = byUuid(i.UUID)
    if (m.State !== 'Enabled' && m.State !== 'Disabled')
      throw awsError(ResourceInUseException, `Cannot update the event source mapping because it is in use.`, {
        Type: 'User',
      })
    const next: Partial<MappingState> = { ...m }
    for (const key of SETTINGS) if (i[key] !== undefined) (next as Record<string, unknown>)[key] = i[key]
    if (i.ScalingConfig && i.ScalingConfig.MaximumConcurrency === undefined) delete next.ScalingConfig
    checkSettings(next, m.EventSourceArn ?? '')
    Object.assign(m, next, {
      State: 'Updating',
      readsUntilSettled: store.describesUntilUpdated,
      LastModified: new Date(store.clock.now()),
    })
    const { readsUntilSettled: _, ...visible } = m
    return visible
  }

  return [
    on(CreateEventSourceMappingCommand, create),
    on(GetEventSourceMappingCommand, (i) => observe(byUuid(i.UUID))),
    on(UpdateEventSourceMappingCommand, update),
    on(DeleteEventSourceMappingCommand, (i) => {
      const m = byUuid(i.UUID)
      if (m.State === 'Creating' || m.State === 'Updating')
        throw awsError(ResourceInUseException, 'Cannot delete the event source mapping because it is in use.', {
          Type: 'User',
        })
      delete mappings()[m.UUID!]
      const { readsUntilSettled: _, ...visible } = m
      return { ...visible, State: 'Deleting' }
    }),
    on(ListEventSourceMappingsCommand, (i) => {
      const ref = i.FunctionName ? store.parseRef(i.FunctionName) : undefined
      const matches = Object.values(mappings()).filter((m) => {
        if (i.EventSourceArn && m.EventSourceArn !== i.EventSourceArn) return false
        if (!ref) return true
        return ref.qualifier
          ? m.FunctionArn === store.arn(ref.name, ref.qualifier)
          : m.FunctionArn?.startsWith(store.arn(ref.name))
      })
      return { EventSourceMappings: matches.map(observe) }
    }),
  ]
}
