// Lambda versions: publish (only when $LATEST changed), find a published version that already serves the spec,
// list what exists for rollback. Every version we publish is recorded in the function's manifest record.
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda'
import { createHash } from 'node:crypto'
import { StepError } from '../../errors/index.js'
import { awsFailure, isFunctionBusy, isNotFound, isPreconditionFailed } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { recordedAttribute, recordIfChanged } from '../common.js'
import { versionMatches, type FunctionSpec } from './function-diff.js'
import { FUNCTION_KIND, functionKey } from './function.js'
import { waitForFunction } from './function-wait.js'
import type { ResourceContext } from '../types.js'

/** How many published versions the manifest remembers per function (what rollback can choose from offline). */
export const VERSIONS_KEPT = 20
const PUBLISH_MS = 10 * 60_000

export interface VersionRecord {
  version: string
  codeSha256: string
  publishedAt: string
  /** versionFingerprint of the spec this version was published from, or found to serve. */
  fingerprint?: string
}

/**
 * Everything of the spec and code a version is compared on (tags, description and the package's bytes aside: a
 * version has no tags of its own and its description does not count). Extra fields only cost a read, never a match.
 */
export function versionFingerprint(spec: FunctionSpec, codeSha256: string): string {
  const { tags: _tags, description: _description, ...rest } = spec as FunctionSpec & { code?: unknown }
  const compared = { ...rest, code: undefined, codeSha256 }
  return createHash('sha256').update(JSON.stringify(compared)).digest('hex').slice(0, 16)
}

export const isPublishedVersion = (v: string | undefined): v is string => !!v && /^\d+$/.test(v)

/** Pure: the list with `entry` appended (replacing a record of the same version), the newest VERSIONS_KEPT kept. */
export function appendVersion(list: VersionRecord[], entry: VersionRecord, limit = VERSIONS_KEPT): VersionRecord[] {
  return [...list.filter((v) => v.version !== entry.version), entry].slice(-limit)
}

/** The versions the manifest records for a function, oldest first; [] when it records none (or something unreadable). */
export function recordedVersions(ctx: Pick<ResourceContext, 'record'>, logicalId: string): VersionRecord[] {
  const value = recordedAttribute(ctx, functionKey(logicalId), 'versions')
  if (!Array.isArray(value)) return []
  return value.filter(
    (v): v is VersionRecord => typeof v === 'object' && v !== null && isPublishedVersion((v as VersionRecord).version),
  )
}

/** One published version, or undefined when it does not exist (any more). */
export async function findVersion(
  ctx: ResourceContext,
  name: string,
  version: string,
): Promise<FunctionConfiguration | undefined> {
  try {
    return await ctx.aws
      .get(LambdaClient)
      .send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: version }))
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Every published version number of the function, ascending ($LATEST left out). */
export async function listVersionNumbers(ctx: ResourceContext, name: string): Promise<string[]> {
  const lambda = ctx.aws.get(LambdaClient)
  const versions: string[] = []
  let Marker: string | undefined
  do {
    const page = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name, Marker, MaxItems: 50 }))
    versions.push(...(page.Versions ?? []).map((v) => v.Version).filter(isPublishedVersion))
    Marker = page.NextMarker
  } while (Marker)
  return [...new Set(versions)].sort((a, b) => Number(a) - Number(b))
}

/**
 * The first candidate version that exists and serves the spec (code, architecture, configuration), if any. A
 * published version never changes: one the alias serves (`served`, read this run, so it exists) that the manifest
 * records as serving this very spec is taken without reading it again.
 */
export async function findMatchingVersion(
  ctx: ResourceContext,
  spec: FunctionSpec,
  codeSha256: string,
  candidates: Array<string | undefined>,
  served: Array<string | undefined> = [],
): Promise<string | undefined> {
  const fingerprint = versionFingerprint(spec, codeSha256)
  const recorded = recordedVersions(ctx, spec.logicalId)
  const vouched = (v: string) =>
    served.includes(v) && recorded.some((r) => r.version === v && r.fingerprint === fingerprint)
  for (const version of [...new Set(candidates.filter(isPublishedVersion))]) {
    if (vouched(version)) return version
    const found = await findVersion(ctx, spec.name, version)
    if (found && versionMatches(found, spec, codeSha256)) {
      await rememberServing(ctx, spec, version, fingerprint)
      return version
    }
  }
  return undefined
}

/** Notes in the manifest that a recorded version serves the spec of this fingerprint. */
async function rememberServing(ctx: ResourceContext, spec: FunctionSpec, version: string, fingerprint: string) {
  const key = functionKey(spec.logicalId)
  const known = ctx.record.manifest.resources[key]
  const versions = recordedVersions(ctx, spec.logicalId)
  if (!known || !versions.some((v) => v.version === version && v.fingerprint !== fingerprint)) return
  const attributes = { versions: versions.map((v) => (v.version === version ? { ...v, fingerprint } : v)) }
  await recordIfChanged(ctx, key, { kind: FUNCTION_KIND, name: known.name, id: known.id, arn: known.arn, attributes })
}

/**
 * Publishes $LATEST. CodeSha256 and RevisionId make Lambda refuse if $LATEST changed since we read it (another
 * deploy), rather than publish code we did not check. Recorded in the manifest at once.
 */
export async function publishVersion(
  ctx: ResourceContext,
  spec: FunctionSpec,
  latest: FunctionConfiguration,
  codeSha256: string,
): Promise<string> {
  const lambda = ctx.aws.get(LambdaClient)
  const publish = () =>
    lambda.send(
      new PublishVersionCommand({ FunctionName: spec.name, CodeSha256: codeSha256, RevisionId: latest.RevisionId }),
    )
  const published = await retryWhile(publish, isFunctionBusy, {
    timeoutMs: PUBLISH_MS * ctx.timing.deadlineScale,
    label: `publishing a version of Lambda function (${spec.name})`,
    backoff: ctx.timing.retry,
    report: { to: ctx, resource: `function ${spec.name}`, state: 'ready to publish' },
  }).catch((e: unknown) => {
    if (isPreconditionFailed(e)) {
      throw new StepError(
        'FunctionChangedDuringDeploy',
        `publishing a version of Lambda function (${spec.name}): the function changed since it was read (another deploy?)`,
        {
          hint: `Make sure no other deploy runs, then rerun \`infra step lambda --env ${ctx.identity.env}\`.`,
          cause: e,
        },
      )
    }
    throw awsFailure(e, {
      code: 'VersionPublishFailed',
      doing: 'publishing a version of',
      kind: 'Lambda function',
      name: spec.name,
    })
  })
  const version = published.Version ?? ''
  const key = functionKey(spec.logicalId)
  const entry = {
    version,
    codeSha256: published.CodeSha256 ?? codeSha256,
    publishedAt: new Date().toISOString(),
    fingerprint: versionFingerprint(spec, codeSha256),
  }
  await recordIfChanged(ctx, key, {
    kind: FUNCTION_KIND,
    name: spec.name,
    arn: latest.FunctionArn,
    attributes: { versions: appendVersion(recordedVersions(ctx, spec.logicalId), entry) },
  })
  // A version is usable once its own LastUpdateStatus is Successful; Lambda may still be preparing it (rule 11).
  if (published.LastUpdateStatus !== 'Successful') await waitForFunction(ctx, spec.name, 'updated', version)
  ctx.log(`${spec.name}: published version ${version}`)
  return version
}
