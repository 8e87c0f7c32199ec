// Pure: config → step 10's guardrail, its version's definition hash, and the invocation logging setting with its log
// group. Unit-tested without AWS.
import type { LoggingConfig } from '@aws-sdk/client-bedrock'
import { expandTemplate, templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import type { GuardrailSpec } from '../resources/bedrock/guardrail-diff.js'
import type { LogGroupSpec } from '../resources/logs/log-group.js'

const GUARDRAIL_NAME = /^[0-9a-zA-Z_-]{1,50}$/
type Strength = GuardrailSpec['contentFilters'][number]['inputStrength']

function invalid(field: string, message: string): ConfigError {
  return new ConfigError('InvalidConfig', `bedrock.guardrail.${field}: ${message}`, {
    hint: 'Fix the bedrock section of config.json, then rerun.',
  })
}

/** The guardrail config describes, or undefined when it has none. Throws ConfigError for what AWS would refuse. */
export function guardrailSpec(config: ResolvedConfig): GuardrailSpec | undefined {
  const raw = config.sections.bedrock?.guardrail
  if (!raw) return undefined
  const vars = templateVars(config)
  const expand = (field: string, template: string) => {
    const { value, problems } = expandTemplate(template, vars)
    if (problems.length > 0) throw invalid(field, problems.join('; '))
    return value
  }
  const name = expand('name', raw.name)
  if (!GUARDRAIL_NAME.test(name))
    throw invalid('name', `"${name}" is not a guardrail name (1-50 characters of A-Z a-z 0-9 - _)`)
  const contentFilters = Object.entries(raw.content_filters).map(([type, filter]) => {
    const [input, output]: [Strength, Strength] =
      typeof filter === 'string' ? [filter, type === 'PROMPT_ATTACK' ? 'NONE' : filter] : [filter.input, filter.output]
    if (type === 'PROMPT_ATTACK' && output !== 'NONE')
      throw invalid('content_filters.PROMPT_ATTACK', 'prompt attacks are filtered in input only: set output to NONE')
    return {
      type: type as GuardrailSpec['contentFilters'][number]['type'],
      inputStrength: input,
      outputStrength: output,
    }
  })
  return {
    logicalId: 'guardrail',
    name,
    ...(raw.description !== undefined ? { description: expand('description', raw.description) } : {}),
    contentFilters,
    deniedTopics: raw.denied_topics.map((t) => ({ name: t.name, definition: t.definition, examples: t.examples })),
    words: raw.word_filters,
    profanity: raw.profanity_filter,
    pii: Object.entries(raw.pii_entities).map(([type, action]) => ({
      type: type as GuardrailSpec['pii'][number]['type'],
      action: action!,
    })),
    blockedInputMessaging: raw.blocked_input_message,
    blockedOutputsMessaging: raw.blocked_output_message,
    tags: config.tags,
  }
}

/** Invocation logging's log group (its name resolved with the bedrock logging role), or undefined without it. */
export function invocationLogGroupSpec(config: ResolvedConfig): LogGroupSpec | undefined {
  const logging = config.sections.bedrock?.invocation_logging
  const role = config.iam.bedrockLoggingRole
  if (!logging || !role) return undefined
  return {
    logicalId: 'bedrock-invocations',
    name: role.logGroupName,
    retentionDays: logging.retention_days,
    tags: config.tags,
  }
}

// S3's bucket naming rules (3-63 lower-case letters, digits, dots and hyphens, a letter or digit at each end).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

export interface S3Destination {
  bucketName: string
  keyPrefix: string
}

/** Where invocation logs also go when config names a bucket; throws ConfigError for a name S3 would refuse. */
export function invocationS3Destination(config: ResolvedConfig): S3Destination | undefined {
  const s3 = config.sections.bedrock?.invocation_logging?.s3
  if (!s3) return undefined
  const { value: bucketName, problems } = expandTemplate(s3.bucket, templateVars(config))
  const field = 'bedrock.invocation_logging.s3'
  const refuse = (message: string) =>
    new ConfigError('InvalidConfig', `${field}.${message}`, {
      hint: 'Fix the bedrock section of config.json, then rerun.',
    })
  if (problems.length > 0) throw refuse(`bucket: ${problems.join('; ')}`)
  if (!BUCKET_NAME.test(bucketName)) throw refuse(`bucket: "${bucketName}" is not an S3 bucket name`)
  if (s3.prefix.startsWith('/')) throw refuse(`prefix: "${s3.prefix}" must not start with /`)
  return { bucketName, keyPrefix: s3.prefix }
}

/**
 * The account's setting as this service wants it: text logs to its log group through step 01's role, and to a bucket
 * when config names one (Bedrock writes there under the bucket's own policy).
 */
export function loggingConfig(logGroupName: string, roleArn: string, s3?: S3Destination): LoggingConfig {
  return {
    cloudWatchConfig: { logGroupName, roleArn },
    ...(s3 ? { s3Config: s3.keyPrefix ? s3 : { bucketName: s3.bucketName } } : {}),
    textDataDeliveryEnabled: true,
    imageDataDeliveryEnabled: false,
    embeddingDataDeliveryEnabled: false,
  }
}
