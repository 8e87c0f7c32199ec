import { z } from 'zod'
import { stateSchemaOf } from './state-schema.js'
import { functionPermissionsSchema, identityPoolSchema, parametersSchema } from './schema-params.js'
import { functionUrlSchema, imageUriSchema, layerRefSchema, layersSchema, NEVER_EXPIRE } from './schema-lambda.js'
import { eventSchemas } from './schema-events.js'

// The shape of config.json. Snake case, as in the manual's config.json. Names are templates:
// `${SERVICE_NAME}`, `${ENVIRONMENT}`, `${AWS_REGION}`, `${DOMAIN}`, `${ACCOUNT_ID}` and `${name}` (the entry's key)
// are expanded per environment by resolve.ts. Every section is strict, those of steps not implemented yet too, so that a
// typo is an error with "did you mean" today rather than a silently ignored key once their step exists.

/** The one schema of every field whose `${…}` placeholders are expanded (placeholders.ts finds fields by it). */
export const nameTemplate = z
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
// A function's log group may also keep its events forever, when config says so.
const functionLogRetention = z.union([logRetentionDays, z.literal(NEVER_EXPIRE)])
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
// Buckets, queues and functions' access and triggers (schema-events.ts).
const events = eventSchemas({ nameTemplate, tags: tagsSchema, logicalId })

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
    .union([
      z.enum(['AWS_OWNED', 'AWS_MANAGED']),
      z.strictObject({
        kms_key_arn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
            'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias: DynamoDB reports the key ARN',
          ),
      }),
    ])
    .default('AWS_OWNED'),
  table_class: z.enum(['STANDARD', 'STANDARD_INFREQUENT_ACCESS']).default('STANDARD'),
  tags: tagsSchema.default({}),
})

export const tableAccessSchema = z.enum(['read', 'read-write'])

export const functionSchema = z.strictObject({
  name: nameTemplate.optional(),
  description: z.string().max(256).optional(),
  source: z
    .string()
    .min(1)
    .optional()
    .describe("Node.js: the handler's entry file; Python: the function's folder; relative to config.json"),
  handler: z.string().optional().describe('<module>.<export>; default index.handler'),
  image_uri: imageUriSchema.optional(),
  url: functionUrlSchema.optional(),
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
  layers: z.array(layerRefSchema).max(5).default([]),
  dead_letter_arn: z.string().startsWith('arn:').optional(),
  permissions: functionPermissionsSchema,
  ...events.functionFields,
  log_retention_days: functionLogRetention.optional(),
  tags: tagsSchema.default({}),
})

export const lambdaDefaultsSchema = z.strictObject({
  runtime: z.string().default('nodejs24.x'),
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  memory_mb: z.int().min(128).max(10240).default(512),
  timeout_s: z.int().min(1).max(900).default(30),
  log_retention_days: functionLogRetention.default(30),
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
  apigateway_cloudwatch_role: z
    .strictObject({ name: nameTemplate.default('${SERVICE_NAME}-apigateway-cloudwatch') })
    .prefault({})
    .describe(
      "API Gateway's account-wide CloudWatch role (for REST and WebSocket access logs): created and set only when the region has none",
    ),
})

// Step 04. A path is `/`-separated segments of literal characters or one {parameter} ({name+}: greedy, last only).
const REST_SEGMENT = String.raw`(?:[A-Za-z0-9._~:-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})`
const restPath = z
  .string()
  .regex(
    new RegExp(`^/(?:${REST_SEGMENT}(?:/${REST_SEGMENT})*)?$`),
    'a path such as "/prompts/{id}": "/"-separated segments of A-Z a-z 0-9 . _ ~ : - or one {parameter}',
  )
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'ANY'] as const
const endpointSchema = z.strictObject({
  path: restPath,
  methods: z.array(z.enum(HTTP_METHODS)).min(1),
  function: logicalId
    .optional()
    .describe('The function (a key of functions) whose environment alias serves every method but OPTIONS'),
  public: z.boolean().default(false).describe('No Cognito authorizer on these methods (OPTIONS never has one)'),
})
const throttleSchema = z.strictObject({ rate_limit: z.number().positive(), burst_limit: z.int().min(0) })
const originSchema = z
  .string()
  .regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'an origin such as "https://example.com" (no path), or "*"')

export const restApiSchema = z
  .strictObject({
    name: nameTemplate.default('${SERVICE_NAME}-rest-api'),
    description: z.string().max(1024).optional(),
    endpoint_type: z.enum(['REGIONAL', 'EDGE']).default('REGIONAL'),
    integration_timeout_ms: z
      .int()
      .min(50)
      .max(29_000)
      .default(29_000)
      .describe("Lambda integrations' timeout: 50-29000 ms (API Gateway's limit for REST APIs is 29 s)"),
    throttling: throttleSchema
      .optional()
      .describe("The stage's default method throttling: requests per second and burst; absent: left as it is"),
    cors: z
      .strictObject({
        allowed_origins: z
          .record(z.string().min(1), z.array(originSchema).min(1))
          .describe(
            'ENVIRONMENT -> allowed origins; the key "*" applies to environments not listed. Never "*" in production',
          ),
        allowed_headers: z
          .array(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'))
          .min(1)
          .default(['Content-Type', 'Authorization', 'X-Amz-Date', 'X-Api-Key', 'X-Amz-Security-Token']),
      })
      .optional()
      .describe('OPTIONS methods answer preflights with these; 4XX/5XX gateway responses carry them too'),
    tracing: z.boolean().default(true).describe('X-Ray tracing on the stage'),
    access_logs: z
      .strictObject({
        log_group: nameTemplate.default('/aws/apigateway/${SERVICE_NAME}-rest-api'),
        retention_days: logRetentionDays.default(30),
      })
      .prefault({})
      .describe("The stage's JSON access log: the log group (created with this retention) it is written to"),
    usage_plan: z
      .strictObject({
        name: nameTemplate.default('${SERVICE_NAME}-usage-plan'),
        throttle: throttleSchema.optional(),
        quota: z.strictObject({ limit: z.int().min(1), period: z.enum(['DAY', 'WEEK', 'MONTH']) }).optional(),
        api_keys: z.array(nameTemplate).max(20).default([]).describe('Names of API keys created and added to the plan'),
        require_api_key: z.boolean().default(false).describe('Every method but OPTIONS requires an API key'),
      })
      .optional(),
    endpoints: z.array(endpointSchema).default([]),
  })
  .superRefine((api, ctx) => {
    const seen = new Map<string, number>()
    const variables = new Map<string, string>()
    api.endpoints.forEach((endpoint, i) => {
      const at = (...rest: Array<string | number>) => ['endpoints', i, ...rest]
      const segments = endpoint.path.split('/').slice(1)
      segments.forEach((segment, depth) => {
        if (segment.endsWith('+}') && depth < segments.length - 1)
          ctx.addIssue({
            code: 'custom',
            path: at('path'),
            message: `${segment} is greedy: it must be the last segment`,
          })
        if (!segment.startsWith('{')) return
        const parent = `/${segments.slice(0, depth).join('/')}`
        const other = variables.get(parent)
        if (other && other !== segment)
          ctx.addIssue({
            code: 'custom',
            path: at('path'),
            message: `${parent} already has the parameter ${other}; API Gateway allows one parameter segment per level`,
          })
        variables.set(parent, segment)
      })
      if (endpoint.methods.some((m) => m !== 'OPTIONS') && endpoint.function === undefined)
        ctx.addIssue({
          code: 'custom',
          path: at('function'),
          message: 'is required: which function serves these methods',
        })
      if (endpoint.methods.includes('OPTIONS') && !api.cors)
        ctx.addIssue({ code: 'custom', path: at('methods'), message: 'lists OPTIONS but rest_api.cors is not set' })
      for (const method of endpoint.methods) {
        const key = `${method} ${endpoint.path}`
        const first = seen.get(key)
        if (first !== undefined)
          ctx.addIssue({ code: 'custom', path: at('methods'), message: `${key} is also in endpoints[${first}]` })
        else seen.set(key, i)
      }
    })
  })
// Step 05. A route key is $connect, $disconnect, $default, or a custom key that route_selection_expression yields.
const websocketRouteKey = z
  .string()
  .regex(
    /^(\$connect|\$disconnect|\$default|[^$\s][^\s]{0,127})$/,
    '$connect, $disconnect, $default, or a custom key: 1-128 characters, no spaces, not starting with $',
  )
export const websocketApiSchema = z.strictObject({
  name: nameTemplate.default('${SERVICE_NAME}-websocket-api'),
  route_selection_expression: z.string().min(1).default('$request.body.action'),
  routes: z
    .record(websocketRouteKey, logicalId)
    .refine((routes) => Object.keys(routes).length > 0, 'needs at least one route (API Gateway deploys no empty API)')
    .describe('Route key -> the function (a key of functions) whose environment alias handles it'),
  throttling: z
    .strictObject({ rate_limit: z.number().positive(), burst_limit: z.int().min(0) })
    .optional()
    .describe("The stage's default route throttling: requests per second and burst; absent: left as it is"),
  access_logs: z
    .strictObject({
      log_group: nameTemplate.default('/aws/apigateway/${SERVICE_NAME}-websocket-api'),
      retention_days: logRetentionDays.default(30),
    })
    .prefault({})
    .describe("The stage's JSON access log: the log group (created with this retention) it is written to"),
})
// Steps 06 and 07 (the manual's S3 bucket and CloudFront distribution).
export const frontendSchema = z.strictObject({
  bucket: nameTemplate.default('${SERVICE_NAME}-frontend'),
  source: z.string().min(1).optional().describe('Build folder to upload, relative to config.json (web/dist)'),
  build: z.string().min(1).optional().describe('Shell command run in the config folder before the upload'),
  runtime_config: z
    .string()
    .regex(/^[\w./-]+\.js$/, 'an object key ending in .js (config.js)')
    .optional()
    .describe('Written at deploy time beside the files: window.INFRA_CONFIG with the API URLs and Cognito ids'),
  kms_key: z.string().min(1).optional().describe('KMS key (id, alias or ARN) for SSE-KMS; SSE-S3 when absent'),
  noncurrent_version_days: z.int().min(1).default(30).describe("Days a replaced or deleted file's old version is kept"),
  keep_old_files: z.boolean().default(false).describe('Files the folder no longer has stay one more deploy, then go'),
  index_document: z.string().min(1).default('index.html').describe("The distribution's default root object"),
  error_document: z.string().min(1).optional().describe('Served for missing paths (index.html for a single-page app)'),
  price_class: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
  public_website: z
    .boolean()
    .default(false)
    .describe(
      "Less safe, the manual's design: S3 website hosting, a public-read bucket policy, CloudFront reading it over HTTP",
    ),
  cloudfront: z
    .strictObject({
      comment: nameTemplate.optional().describe("The distribution's comment, at most 128 characters once expanded"),
    })
    .optional()
    .describe('Step 07: the distribution (aliases and the certificate come from the dns section)'),
})
// Step 08. Redirect URLs: HTTPS, or HTTP for localhost only (Cognito's rule), without a fragment.
const redirectUrl = z
  .string()
  .regex(/^(https:\/\/[^\s#]+|http:\/\/localhost(:\d{1,5})?(\/[^\s#]*)?)$/, 'an https:// URL, or http://localhost…')
const perEnvironmentUrls = z
  .record(z.string().min(1), z.array(redirectUrl).max(100))
  .default({})
  .describe('ENVIRONMENT -> URLs; the key "*" applies to environments not listed')
export const COGNITO_STANDARD_ATTRIBUTES = [
  'address',
  'birthdate',
  'email',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
] as const
export const cognitoSchema = z.strictObject({
  user_pool_name: nameTemplate.default('${SERVICE_NAME}-users'),
  client_name: nameTemplate.default('${SERVICE_NAME}-app'),
  domain_prefix: nameTemplate
    .default('${SERVICE_NAME}-auth')
    .describe(
      'Hosted UI at https://<prefix>.auth.<region>.amazoncognito.com; unique per region across all AWS accounts',
    ),
  username_attributes: z
    .array(z.enum(['email', 'phone_number']))
    .min(1)
    .default(['email'])
    .describe('What users sign in with; fixed once the pool exists'),
  required_attributes: z
    .array(z.enum(COGNITO_STANDARD_ATTRIBUTES))
    .default([])
    .describe('Standard attributes every user must give at sign-up; fixed once the pool exists'),
  mfa: z
    .enum(['OFF', 'OPTIONAL', 'ON'])
    .default('OPTIONAL')
    .describe('Second factor by authenticator app (TOTP); ON makes every user set one up'),
  password_policy: z
    .strictObject({
      minimum_length: z.int().min(6).max(99).default(12),
      require_uppercase: z.boolean().default(true),
      require_lowercase: z.boolean().default(true),
      require_numbers: z.boolean().default(true),
      require_symbols: z.boolean().default(true),
      temporary_password_validity_days: z.int().min(0).max(365).default(7),
    })
    .prefault({}),
  self_sign_up: z.boolean().default(true).describe('false: only administrators create users'),
  deletion_protection: z.boolean().optional().describe('Default: on in production environments'),
  callback_urls: perEnvironmentUrls.describe(
    'ENVIRONMENT -> where the hosted UI may send the authorization code; the key "*" applies to environments not listed',
  ),
  logout_urls: perEnvironmentUrls.describe(
    'ENVIRONMENT -> where the hosted UI may return after sign-out; the key "*" applies to environments not listed',
  ),
  oauth_scopes: z
    .array(z.enum(['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin']))
    .min(1)
    .default(['openid', 'email', 'profile']),
  token_validity: z
    .strictObject({
      access_token_minutes: z.int().min(5).max(1440).default(60),
      id_token_minutes: z.int().min(5).max(1440).default(60),
      refresh_token_days: z.int().min(1).max(3650).default(30),
    })
    .prefault({}),
  legacy_password_auth: z
    .boolean()
    .default(false)
    .describe(
      "The manual's app client: a client secret and USER_PASSWORD_AUTH. Discouraged: a browser cannot keep a secret, and USER_PASSWORD_AUTH sends the password itself where SRP sends a proof. Only for a server-side client that needs it",
    ),
  identity_pool: identityPoolSchema.optional(),
  tags: tagsSchema.default({}),
})
// Step 09: the hosted zone, the records that point at the frontend and the APIs, and the ACM certificate.
export const dnsSchema = z.strictObject({
  hosted_zone: nameTemplate.default('${DOMAIN}'),
  records: z
    .strictObject({
      app: nameTemplate.optional().describe('Host name of the frontend (the CloudFront distribution)'),
      api: nameTemplate.optional().describe('Host name of the REST API'),
      websocket: nameTemplate.optional().describe('Host name of the WebSocket API'),
    })
    .prefault({}),
  certificate: z
    .strictObject({
      domain: nameTemplate.default('${DOMAIN}'),
      subject_alternative_names: z.array(nameTemplate).max(100).default([]),
    })
    .optional()
    .describe('Requested in us-east-1 (CloudFront uses only certificates there), validated by DNS'),
  www_redirect: z
    .boolean()
    .default(false)
    .describe('Also serve www.<records.app>, answering it with a 301 to https://<records.app> (a CloudFront Function)'),
})
// Step 10. Guardrail content filters: the categories and strengths CreateGuardrail accepts.
const filterStrength = z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH'])
// One strength for input and output, or each its own; PROMPT_ATTACK filters input only (its output strength is NONE).
const contentFilter = z.union([filterStrength, z.strictObject({ input: filterStrength, output: filterStrength })])
const PII_ENTITY_TYPES = [
  'ADDRESS',
  'AGE',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'CA_HEALTH_NUMBER',
  'CA_SOCIAL_INSURANCE_NUMBER',
  'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY',
  'CREDIT_DEBIT_CARD_NUMBER',
  'DRIVER_ID',
  'EMAIL',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  'IP_ADDRESS',
  'LICENSE_PLATE',
  'MAC_ADDRESS',
  'NAME',
  'PASSWORD',
  'PHONE',
  'PIN',
  'SWIFT_CODE',
  'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER',
  'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  'URL',
  'USERNAME',
  'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER',
  'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  'US_PASSPORT_NUMBER',
  'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
] as const
export const bedrockSchema = z.strictObject({
  models: z.array(z.string().min(1)).default([]).describe('Model IDs (or inference profile IDs) functions may invoke'),
  guardrail: z
    .strictObject({
      name: nameTemplate.default('${SERVICE_NAME}-guardrail'),
      description: nameTemplate.optional(),
      content_filters: z
        .strictObject({
          HATE: contentFilter.optional(),
          INSULTS: contentFilter.optional(),
          SEXUAL: contentFilter.optional(),
          VIOLENCE: contentFilter.optional(),
          MISCONDUCT: contentFilter.optional(),
          PROMPT_ATTACK: contentFilter.optional(),
        })
        .prefault({}),
      denied_topics: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[0-9a-zA-Z-_ !?.]{1,100}$/, '1-100 letters, digits, spaces and - _ ! ? .'),
            definition: z.string().min(1).max(1000),
            examples: z.array(z.string().min(1).max(100)).max(5).default([]),
          }),
        )
        .max(30)
        .default([])
        .describe('Topics the guardrail refuses, in input and output'),
      word_filters: z.array(z.string().min(1).max(100)).max(10000).default([]).describe('Words and phrases blocked'),
      profanity_filter: z.boolean().default(false).describe("Blocks AWS's managed profanity word list"),
      pii_entities: z
        .partialRecord(z.enum(PII_ENTITY_TYPES), z.enum(['BLOCK', 'ANONYMIZE']))
        .default({})
        .describe('Sensitive information: entity type → BLOCK, or ANONYMIZE (masked in the answer)'),
      blocked_input_message: z.string().min(1).max(500).describe('What the user sees when the input is blocked'),
      blocked_output_message: z.string().min(1).max(500).describe('What the user sees when the answer is blocked'),
    })
    .optional()
    .describe('Applied by every function with bedrock: true'),
  invocation_logging: z
    .strictObject({
      log_group: nameTemplate.default('/aws/bedrock/${SERVICE_NAME}'),
      retention_days: logRetentionDays.default(30),
      s3: z
        .strictObject({
          // An existing bucket whose policy lets bedrock.amazonaws.com put objects (a template: ${SERVICE_NAME}…).
          bucket: nameTemplate,
          prefix: z.string().max(1024).default('').describe('Key prefix, e.g. bedrock-logs (no leading /)'),
        })
        .optional()
        .describe('Present: the invocation logs also go to this S3 bucket (the log group stays)'),
    })
    .optional()
    .describe('Present: model invocation logs go to this log group through the bedrock logging role'),
})
// Step 11: one dashboard and CloudWatch metric alarms (PutMetricAlarm's fields).
const alarmSchema = z.strictObject({
  name: nameTemplate,
  description: z.string().max(1024).optional(),
  metric: z.string().min(1).max(255).describe('Metric name, e.g. 5XXError'),
  namespace: z.string().min(1).max(255).describe('e.g. AWS/ApiGateway'),
  statistic: z.enum(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']),
  period_s: z
    .int()
    .min(10)
    .refine((s) => [10, 20, 30].includes(s) || s % 60 === 0, '10, 20, 30, or a multiple of 60 seconds'),
  threshold: z.number(),
  comparison: z.enum([
    'GreaterThanOrEqualToThreshold',
    'GreaterThanThreshold',
    'LessThanThreshold',
    'LessThanOrEqualToThreshold',
  ]),
  evaluation_periods: z.int().min(1),
  dimensions: z
    .record(z.string().min(1).max(255), nameTemplate)
    .optional()
    .describe(
      "The metric's dimensions, values may use name templates; an AWS/ApiGateway alarm without them watches the REST API (ApiName and Stage), any other needs them",
    ),
  treat_missing_data: z.enum(['breaching', 'notBreaching', 'ignore', 'missing']).default('missing'),
})
export const monitoringSchema = z
  .strictObject({
    dashboard: nameTemplate.default('${SERVICE_NAME}-overview'),
    alarms: z.array(alarmSchema).default([]),
    alarm_topic_arn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
      .optional()
      .describe('An existing SNS topic the alarms notify; without it the step creates alarm_topic'),
    // The SNS topic the step creates for alarms (a template: no .describe(), which would hide that from the checks).
    alarm_topic: nameTemplate.default('${SERVICE_NAME}-alarms'),
    alarm_emails: z
      .array(z.email())
      .default([])
      .describe('Addresses subscribed to the topic the step creates (each confirms by e-mail)'),
  })
  .refine((m) => !(m.alarm_topic_arn && m.alarm_emails.length > 0), {
    message: 'alarm_emails subscribe to the topic the step creates; with alarm_topic_arn, subscribe them to that topic',
    path: ['alarm_emails'],
  })

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
  buckets: z.record(logicalId, events.bucket).default({}),
  queues: z.record(logicalId, events.queue).default({}),
  layers: layersSchema,
  rest_api: restApiSchema.optional(),
  websocket_api: websocketApiSchema.optional(),
  frontend: frontendSchema.optional(),
  cognito: cognitoSchema.optional(),
  dns: dnsSchema.optional(),
  bedrock: bedrockSchema.optional(),
  monitoring: monitoringSchema.optional(),
  parameters: parametersSchema.default({}),
  state: stateSchemaOf(nameTemplate).optional(),
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
  STATE_BACKEND: 'state.backend (local or s3)',
  STATE_BUCKET: 'state.bucket',
  STATE_PREFIX: 'state.prefix',
  STATE_REGION: 'state.region',
} as const
export type EnvFileKey = keyof typeof ENV_FILE_KEYS
