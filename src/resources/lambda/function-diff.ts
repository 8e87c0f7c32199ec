// Pure: the desired shape of a Lambda function, the requests that create or update it, and what differs between
// a function (or a published version) and that shape. No AWS calls here; unit-tested without a fake.
import type {
  CreateFunctionCommandInput,
  FunctionConfiguration,
  UpdateFunctionCodeCommandInput,
  UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

export interface FunctionSpec {
  /** Manifest key `lambda-function:<logicalId>`. */
  logicalId: string
  name: string
  description: string
  /** Zip functions only: an image has its own entry point and runtime. */
  handler?: string
  runtime?: string
  /** A container image function (PackageType Image): the image's URI is its code. */
  imageUri?: string
  architecture: 'arm64' | 'x86_64'
  memoryMb: number
  timeoutS: number
  roleArn: string
  environment: Record<string, string>
  /** Layer version ARNs, in the order Lambda applies them. */
  layers: string[]
  deadLetterArn?: string
  tracing: 'Active' | 'PassThrough'
  tags: Tags
  /** The alias that serves traffic: named after the environment (`production`). */
  aliasName: string
  reservedConcurrency?: number
  provisionedConcurrency?: number
}

/** The package to deploy: the zip and the hash Lambda reports for it (CodeSha256). */
export interface FunctionCode {
  zip: Uint8Array
  codeSha256: string
}

/** What step 03 converges: the function and its package (none in an offline plan, which never reads AWS). */
export interface PackagedFunctionSpec extends FunctionSpec {
  code?: FunctionCode
}

const DEFAULT_ARCHITECTURE = 'x86_64'

function diffEnvironment(have: Record<string, string>, want: Record<string, string>): Change[] {
  const keys = [...new Set([...Object.keys(have), ...Object.keys(want)])].sort()
  return keys
    .filter((k) => have[k] !== want[k])
    .map((k) => ({ field: `Environment[${k}]`, from: have[k], to: want[k] }))
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * Pure: the configuration fields of `have` that differ from the spec, one entry per field (per variable for the
 * environment). All of them go out in one UpdateFunctionConfiguration. Architecture is not here: it lives with the
 * code (see diffFunctionCode).
 */
export function diffFunctionConfiguration(
  have: FunctionConfiguration,
  want: FunctionSpec,
  opts: { description?: boolean } = {},
): Change[] {
  const changes: Change[] = []
  const field = (name: string, from: unknown, to: unknown) => {
    if (from !== to) changes.push({ field: name, from, to })
  }
  field('Runtime', have.Runtime, want.runtime)
  field('Handler', have.Handler, want.handler)
  field('Role', have.Role, want.roleArn)
  field('MemorySize', have.MemorySize, want.memoryMb)
  field('Timeout', have.Timeout, want.timeoutS)
  // A published version may carry the description given to PublishVersion, so versions are compared without it.
  if (opts.description !== false) field('Description', have.Description ?? '', want.description)
  changes.push(...diffEnvironment(have.Environment?.Variables ?? {}, want.environment))
  const layers = (have.Layers ?? []).map((l) => l.Arn ?? '')
  if (!sameList(layers, want.layers)) changes.push({ field: 'Layers', from: layers, to: want.layers })
  field('TracingConfig', have.TracingConfig?.Mode ?? 'PassThrough', want.tracing)
  field('DeadLetterConfig', have.DeadLetterConfig?.TargetArn || undefined, want.deadLetterArn)
  return changes
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`

/** `handler index.handler, 12.0 kB → 12.4 kB (+0.4 kB)`: what a reviewer needs of a code change, not two hashes. */
function describeCodeChange(have: FunctionConfiguration, want: FunctionSpec, codeSize?: number): string {
  const before = have.CodeSize === undefined ? undefined : kilobytes(have.CodeSize)
  const after = codeSize === undefined ? undefined : kilobytes(codeSize)
  const delta =
    have.CodeSize !== undefined && codeSize !== undefined
      ? ` (${codeSize >= have.CodeSize ? '+' : '-'}${kilobytes(Math.abs(codeSize - have.CodeSize))})`
      : ''
  const sizes = after ? `, ${before ?? '?'} → ${after}${delta}` : ''
  return `code changed: handler ${want.handler}${sizes}`
}

/** Pure: the code and the architecture, both changed with UpdateFunctionCode. `codeSize` (bytes) is for the plan. */
export function diffFunctionCode(
  have: FunctionConfiguration,
  want: FunctionSpec,
  codeSha256: string,
  codeSize?: number,
): Change[] {
  const changes: Change[] = []
  if (have.CodeSha256 !== codeSha256)
    changes.push({
      field: 'CodeSha256',
      from: have.CodeSha256,
      to: codeSha256,
      summary: describeCodeChange(have, want, codeSize),
    })
  const architecture = have.Architectures?.[0] ?? DEFAULT_ARCHITECTURE
  if (architecture !== want.architecture)
    changes.push({ field: 'Architectures', from: architecture, to: want.architecture })
  return changes
}

/**
 * Pure: an image function's code is its image URI. Step 03 pins a tag to the digest it names now
 * (resources/ecr/image.ts), so the URI compared changes whenever the image does.
 */
export function diffFunctionImage(
  have: { configuration: FunctionConfiguration; imageUri?: string },
  want: FunctionSpec,
) {
  const changes: Change[] = []
  if (have.imageUri !== want.imageUri) changes.push({ field: 'ImageUri', from: have.imageUri, to: want.imageUri })
  const architecture = have.configuration.Architectures?.[0] ?? DEFAULT_ARCHITECTURE
  if (architecture !== want.architecture)
    changes.push({ field: 'Architectures', from: architecture, to: want.architecture })
  return changes
}

export const packageTypeOf = (spec: Pick<FunctionSpec, 'imageUri'>) => (spec.imageUri ? 'Image' : 'Zip')

/** Pure: every difference, in the order they are applied after the tags: configuration, then code. */
export function diffFunction(
  have: { configuration: FunctionConfiguration; tags: Tags; imageUri?: string },
  want: PackagedFunctionSpec,
): Change[] {
  return [
    ...diffFunctionConfiguration(have.configuration, want),
    ...(want.code ? diffFunctionCode(have.configuration, want, want.code.codeSha256, want.code.zip.length) : []),
    ...(want.imageUri ? diffFunctionImage(have, want) : []),
    ...diffTags(have.tags, want.tags),
  ]
}

/** A published version serves the spec when its code, architecture and configuration match it. */
export function versionMatches(version: FunctionConfiguration, want: FunctionSpec, codeSha256: string): boolean {
  return (
    diffFunctionCode(version, want, codeSha256).length === 0 &&
    diffFunctionConfiguration(version, want, { description: false }).length === 0
  )
}

/** A zip function needs its package; an image function's code is its URI. */
export function toCreateFunctionInput(spec: FunctionSpec, code?: FunctionCode): CreateFunctionCommandInput {
  return {
    FunctionName: spec.name,
    Description: spec.description,
    ...(spec.imageUri
      ? { Code: { ImageUri: spec.imageUri }, PackageType: 'Image' as const }
      : {
          Runtime: spec.runtime as CreateFunctionCommandInput['Runtime'],
          Handler: spec.handler,
          Code: { ZipFile: code?.zip },
          PackageType: 'Zip' as const,
        }),
    Role: spec.roleArn,
    Architectures: [spec.architecture],
    MemorySize: spec.memoryMb,
    Timeout: spec.timeoutS,
    Environment: { Variables: spec.environment },
    TracingConfig: { Mode: spec.tracing },
    ...(spec.layers.length > 0 ? { Layers: spec.layers } : {}),
    ...(spec.deadLetterArn ? { DeadLetterConfig: { TargetArn: spec.deadLetterArn } } : {}),
    // Versions are published once the function is Active, by the same code path as an update.
    Publish: false,
    Tags: spec.tags,
  }
}

/** The whole managed configuration: one call sets every field, so a partial earlier update cannot linger. */
export function toUpdateConfigurationInput(
  spec: FunctionSpec,
  changes: Change[],
): UpdateFunctionConfigurationCommandInput {
  return {
    FunctionName: spec.name,
    Description: spec.description,
    Runtime: spec.runtime as UpdateFunctionConfigurationCommandInput['Runtime'],
    Handler: spec.handler,
    Role: spec.roleArn,
    MemorySize: spec.memoryMb,
    Timeout: spec.timeoutS,
    Environment: { Variables: spec.environment },
    TracingConfig: { Mode: spec.tracing },
    Layers: spec.layers,
    // An empty TargetArn removes the dead-letter target; it is sent only when it changes or is set.
    ...(spec.deadLetterArn || changes.some((c) => c.field === 'DeadLetterConfig')
      ? { DeadLetterConfig: { TargetArn: spec.deadLetterArn ?? '' } }
      : {}),
  }
}

export function toUpdateCodeInput(spec: FunctionSpec, code?: FunctionCode): UpdateFunctionCodeCommandInput {
  const source = spec.imageUri ? { ImageUri: spec.imageUri } : { ZipFile: code?.zip }
  return { FunctionName: spec.name, ...source, Architectures: [spec.architecture], Publish: false }
}

/** The code (a package or an image) and the architecture go out in UpdateFunctionCode. */
export const isCodeChange = (change: Change) =>
  change.field === 'CodeSha256' || change.field === 'ImageUri' || change.field === 'Architectures'

export const isTagChange = (change: Change) => change.field.startsWith('Tags[')

/** What is neither tags nor code goes out in one UpdateFunctionConfiguration. */
export const isConfigurationChange = (change: Change) => !isTagChange(change) && !isCodeChange(change)
