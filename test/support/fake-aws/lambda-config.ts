// How FakeLambda turns CreateFunction/UpdateFunction* requests into its stored code and configuration.
import { createHash } from 'node:crypto'
import type {
  CreateFunctionRequest,
  FunctionCode,
  LoggingConfig,
  UpdateFunctionCodeRequest,
  UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda'
import { invalidParameter, validateRole, validationError, type CodeState, type ConfigState } from './lambda-model.js'

const LAYER_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/

export function codeFrom(code: FunctionCode | UpdateFunctionCodeRequest | undefined): CodeState {
  if (code?.ZipFile) {
    const bytes = typeof code.ZipFile === 'string' ? Buffer.from(code.ZipFile) : code.ZipFile
    return { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.byteLength, source: 'zip' }
  }
  // Without the object's bytes the fake hashes where the code came from (see lambda.md).
  const source =
    code?.S3Bucket && code.S3Key
      ? `s3://${code.S3Bucket}/${code.S3Key}${code.S3ObjectVersion ? `?versionId=${code.S3ObjectVersion}` : ''}`
      : code?.ImageUri
  if (!source) throw invalidParameter('Please provide a source for function code.')
  return { sha256: createHash('sha256').update(source).digest('base64'), size: 0, source }
}

function mergeLogging(prev: LoggingConfig | undefined, req: LoggingConfig | undefined, name: string): LoggingConfig {
  const base: LoggingConfig = prev ?? { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` }
  if (!req) return { ...base }
  // Switching to JSON sets both log levels to INFO unless given; Text has no levels.
  const next: LoggingConfig = {
    ...base,
    ...(req.LogFormat === 'JSON' ? { ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' } : {}),
    ...req,
  }
  if (next.LogFormat === 'Text') {
    delete next.ApplicationLogLevel
    delete next.SystemLogLevel
  }
  return next
}

function layers(arns: string[] | undefined): string[] {
  for (const arn of arns ?? []) {
    if (!LAYER_ARN.test(arn)) {
      throw validationError(
        `1 validation error detected: Value '[${arn}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)]`,
      )
    }
  }
  return [...(arns ?? [])]
}

export function configFromCreate(input: CreateFunctionRequest, name: string): ConfigState {
  return {
    Runtime: input.Runtime,
    Handler: input.Handler,
    Role: input.Role,
    Description: input.Description ?? '',
    Timeout: input.Timeout ?? 3,
    MemorySize: input.MemorySize ?? 128,
    TracingConfig: { Mode: input.TracingConfig?.Mode ?? 'PassThrough' },
    DeadLetterConfig: input.DeadLetterConfig?.TargetArn ? { TargetArn: input.DeadLetterConfig.TargetArn } : undefined,
    LoggingConfig: mergeLogging(undefined, input.LoggingConfig, name),
    Architectures: [...(input.Architectures ?? ['x86_64'])],
    EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
    KMSKeyArn: input.KMSKeyArn || undefined,
    PackageType: input.PackageType ?? 'Zip',
    Environment: input.Environment?.Variables ? { Variables: { ...input.Environment.Variables } } : undefined,
    Layers: layers(input.Layers),
    VpcConfig: input.VpcConfig?.SubnetIds?.length
      ? { SubnetIds: [...input.VpcConfig.SubnetIds], SecurityGroupIds: [...(input.VpcConfig.SecurityGroupIds ?? [])] }
      : undefined,
  }
}

export function applyConfigUpdate(prev: ConfigState, i: UpdateFunctionConfigurationRequest, name: string): ConfigState {
  const c = structuredClone(prev)
  if (i.Role !== undefined) c.Role = validateRole(i.Role)
  if (i.Handler !== undefined) c.Handler = i.Handler
  if (i.Runtime !== undefined) c.Runtime = i.Runtime
  if (i.Description !== undefined) c.Description = i.Description
  if (i.Timeout !== undefined) c.Timeout = i.Timeout
  if (i.MemorySize !== undefined) c.MemorySize = i.MemorySize
  if (i.Environment !== undefined) {
    const vars = i.Environment.Variables ?? {}
    c.Environment = Object.keys(vars).length ? { Variables: { ...vars } } : undefined
  }
  if (i.TracingConfig?.Mode) c.TracingConfig = { Mode: i.TracingConfig.Mode }
  if (i.DeadLetterConfig !== undefined) {
    c.DeadLetterConfig = i.DeadLetterConfig.TargetArn ? { TargetArn: i.DeadLetterConfig.TargetArn } : undefined
  }
  if (i.Layers !== undefined) c.Layers = layers(i.Layers)
  if (i.LoggingConfig !== undefined) c.LoggingConfig = mergeLogging(c.LoggingConfig, i.LoggingConfig, name)
  if (i.EphemeralStorage?.Size !== undefined) c.EphemeralStorage = { Size: i.EphemeralStorage.Size }
  if (i.KMSKeyArn !== undefined) c.KMSKeyArn = i.KMSKeyArn || undefined
  if (i.VpcConfig !== undefined) {
    const subnets = i.VpcConfig.SubnetIds ?? []
    c.VpcConfig = subnets.length
      ? { SubnetIds: [...subnets], SecurityGroupIds: [...(i.VpcConfig.SecurityGroupIds ?? [])] }
      : undefined
  }
  return c
}
