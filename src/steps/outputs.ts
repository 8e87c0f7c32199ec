// What each step hands to the steps that need it (and to `infra outputs`), typed once: a step reads its upstream
// without casts. The manifest keeps the same shapes (step records' `outputs`), which is where upstream comes from when
// a needed step did not run now.
import type { CognitoOutputs } from './cognito-specs.js'
import type { DnsOutputs } from './dns-specs.js'
import type { S3Outputs } from './s3-specs.js'
import type { StepId } from './types.js'

/** Every step's outputs may name URLs for the run's summary (name → URL). */
export interface Outputs {
  endpoints?: Record<string, string>
}

export interface IamOutputs extends Outputs {
  /** By the role's logical id (`lambda`, `bedrock-logging`). */
  roles: Record<string, { name: string; arn?: string }>
}

export interface TableOutput {
  name: string
  arn?: string
  streamArn?: string
}

export interface QueueOutput {
  name: string
  url: string
  arn: string
}

/** Step 02 is the data stores' step: tables, and the queues (by their key in config; absent before queues existed). */
export interface DynamoDbOutputs extends Outputs {
  tables: Record<string, TableOutput>
  queues?: Record<string, QueueOutput>
}

export interface FunctionOutput {
  name: string
  arn?: string
  /** The version the alias sends its main traffic to. */
  version?: string
  aliasArn?: string
  /** The function URL (on the alias), when config asks for one. */
  url?: string
}

export interface LayerOutput {
  name: string
  /** The layer version functions use: `${layers.<name>.arn}`. */
  arn: string
  version?: number
}

export interface LambdaOutputs extends Outputs {
  functions: Record<string, FunctionOutput>
  /** By their key in config; absent before layers existed. */
  layers?: Record<string, LayerOutput>
}

export interface RestApiOutputs extends Outputs {
  restApiId?: string
  stage?: string
  url?: string
  definitionHash?: string
  deploymentId?: string
}

export interface WebSocketOutputs extends Outputs {
  websocketApiId?: string
  stage?: string
  url?: string
}

export type { CognitoOutputs } from './cognito-specs.js'

export interface BedrockOutputs extends Outputs {
  /** The published version functions with `bedrock: true` use; absent when config has no guardrail. */
  guardrail?: { id: string; version: string; arn: string }
}
export type { S3Outputs } from './s3-specs.js'

export interface MonitoringOutputs extends Outputs {
  dashboard?: string
  /** The SNS topic the alarms notify. */
  topicArn?: string
  /** The names of the alarms converged. */
  alarms: string[]
}

export interface CloudFrontOutputs extends Outputs {
  distributionId?: string
  /** `d111111abcdef8.cloudfront.net`. */
  domainName?: string
  url?: string
  /** `InProgress` until CloudFront has deployed the last change everywhere, then `Deployed` (a run does not wait). */
  status?: string
}

export interface ParametersOutputs extends Outputs {
  /** The SSM parameters written: name → ARN. */
  parameters: Record<string, string>
}

/** Step id → its outputs; steps not implemented yet output nothing but endpoints. */
export interface StepOutputs {
  iam: IamOutputs
  dynamodb: DynamoDbOutputs
  lambda: LambdaOutputs
  api: RestApiOutputs
  websocket: WebSocketOutputs
  s3: S3Outputs
  cloudfront: CloudFrontOutputs
  /** Empty when config has no cognito section. */
  cognito: Partial<CognitoOutputs>
  /** Empty when config has no domain or no dns section. */
  dns: DnsOutputs
  bedrock: BedrockOutputs
  monitoring: MonitoringOutputs
  parameters: ParametersOutputs
}

/** The outputs of the steps a step needs, from this run or the manifest. */
export type Upstream = { [K in StepId]?: StepOutputs[K] }
