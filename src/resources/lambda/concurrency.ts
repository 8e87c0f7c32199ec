// Optional concurrency settings of a function: reserved concurrency (on the function) and provisioned concurrency
// (on the alias, so that it follows the alias from version to version).
import {
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
} from '@aws-sdk/client-lambda'
import { awsFailure, isNotFound } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { recordedAttribute, recordIfChanged } from '../common.js'
import type { FunctionSpec } from './function-diff.js'
import { FUNCTION_KIND, functionKey } from './function.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const CONCURRENCY_KIND = 'lambda-concurrency'
// Allocating provisioned concurrency takes minutes (environments are initialised); terraform-provider-aws waits 15 min.
const PROVISIONED_READY_MS = 15 * 60_000

const failure = (name: string, doing: string, code: string) => (e: unknown) => {
  throw awsFailure(e, { code, doing, kind: 'Lambda concurrency of', name })
}

/** Reserved concurrency: nothing to report when neither the config nor the function has any. */
export async function ensureReservedConcurrency(
  ctx: ResourceContext,
  spec: FunctionSpec,
  observed: number | undefined,
): Promise<Ensured | undefined> {
  const want = spec.reservedConcurrency
  if (ctx.offline || (want === undefined && observed === undefined)) return undefined
  const base = {
    kind: CONCURRENCY_KIND,
    key: `${CONCURRENCY_KIND}:${spec.logicalId}:reserved`,
    name: `${spec.name} (reserved)`,
  }
  const changes: Change[] =
    observed === want ? [] : [{ field: 'ReservedConcurrentExecutions', from: observed, to: want }]
  if (changes.length === 0) return { ...base, action: 'unchanged', changes }
  if (ctx.dryRun) return { ...base, action: observed === undefined ? 'would-create' : 'would-update', changes }
  const lambda = ctx.aws.get(LambdaClient)
  await (
    want === undefined
      ? lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: spec.name }))
      : lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: spec.name, ReservedConcurrentExecutions: want }))
  ).catch(failure(spec.name, 'setting', 'ReservedConcurrencyFailed'))
  return { ...base, action: observed === undefined ? 'created' : 'updated', changes }
}

async function findProvisioned(
  lambda: LambdaClient,
  name: string,
  alias: string,
): Promise<GetProvisionedConcurrencyConfigCommandOutput | undefined> {
  try {
    return await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: alias }))
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/**
 * Provisioned concurrency on the alias. Read only when the config asks for it or the manifest says we set it,
 * so that functions without it cost no extra call.
 */
export async function ensureProvisionedConcurrency(
  ctx: ResourceContext,
  spec: FunctionSpec,
  aliasExists: boolean,
): Promise<Ensured | undefined> {
  const key = functionKey(spec.logicalId)
  const want = spec.provisionedConcurrency
  const recorded = recordedAttribute(ctx, key, 'provisionedConcurrency')
  if (ctx.offline || (want === undefined && recorded === undefined)) return undefined
  const base = {
    kind: CONCURRENCY_KIND,
    key: `${CONCURRENCY_KIND}:${spec.logicalId}:provisioned`,
    name: `${spec.name}:${spec.aliasName} (provisioned)`,
  }
  const lambda = ctx.aws.get(LambdaClient)
  const label = `${spec.name}:${spec.aliasName}`
  const have = aliasExists
    ? await findProvisioned(lambda, spec.name, spec.aliasName).catch(
        failure(label, 'reading', 'ProvisionedConcurrencyReadFailed'),
      )
    : undefined
  const observed = have?.RequestedProvisionedConcurrentExecutions
  const changes: Change[] =
    observed === want ? [] : [{ field: 'ProvisionedConcurrentExecutions', from: observed, to: want }]
  const record = () =>
    recordIfChanged(ctx, key, {
      kind: FUNCTION_KIND,
      name: spec.name,
      arn: ctx.record.manifest.resources[key]?.arn,
      attributes: { provisionedConcurrency: want },
    })
  if (changes.length === 0) {
    await record()
    return { ...base, action: 'unchanged', changes }
  }
  if (ctx.dryRun) return { ...base, action: observed === undefined ? 'would-create' : 'would-update', changes }
  if (want === undefined) {
    await lambda
      .send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: spec.name, Qualifier: spec.aliasName }))
      .catch(failure(label, 'removing', 'ProvisionedConcurrencyFailed'))
  } else {
    await lambda
      .send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: spec.name,
          Qualifier: spec.aliasName,
          ProvisionedConcurrentExecutions: want,
        }),
      )
      .catch(failure(label, 'setting', 'ProvisionedConcurrencyFailed'))
    ctx.log(`${label}: waiting for ${want} provisioned environments`)
    await pollUntil({
      read: () => findProvisioned(lambda, spec.name, spec.aliasName),
      judge: (p) =>
        p?.Status === 'READY' ? 'done' : p?.Status === 'FAILED' ? { failed: p.StatusReason ?? 'FAILED' } : 'waiting',
      describe: (p) =>
        p
          ? `${p.Status}${p.StatusReason ? ` (${p.StatusReason})` : ''}, ${p.AllocatedProvisionedConcurrentExecutions ?? 0} allocated`
          : 'not visible yet',
      label: `waiting for provisioned concurrency of Lambda alias (${label})`,
      timeoutMs: PROVISIONED_READY_MS * ctx.timing.deadlineScale,
      backoff: ctx.timing.poll,
    })
  }
  await record()
  return { ...base, action: observed === undefined ? 'created' : 'updated', changes }
}
