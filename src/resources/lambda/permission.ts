// Lambda resource-policy statements that let a service (API Gateway) invoke a function's alias, one per function and
// API, scoped to that API's ARN: an engine kind with no tags of its own (ours because the function is). Changes to
// one function's policy, adds and removals alike, are serialised: AWS has acknowledged that parallel AddPermission
// calls can silently drop statements (reliability rules, rule 12).
import { AddPermissionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda'
import { isLambdaAlreadyExists, isNotFound, isPermissionPropagating } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { retryWhile } from '../../aws/retry.js'
import { converge } from '../engine/converge.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const PERMISSION_KIND = 'lambda-permission'
// terraform-provider-aws lambda/permission.go: AddPermission is retried for 15 minutes.
const PERMISSION_PROPAGATION_MS = 15 * 60_000
const REMOVAL_VISIBLE_MS = 2 * 60_000

export interface PermissionSpec {
  /** Manifest key `lambda-permission:<logicalId>`. */
  logicalId: string
  functionName: string
  /** The alias (or version) the permission is on: API Gateway invokes the alias, not $LATEST. */
  qualifier: string
  statementId: string
  principal: string
  sourceArn: string
  /** S3 bucket ARNs name no account: the statement is scoped to this one too (confused deputy). */
  sourceAccount?: string
}

type NamedPermissionSpec = PermissionSpec & { name: string }

/** Which statement a record names: what RemovePermission takes. */
type StatementRef = Pick<PermissionSpec, 'functionName' | 'qualifier' | 'statementId'>

interface Statement {
  Sid?: string
  Principal?: { Service?: string }
  Condition?: { ArnLike?: Record<string, string>; StringEquals?: Record<string, string> }
}

const queues = new Map<string, Promise<unknown>>()

/** Runs `work` after every earlier change to the same function's policy has finished. */
function serialised<T>(functionName: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(functionName) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(work)
  queues.set(functionName, next)
  // The last in line removes the queue once it has settled, so the map does not grow.
  void next.catch(() => undefined).then(() => queues.get(functionName) === next && queues.delete(functionName))
  return next
}

/** The statement, or undefined when it, the policy, the alias or the function does not exist. */
async function findStatement(ctx: ResourceContext, ref: StatementRef): Promise<Statement | undefined> {
  try {
    const out = await ctx.aws
      .get(LambdaClient)
      .send(new GetPolicyCommand({ FunctionName: ref.functionName, Qualifier: ref.qualifier }))
    const policy = JSON.parse(out.Policy ?? '{"Statement":[]}') as { Statement?: Statement[] }
    return policy.Statement?.find((s) => s.Sid === ref.statementId)
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Pure: what differs between the statement Lambda has and the one wanted. */
export function diffStatement(have: Statement, want: PermissionSpec): Change[] {
  const changes: Change[] = []
  if (have.Principal?.Service !== want.principal)
    changes.push({ field: 'Principal', from: have.Principal?.Service, to: want.principal })
  const source = have.Condition?.ArnLike?.['AWS:SourceArn']
  if (source !== want.sourceArn) changes.push({ field: 'SourceArn', from: source, to: want.sourceArn })
  const account = have.Condition?.StringEquals?.['AWS:SourceAccount']
  if (account !== want.sourceAccount) changes.push({ field: 'SourceAccount', from: account, to: want.sourceAccount })
  return changes
}

/** The statement AddPermission makes for the spec, as GetPolicy shows it. */
const statementOf = (spec: PermissionSpec): Statement => ({
  Sid: spec.statementId,
  Principal: { Service: spec.principal },
  Condition: {
    ArnLike: { 'AWS:SourceArn': spec.sourceArn },
    ...(spec.sourceAccount && { StringEquals: { 'AWS:SourceAccount': spec.sourceAccount } }),
  },
})

/** What a record names; records written before the attributes were kept name it as `<function>:<qualifier>/<sid>`. */
function statementRef(record: ResourceRecord): StatementRef {
  const recorded = record.attributes as Partial<StatementRef> | undefined
  if (recorded?.functionName && recorded.qualifier && recorded.statementId) return recorded as StatementRef
  const [, functionName = '', qualifier = '', statementId = ''] = /^([^:]+):([^/]+)\/(.+)$/.exec(record.name) ?? []
  return { functionName, qualifier, statementId }
}

async function addStatement(ctx: ResourceContext, spec: NamedPermissionSpec): Promise<void> {
  // Right after the function or its alias changed, Lambda may refuse for a while; a statement that already exists
  // (a lost response, retried) is the engine's to resolve.
  const propagating = (e: unknown) => isPermissionPropagating(e) && !isLambdaAlreadyExists(e)
  await retryWhile(
    () =>
      ctx.aws.get(LambdaClient).send(
        new AddPermissionCommand({
          FunctionName: spec.functionName,
          Qualifier: spec.qualifier,
          StatementId: spec.statementId,
          Action: 'lambda:InvokeFunction',
          Principal: spec.principal,
          SourceArn: spec.sourceArn,
          ...(spec.sourceAccount && { SourceAccount: spec.sourceAccount }),
        }),
      ),
    propagating,
    {
      timeoutMs: PERMISSION_PROPAGATION_MS * ctx.timing.deadlineScale,
      label: `adding Lambda permission (${spec.name})`,
      backoff: ctx.timing.retry,
      report: { to: ctx, resource: `permission ${spec.name}`, state: 'accepted' },
    },
  )
}

async function removeStatement(ctx: ResourceContext, ref: StatementRef, name: string): Promise<void> {
  await ctx.aws.get(LambdaClient).send(
    new RemovePermissionCommand({
      FunctionName: ref.functionName,
      Qualifier: ref.qualifier,
      StatementId: ref.statementId,
    }),
  )
  // The removal is eventually consistent: adding the same statement id too early fails as a duplicate.
  await pollUntil({
    read: () => findStatement(ctx, ref),
    judge: (s) => (s ? 'waiting' : 'done'),
    describe: () => 'statement still present',
    label: `removing Lambda permission (${name})`,
    timeoutMs: REMOVAL_VISIBLE_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: `permission ${name}`, state: 'removed' },
  })
}

async function observeStatement(ctx: ResourceContext, ref: StatementRef): Promise<Array<Observation<Statement>>> {
  const found = await findStatement(ctx, ref)
  return found ? [{ observed: found }] : []
}

export const permissionKind: ResourceKind<NamedPermissionSpec, Statement> = {
  kind: PERMISSION_KIND,
  label: 'Lambda permission',
  codePrefix: 'Permission',
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => observeStatement(ctx, spec),
  // Read early by the recorded function, qualifier and statement id; another statement's write leaves it as it is.
  early: {
    service: 'lambda',
    read: (ctx, recorded) => observeStatement(ctx, statementRef(recorded)),
    covers: (recorded, spec) => {
      const ref = statementRef(recorded)
      return (
        ref.functionName === spec.functionName &&
        ref.qualifier === spec.qualifier &&
        ref.statementId === spec.statementId
      )
    },
  },
  diff: diffStatement,
  async create(ctx, spec) {
    await addStatement(ctx, spec)
    return { observed: statementOf(spec) }
  },
  // A statement cannot be edited: it is replaced.
  async apply(ctx, _observed, spec) {
    await removeStatement(ctx, spec, spec.name)
    await addStatement(ctx, spec)
    return { observed: statementOf(spec) }
  },
  delete(ctx, record) {
    const ref = statementRef(record)
    return serialised(ref.functionName, () => removeStatement(ctx, ref, record.name))
  },
  attributes: (_, spec) => ({
    functionName: spec.functionName,
    qualifier: spec.qualifier,
    statementId: spec.statementId,
    sourceArn: spec.sourceArn,
  }),
  describe: (spec) => `allows ${spec.principal}`,
}

export function ensurePermission(ctx: ResourceContext, spec: PermissionSpec): Promise<Ensured> {
  const named = { ...spec, name: `${spec.functionName}:${spec.qualifier}/${spec.statementId}` }
  return serialised(spec.functionName, async () => (await converge(ctx, permissionKind, named)).result)
}
