import { z } from 'zod'

// The shape of config.json. Snake case, as in the manual's config.json. Names are templates:
// `${SERVICE_NAME}`, `${ENVIRONMENT}`, `${AWS_REGION}`, `${DOMAIN}`, `${ACCOUNT_ID}` and `${name}` (the entry's key)
// are expanded per environment by resolve.ts. Sections for steps that are not implemented yet stay loose (looseObject) until
// their issue makes them work.

const nameTemplate = z
  .string()
  .min(1)
  .describe(
    'Name template: ${SERVICE_NAME}, ${ENVIRONMENT}, ${AWS_REGION}, ${DOMAIN}, ${ACCOUNT_ID} and (in tables and functions) ${name} are expanded',
  )

// PutRetentionPolicy accepts only these values; anything else fails at deploy time, so reject it here.
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const
const logRetentionDays = z.literal(LOG_RETENTION_DAYS).describe('A CloudWatch Logs retention period in days')
const logicalId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, starting with a letter')

export const attributeTypeSchema = z.enum(['S', 'N', 'B'])
export const keyAttributeSchema = z.union([
  z.string().min(1).describe('Attribute name (type S)'),
  z.strictObject({ name: z.string().min(1), type: attributeTypeSchema.default('S') }),
])

export const billingModeSchema = z.enum(['PAY_PER_REQUEST', 'PROVISIONED'])
export const capacitySchema = z.strictObject({ read: z.int().min(1), write: z.int().min(1) })
export const streamViewSchema = z.enum(['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'])
export const tagsSchema = z.record(z.string().min(1).max(128), z.string().max(256))

const projectionSchema = z.union([
  z.enum(['ALL', 'KEYS_ONLY']),
  z.strictObject({ include: z.array(z.string().min(1)).min(1).max(20) }),
])

export const globalIndexSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'index names are 3-255 characters of A-Z a-z 0-9 _ . -'),
  partition_key: keyAttributeSchema,
  sort_key: keyAttributeSchema.optional(),
  projection: projectionSchema.default('ALL'),
  capacity: capacitySchema.optional().describe('Required when the table is PROVISIONED'),
})

export const tableSchema = z.strictObject({
  name: nameTemplate.optional().describe('Defaults to name_pattern with ${name} = the key of this entry'),
  partition_key: keyAttributeSchema,
  sort_key: keyAttributeSchema.optional(),
  billing_mode: billingModeSchema.optional().describe('Default PAY_PER_REQUEST; DYNAMODB_BILLING in the env file wins'),
  capacity: capacitySchema.optional().describe('Required when billing_mode is PROVISIONED'),
  global_indexes: z.array(globalIndexSchema).max(20).default([]),
  stream: z.union([streamViewSchema, z.literal(false)]).default(false),
  ttl_attribute: z.string().min(1).optional(),
  point_in_time_recovery: z.boolean().optional().describe('Default: on in production environments'),
  deletion_protection: z.boolean().optional().describe('Default: on in production environments'),
  encryption: z
    .union([z.enum(['AWS_OWNED', 'AWS_MANAGED']), z.strictObject({ kms_key_arn: z.string().startsWith('arn:') })])
    .default('AWS_OWNED'),
  table_class: z.enum(['STANDARD', 'STANDARD_INFREQUENT_ACCESS']).default('STANDARD'),
  tags: tagsSchema.default({}),
})

export const tableAccessSchema = z.enum(['read', 'read-write'])

export const functionSchema = z.strictObject({
  name: nameTemplate.optional(),
  description: z.string().max(256).optional(),
  source: z.string().min(1).describe('Entry file of the handler, relative to config.json'),
  handler: z.string().default('index.handler'),
  runtime: z.string().optional(),
  architecture: z.enum(['arm64', 'x86_64']).optional(),
  memory_mb: z.int().min(128).max(10240).optional(),
  timeout_s: z.int().min(1).max(900).optional(),
  environment: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string()).default({}),
  secrets: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string().startsWith('/'))
    .default({})
    .describe('Env var name -> SSM SecureString parameter name; the function gets the parameter name, never the value'),
  tables: z.record(logicalId, tableAccessSchema).default({}).describe('Tables this function may use, and how'),
  bedrock: z.boolean().default(false).describe('May invoke the configured Bedrock models (and apply the guardrail)'),
  reserved_concurrency: z.int().min(0).optional(),
  provisioned_concurrency: z.int().min(1).optional(),
  layers: z.array(z.string().startsWith('arn:')).max(5).default([]),
  dead_letter_arn: z.string().startsWith('arn:').optional(),
  log_retention_days: logRetentionDays.optional(),
  tags: tagsSchema.default({}),
})

export const lambdaDefaultsSchema = z.strictObject({
  runtime: z.string().default('nodejs22.x'),
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  memory_mb: z.int().min(128).max(10240).default(512),
  timeout_s: z.int().min(1).max(900).default(30),
  log_retention_days: logRetentionDays.default(30),
  tracing: z.enum(['Active', 'PassThrough']).default('Active'),
  bundle_aws_sdk: z
    .boolean()
    .default(true)
    .describe('Bundle the AWS SDK into each package instead of using the runtime copy'),
})

export const iamSchema = z.strictObject({
  lambda_role: z
    .strictObject({
      name: nameTemplate.default('${SERVICE_NAME}-lambda-role'),
      managed_policy_arns: z
        .array(z.string().regex(/^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/./, 'an IAM policy ARN'))
        .default([])
        .describe(
          'Managed policies to attach; none by default: the inline policy already covers each function’s own logs',
        ),
    })
    .prefault({}),
  bedrock_logging_role: z.strictObject({ name: nameTemplate.default('${SERVICE_NAME}-bedrock-role') }).prefault({}),
})

const endpointSchema = z.looseObject({
  path: z.string().startsWith('/'),
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'ANY'])).min(1),
  function: logicalId.optional(),
  public: z.boolean().default(false),
})

// Loose until the API/WebSocket/Cognito issue makes these work.
export const restApiSchema = z.looseObject({
  name: nameTemplate.default('${SERVICE_NAME}-rest-api'),
  endpoints: z.array(endpointSchema).default([]),
})
export const websocketApiSchema = z.looseObject({
  name: nameTemplate.default('${SERVICE_NAME}-websocket-api'),
  route_selection_expression: z.string().default('$request.body.action'),
  routes: z.record(z.string(), logicalId).default({}),
})
export const frontendSchema = z.looseObject({ bucket: nameTemplate.default('${SERVICE_NAME}-frontend') })
export const cognitoSchema = z.looseObject({ user_pool_name: nameTemplate.default('${SERVICE_NAME}-users') })
export const dnsSchema = z.looseObject({})
export const bedrockSchema = z.looseObject({
  models: z.array(z.string().min(1)).default([]).describe('Model IDs (or inference profile IDs) functions may invoke'),
  invocation_logging: z
    .looseObject({ log_group: nameTemplate.default('/aws/bedrock/${SERVICE_NAME}') })
    .optional()
    .describe('Present: model invocation logs go to this log group through the bedrock logging role'),
})
export const monitoringSchema = z.looseObject({})

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  service_name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, 'use 3-40 lower-case letters, digits and dashes, e.g. "new-service"'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "us-east-1"'),
  account_id: z.string().regex(/^\d{12}$/, 'the 12-digit AWS account ID, as a string'),
  environment: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_-]{0,127}$/,
      'letters, digits, - and _, starting with a letter: it names the Lambda alias and the API stages',
    )
    .describe('The environment config.json describes when no env file overrides it'),
  domain: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
      'a lower-case domain name such as "example.com"',
    )
    .optional(),
  production_environments: z
    .array(z.string())
    .default(['production'])
    .describe('ENVIRONMENT values that get data protection (PITR, deletion protection) by default'),
  name_pattern: nameTemplate.default('${SERVICE_NAME}-${name}'),
  tags: tagsSchema.default({}),
  iam: iamSchema.prefault({}),
  tables: z.record(logicalId, tableSchema).default({}),
  lambda_defaults: lambdaDefaultsSchema.prefault({}),
  functions: z.record(logicalId, functionSchema).default({}),
  rest_api: restApiSchema.optional(),
  websocket_api: websocketApiSchema.optional(),
  frontend: frontendSchema.optional(),
  cognito: cognitoSchema.optional(),
  dns: dnsSchema.optional(),
  bedrock: bedrockSchema.optional(),
  monitoring: monitoringSchema.optional(),
})

export type RawConfig = z.output<typeof configSchema>
export type RawTable = z.output<typeof tableSchema>
export type RawFunction = z.output<typeof functionSchema>

/** Keys an environments/<env>.env file may set, with what each overrides. */
export const ENV_FILE_KEYS = {
  SERVICE_NAME: 'service_name',
  ENVIRONMENT: 'environment',
  AWS_REGION: 'region',
  AWS_ACCOUNT_ID: 'account_id',
  AWS_PROFILE: 'the AWS profile (a --profile flag wins)',
  DOMAIN: 'domain',
  LAMBDA_MEMORY: 'lambda_defaults.memory_mb',
  LAMBDA_TIMEOUT: 'lambda_defaults.timeout_s',
  DYNAMODB_BILLING: 'billing_mode of every table',
} as const
export type EnvFileKey = keyof typeof ENV_FILE_KEYS
