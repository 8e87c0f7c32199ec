// The config after validation and resolution for one environment: defaults applied, names expanded,
// env-file and flag overrides merged (flags > env file > config.json). Everything downstream reads this.
import type { ParameterConfig, PermissionStatement } from './resolve-params.js'
import type { RawConfig } from './schema.js'
import type { StateConfig } from './state-schema.js'
import type { BucketConfig, FunctionEvents, QueueConfig, SchedulerRoleConfig } from './events-types.js'

export type AttributeType = 'S' | 'N' | 'B'
export interface KeyAttribute {
  name: string
  type: AttributeType
}
export type Tags = Record<string, string>
export type Capacity = { read: number; write: number }

export interface GlobalIndexConfig {
  name: string
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
  projection: 'ALL' | 'KEYS_ONLY' | { include: string[] }
  capacity?: Capacity
}

export interface TableConfig {
  logicalId: string
  name: string
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED'
  capacity?: Capacity
  globalIndexes: GlobalIndexConfig[]
  stream: false | 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY'
  ttlAttribute?: string
  pointInTimeRecovery: boolean
  deletionProtection: boolean
  encryption: 'AWS_OWNED' | 'AWS_MANAGED' | { kmsKeyArn: string }
  tableClass: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS'
  /** The service's tags plus this table's own. */
  tags: Tags
}

/** `buckets`, `queues`, `triggers` (events-types.ts) are declared with the rest of the function. */
export interface FunctionConfig extends FunctionEvents {
  logicalId: string
  name: string
  description?: string
  /** Absolute path of the handler's entry file (Node.js) or of the function's folder (Python); absent for images. */
  source?: string
  handler?: string
  runtime?: string
  /** A container image function (PackageType Image): no source, handler or runtime. */
  imageUri?: string
  /** A function URL on the environment's alias. */
  url?: FunctionUrlConfig
  architecture: 'arm64' | 'x86_64'
  memoryMb: number
  timeoutS: number
  environment: Record<string, string>
  secrets: Record<string, string>
  tables: Record<string, 'read' | 'read-write'>
  bedrock: boolean
  reservedConcurrency?: number
  provisionedConcurrency?: number
  /** Keys of `layers` and layer version ARNs, in the order Lambda applies them. */
  layers: string[]
  deadLetterArn?: string
  /** Free statements merged into the functions' role policy (config checked them for wildcards). */
  permissions?: PermissionStatement[]
  /** 'never': the log group keeps its events forever. */
  logRetentionDays: number | 'never'
  tracing: 'Active' | 'PassThrough'
  bundleAwsSdk: boolean
  tags: Tags
}

export interface FunctionUrlConfig {
  auth: 'AWS_IAM' | 'NONE'
  cors?: {
    allowOrigins: string[]
    allowMethods: string[]
    allowHeaders: string[]
    exposeHeaders: string[]
    allowCredentials: boolean
    maxAgeS: number
  }
}

export interface LayerConfig {
  logicalId: string
  name: string
  description?: string
  /** Absolute path of the folder zipped as the layer. */
  source: string
  compatibleRuntimes: string[]
  compatibleArchitectures: Array<'arm64' | 'x86_64'>
  versionsKept: number
}

export interface ResolvedConfig {
  /** The --env name: the file environments/<env>.env and the folder .infra/<env>/. */
  env: string
  /** ENVIRONMENT: names the Lambda alias and API stages. */
  environment: string
  serviceName: string
  region: string
  accountId: string
  profile?: string
  domain?: string
  /** ENVIRONMENT is one of production_environments: data protection on by default. */
  production: boolean
  /** Tags on everything: infra:service, infra:env, managed-by=infra, plus config.json's tags. */
  tags: Tags
  iam: {
    lambdaRole: { name: string; managedPolicyArns: string[] }
    /** API Gateway's account-wide CloudWatch role, used by the REST and WebSocket steps when the region has none. */
    apiGatewayCloudWatchRole: { name: string }
    /** Present when Bedrock invocation logging is configured. */
    bedrockLoggingRole?: { name: string; logGroupName: string }
  }
  tables: TableConfig[]
  functions: FunctionConfig[]
  /** General buckets (step 06) and queues (step 02). */
  buckets: BucketConfig[]
  queues: QueueConfig[]
  /** Present when a function has a schedule: the role EventBridge Scheduler invokes it with (step 01). */
  schedulerRole?: SchedulerRoleConfig
  layers: LayerConfig[]
  bedrockModels: string[]
  /** SSM parameters written after the steps whose outputs their values read. */
  parameters: ParameterConfig[]
  /** Where the manifest is kept (config "state", STATE_* in the env file). */
  state: StateConfig
  /** Sections whose steps are not implemented yet, as validated (snake case). */
  sections: Pick<RawConfig, 'rest_api' | 'websocket_api' | 'frontend' | 'cognito' | 'dns' | 'bedrock' | 'monitoring'>
  /** Where each value came from, for error messages. */
  files: { config: string; envFile: string; root: string }
}

export interface ConfigFlags {
  region?: string
  profile?: string
}
