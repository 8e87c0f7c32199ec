// Bedrock model invocation logging: ONE setting per account and region, shared by every service there. infra sets it
// only when nothing is set, when what is set is what infra set before (the manifest records it), or when the user
// takes it over; a delete removes only a setting that is still the one infra set, and restores nothing.
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
  type LoggingConfig,
} from '@aws-sdk/client-bedrock'
import { StepError } from '../../errors/index.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'

export const INVOCATION_LOGGING_KIND = 'bedrock-invocation-logging'

export interface InvocationLoggingSpec {
  logicalId: string
  /** For people: `model invocation logging (<region>)`. */
  name: string
  loggingConfig: LoggingConfig
  /** `--take-over-logging`: replace a setting someone else made. */
  takeOver: boolean
  /** What the user runs to take it over (the step's command with the flag). */
  takeOverCommand: string
}

export interface ObservedInvocationLogging {
  loggingConfig: LoggingConfig
  /** What is set is what the manifest says infra set. */
  setByUs: boolean
}

/** The fields that make two settings the same (AWS may answer absent booleans as false). */
function essentials(c: LoggingConfig | undefined) {
  return {
    cloudWatch: c?.cloudWatchConfig
      ? { logGroupName: c.cloudWatchConfig.logGroupName, roleArn: c.cloudWatchConfig.roleArn }
      : null,
    s3: c?.s3Config ? { bucketName: c.s3Config.bucketName, keyPrefix: c.s3Config.keyPrefix ?? '' } : null,
    text: !!c?.textDataDeliveryEnabled,
    image: !!c?.imageDataDeliveryEnabled,
    embedding: !!c?.embeddingDataDeliveryEnabled,
    video: !!c?.videoDataDeliveryEnabled,
    audio: !!c?.audioDataDeliveryEnabled,
  }
}

export const sameLogging = (a: LoggingConfig | undefined, b: LoggingConfig | undefined) =>
  JSON.stringify(essentials(a)) === JSON.stringify(essentials(b))

/** One line for people: where the setting sends logs. */
export function describeLogging(c: LoggingConfig): string {
  const to = [
    c.cloudWatchConfig && `log group ${c.cloudWatchConfig.logGroupName} (role ${c.cloudWatchConfig.roleArn})`,
    c.s3Config && `s3://${c.s3Config.bucketName}/${c.s3Config.keyPrefix ?? ''}`,
  ].filter(Boolean)
  return to.length > 0 ? to.join(' and ') : 'no destination'
}

const bedrock = (ctx: ResourceContext) => ctx.aws.get(BedrockClient)

async function readLogging(ctx: ResourceContext): Promise<LoggingConfig | undefined> {
  return (await bedrock(ctx).send(new GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig
}

async function put(ctx: ResourceContext, spec: InvocationLoggingSpec): Promise<void> {
  await bedrock(ctx).send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: spec.loggingConfig }))
}

/** The account's setting, and whether it is the one this environment recorded as set by it. */
async function findLogging(
  ctx: ResourceContext,
  recorded: ResourceRecord | undefined,
): Promise<Array<Observation<ObservedInvocationLogging>>> {
  const loggingConfig = await readLogging(ctx)
  if (!loggingConfig) return []
  const setByUs = sameLogging(loggingConfig, recorded?.attributes?.loggingConfig as LoggingConfig | undefined)
  return [{ observed: { loggingConfig, setByUs } }]
}

export const invocationLoggingKind: ResourceKind<InvocationLoggingSpec, ObservedInvocationLogging> = {
  kind: INVOCATION_LOGGING_KIND,
  label: 'Bedrock model invocation logging',
  codePrefix: 'InvocationLogging',
  identity: 'name',
  // An account setting has no tags; whose it is comes from the manifest (setByUs).
  ownership: 'parent',
  find: (ctx, _spec, recorded) => findLogging(ctx, recorded),
  early: { service: 'bedrock', read: findLogging },
  diff: (observed, spec) =>
    sameLogging(observed.loggingConfig, spec.loggingConfig)
      ? []
      : [
          {
            field: 'loggingConfig',
            from: describeLogging(observed.loggingConfig),
            to: describeLogging(spec.loggingConfig),
          },
        ],
  refuse(observed, spec) {
    if (observed.setByUs || spec.takeOver || sameLogging(observed.loggingConfig, spec.loggingConfig)) return
    throw new StepError(
      'InvocationLoggingInUse',
      `checking ${spec.name}: it is already set, not by this service and environment — it sends model invocation logs to ${describeLogging(observed.loggingConfig)}; infra does not overwrite it silently (it is one setting for the whole account and region)`,
      {
        hint: `If this service should own the account's Bedrock logging, rerun with --take-over-logging: \`${spec.takeOverCommand}\`; otherwise remove bedrock.invocation_logging from config.json.`,
      },
    )
  },
  async create(ctx, spec) {
    await put(ctx, spec)
    return { observed: { loggingConfig: spec.loggingConfig, setByUs: true } }
  },
  async apply(ctx, _observed, spec) {
    await put(ctx, spec)
    return { observed: { loggingConfig: spec.loggingConfig, setByUs: true } }
  },
  async delete(ctx, record) {
    const set = record.attributes?.loggingConfig as LoggingConfig | undefined
    const now = await readLogging(ctx)
    // Someone changed it since: theirs now, left as it is.
    if (!now || !sameLogging(now, set)) return
    await bedrock(ctx).send(new DeleteModelInvocationLoggingConfigurationCommand({}))
  },
  attributes: (observed) => ({ loggingConfig: observed.loggingConfig }),
  describe: (spec) => `logs to ${describeLogging(spec.loggingConfig)}`,
}
