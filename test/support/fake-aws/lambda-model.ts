// The fake Lambda's state as plain JSON (so that toJSON/load round-trips), and the error shapes and small
// helpers every Lambda handler shares. The store that holds the state is lambda-store.ts.
import { createHash } from 'node:crypto'
import {
  InvalidParameterValueException,
  LambdaServiceException,
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
  type Architecture,
  type Cors,
  type FunctionConfiguration,
  type Runtime,
} from '@aws-sdk/client-lambda'
import { awsError, type Clock, type on } from './core.js'

/** One [command, handler] entry, as `on()` builds it. */
export type Entry = ReturnType<typeof on>

export interface CodeState {
  /** Base64 of the SHA-256 of the deployment package, as Lambda reports CodeSha256. */
  sha256: string
  size: number
  /** 'zip', 's3://bucket/key[?versionId=…]' or the image URI: where the code came from. */
  source: string
}

/** The configuration fields a version snapshots, in the SDK's output shapes. */
export type ConfigState = Pick<
  FunctionConfiguration,
  | 'Runtime'
  | 'Handler'
  | 'Role'
  | 'Description'
  | 'Timeout'
  | 'MemorySize'
  | 'TracingConfig'
  | 'DeadLetterConfig'
  | 'LoggingConfig'
  | 'Architectures'
  | 'EphemeralStorage'
  | 'KMSKeyArn'
  | 'PackageType'
> & { Environment?: { Variables: Record<string, string> }; Layers: string[]; VpcConfig?: VpcState }

export interface VpcState {
  SubnetIds: string[]
  SecurityGroupIds: string[]
}

export interface VersionState {
  /** '$LATEST' or '1', '2', … */
  version: string
  code: CodeState
  config: ConfigState
  revisionId: string
  lastModified: string
  /** Hash of code + configuration: PublishVersion returns the last version when it is unchanged. */
  fingerprint: string
}

export interface AliasState {
  name: string
  functionVersion: string
  description: string
  weights?: Record<string, number>
  revisionId: string
}

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow'
  Principal: string | Record<string, string>
  Action: string
  Resource: string
  Condition?: Record<string, Record<string, string>>
}

export interface ProvisionedState {
  requested: number
  lastModified: string
  status: 'IN_PROGRESS' | 'READY'
  readsUntilReady: number
}

export interface FunctionState {
  name: string
  latest: VersionState
  state: 'Pending' | 'Active'
  /** Absent while the function is being created, as Lambda reports it. */
  lastUpdateStatus?: 'InProgress' | 'Successful'
  readsUntilActive: number
  readsUntilUpdated: number
  versions: Record<string, VersionState>
  /** Highest version number ever published: numbers are never reused, even after DeleteFunction(Qualifier). */
  lastVersion: number
  aliases: Record<string, AliasState>
  /** Resource policy statements per qualifier ('$LATEST' for the unqualified function). */
  policies: Record<string, PolicyStatement[]>
  tags: Record<string, string>
  reservedConcurrency?: number
  provisioned: Record<string, ProvisionedState>
  /** Function URL configs per qualifier ('$LATEST' or an alias). */
  urls?: Record<string, FunctionUrlState>
}

export interface FunctionUrlState {
  url: string
  authType: 'AWS_IAM' | 'NONE'
  cors?: Cors
  invokeMode: string
  creationTime: string
  lastModifiedTime: string
}

/** One published layer version; the bytes are kept as hash and size only. */
export interface LayerVersionState {
  version: number
  description: string
  codeSha256: string
  codeSize: number
  compatibleRuntimes: Runtime[]
  compatibleArchitectures: Architecture[]
  createdDate: string
}

export interface LayerState {
  /** Highest version ever published: numbers are never reused. */
  lastVersion: number
  versions: Record<string, LayerVersionState>
}

/** accountId, region and clock, when given, win over the FakeAws the fake is registered in. */
export interface FakeLambdaOptions {
  accountId?: string
  region?: string
  clock?: Clock
  rolePropagationFailures?: number
  describesUntilActive?: number
  describesUntilUpdated?: number
  describesUntilProvisioned?: number
  accountConcurrencyLimit?: number
}

const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/

// Lambda's own errors carry Type: 'User' next to the message.
export const notFound = (message: string) => awsError(ResourceNotFoundException, message, { Type: 'User' })
export const conflict = (message: string) => awsError(ResourceConflictException, message, { Type: 'User' })
export const invalidParameter = (message: string) => awsError(InvalidParameterValueException, message, { Type: 'User' })
export const revisionMismatch = () =>
  awsError(
    PreconditionFailedException,
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    { Type: 'User' },
  )

/** ValidationException has no class in the Lambda SDK: the deserializer builds a LambdaServiceException. */
export function validationError(message: string): LambdaServiceException {
  return new LambdaServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  })
}

export function isVersion(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier)
}

export function validateRole(role: string | undefined): string {
  if (!role || !ROLE_PATTERN.test(role)) {
    throw validationError(
      `1 validation error detected: Value '${role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`,
    )
  }
  return role
}

/** JSON with sorted keys, so that equal configurations hash equally whatever order fields were set in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function fingerprint(code: CodeState, config: ConfigState): string {
  return createHash('sha256')
    .update(stableJson({ code: code.sha256, config }))
    .digest('hex')
}

/** Lambda's opaque list markers; the fake's are offsets in base64url. */
export function paginate<T>(items: T[], marker: string | undefined, maxItems: number | undefined) {
  let start = 0
  if (marker) {
    const offset = Number(Buffer.from(marker, 'base64url').toString('utf8'))
    if (!Number.isInteger(offset) || offset < 0) throw invalidParameter('Invalid marker value.')
    start = offset
  }
  const end = start + (maxItems ?? 50)
  const next = end < items.length ? Buffer.from(String(end), 'utf8').toString('base64url') : undefined
  return { page: items.slice(start, end), next }
}
