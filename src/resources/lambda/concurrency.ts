// Optional concurrency settings of a function, as two engine kinds with no tags of their own (ours because the
// function is): reserved concurrency (on the function) and provisioned concurrency (on the alias, so that it follows
// the alias from version to version). Converged only when config asks for them; one that config drops is removed
// like any other recorded resource that config no longer describes.
import {
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetFunctionConcurrencyCommand,
  GetProvisionedConcurrencyConfigCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
} from '@aws-sdk/client-lambda'
import { isNotFound } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { converge } from '../engine/converge.js'
import type { ResourceKind, SpecBase } from '../engine/kind.js'
import type { FunctionSpec } from './function-diff.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const RESERVED_CONCURRENCY_KIND = 'lambda-reserved-concurrency'
export const PROVISIONED_CONCURRENCY_KIND = 'lambda-provisioned-concurrency'
// Allocating provisioned concurrency takes minutes (environments are initialised); terraform-provider-aws waits 15 min.
const PROVISIONED_READY_MS = 15 * 60_000

export interface ReservedConcurrencySpec extends SpecBase {
  functionName: string
  executions: number
}

export interface ProvisionedConcurrencySpec extends SpecBase {
  functionName: string
  /** The alias it is on. */
  qualifier: string
  executions: number
}

type Provisioned = GetProvisionedConcurrencyConfigCommandOutput

const executionsChange = (field: string, from: number | undefined, to: number): Change[] =>
  from === to ? [] : [{ field, from, to }]

/** The function's own reservation; a missing function has none. */
async function findReserved(ctx: ResourceContext, functionName: string): Promise<number | undefined> {
  try {
    const out = await ctx.aws.get(LambdaClient).send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }))
    return out.ReservedConcurrentExecutions
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function putReserved(ctx: ResourceContext, spec: ReservedConcurrencySpec): Promise<number> {
  await ctx.aws.get(LambdaClient).send(
    new PutFunctionConcurrencyCommand({
      FunctionName: spec.functionName,
      ReservedConcurrentExecutions: spec.executions,
    }),
  )
  return spec.executions
}

export const reservedConcurrencyKind: ResourceKind<ReservedConcurrencySpec, number> = {
  kind: RESERVED_CONCURRENCY_KIND,
  label: 'reserved concurrency of Lambda function',
  codePrefix: 'ReservedConcurrency',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    const found = await findReserved(ctx, spec.functionName)
    return found === undefined ? [] : [{ observed: found }]
  },
  diff: (observed, spec) => executionsChange('ReservedConcurrentExecutions', observed, spec.executions),
  create: async (ctx, spec) => ({ observed: await putReserved(ctx, spec) }),
  apply: async (ctx, _observed, spec) => ({ observed: await putReserved(ctx, spec) }),
  async delete(ctx, record) {
    const { functionName } = record.attributes as { functionName: string }
    await ctx.aws.get(LambdaClient).send(new DeleteFunctionConcurrencyCommand({ FunctionName: functionName }))
  },
  attributes: (_, spec) => ({ functionName: spec.functionName }),
  describe: (spec) => `${spec.executions} reserved executions`,
}

/** The alias's provisioned concurrency; a missing alias or function has none. */
async function findProvisioned(
  ctx: ResourceContext,
  ref: { functionName: string; qualifier: string },
): Promise<Provisioned | undefined> {
  try {
    return await ctx.aws
      .get(LambdaClient)
      .send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: ref.functionName, Qualifier: ref.qualifier }))
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function putProvisioned(ctx: ResourceContext, spec: ProvisionedConcurrencySpec): Promise<Provisioned> {
  return ctx.aws.get(LambdaClient).send(
    new PutProvisionedConcurrencyConfigCommand({
      FunctionName: spec.functionName,
      Qualifier: spec.qualifier,
      ProvisionedConcurrentExecutions: spec.executions,
    }),
  )
}

/** Allocation takes minutes: polled until READY (or FAILED, with Lambda's reason). */
async function waitForProvisioned(ctx: ResourceContext, spec: ProvisionedConcurrencySpec): Promise<Provisioned> {
  ctx.log(`${spec.name}: waiting for ${spec.executions} provisioned environments`)
  return pollUntil<Provisioned>({
    read: async () => (await findProvisioned(ctx, spec)) ?? { $metadata: {} },
    judge: (p) =>
      p.Status === 'READY' ? 'done' : p.Status === 'FAILED' ? { failed: p.StatusReason ?? 'FAILED' } : 'waiting',
    describe: (p) =>
      p.Status
        ? `${p.Status}${p.StatusReason ? ` (${p.StatusReason})` : ''}, ${p.AllocatedProvisionedConcurrentExecutions ?? 0} allocated`
        : 'not visible yet',
    label: `waiting for provisioned concurrency of Lambda alias (${spec.name})`,
    timeoutMs: PROVISIONED_READY_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: `provisioned concurrency ${spec.name}`, state: 'READY' },
  })
}

export const provisionedConcurrencyKind: ResourceKind<ProvisionedConcurrencySpec, Provisioned> = {
  kind: PROVISIONED_CONCURRENCY_KIND,
  label: 'provisioned concurrency of Lambda alias',
  codePrefix: 'ProvisionedConcurrency',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    const found = await findProvisioned(ctx, spec)
    return found ? [{ observed: found }] : []
  },
  diff: (observed, spec) =>
    executionsChange(
      'ProvisionedConcurrentExecutions',
      observed.RequestedProvisionedConcurrentExecutions,
      spec.executions,
    ),
  create: async (ctx, spec) => ({ observed: await putProvisioned(ctx, spec) }),
  async apply(ctx, _observed, spec) {
    await putProvisioned(ctx, spec)
    return { observed: await waitForProvisioned(ctx, spec) }
  },
  busy: (observed) => observed.Status === 'IN_PROGRESS',
  waitFor: (ctx, observed, spec) =>
    observed.Status === 'READY' ? Promise.resolve(observed) : waitForProvisioned(ctx, spec),
  async delete(ctx, record) {
    const { functionName, qualifier } = record.attributes as { functionName: string; qualifier: string }
    await ctx.aws
      .get(LambdaClient)
      .send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: functionName, Qualifier: qualifier }))
  },
  attributes: (_, spec) => ({ functionName: spec.functionName, qualifier: spec.qualifier }),
  describe: (spec) => `${spec.executions} provisioned executions on ${spec.qualifier}`,
}

/** The concurrency settings config asks of the function: reserved first, since provisioned must fit within it. */
export async function ensureConcurrency(ctx: ResourceContext, spec: FunctionSpec): Promise<Ensured[]> {
  const results: Ensured[] = []
  if (spec.reservedConcurrency !== undefined) {
    const reserved = {
      logicalId: spec.logicalId,
      name: spec.name,
      functionName: spec.name,
      executions: spec.reservedConcurrency,
    }
    results.push((await converge(ctx, reservedConcurrencyKind, reserved)).result)
  }
  if (spec.provisionedConcurrency !== undefined) {
    const provisioned = {
      logicalId: spec.logicalId,
      name: `${spec.name}:${spec.aliasName}`,
      functionName: spec.name,
      qualifier: spec.aliasName,
      executions: spec.provisionedConcurrency,
    }
    results.push((await converge(ctx, provisionedConcurrencyKind, provisioned)).result)
  }
  return results
}
