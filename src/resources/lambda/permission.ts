// Lambda resource-policy statements that let a service (API Gateway) invoke a function's alias, one per
// function and API, scoped to that API's ARN. Changes to one function's policy are serialised: AWS has
// acknowledged that parallel AddPermission calls can silently drop statements (reliability rules, rule 12).
import { AddPermissionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda'
import { isNotFound, isPermissionPropagating } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { retryWhile } from '../../aws/retry.js'
import { recordIfChanged, failureFor } from '../common.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const PERMISSION_KIND = 'lambda-permission'
// terraform-provider-aws lambda/permission.go: AddPermission is retried for 15 minutes.
const PERMISSION_PROPAGATION_MS = 15 * 60_000

export interface PermissionSpec {
  /** Manifest key `lambda-permission:<logicalId>`. */
  logicalId: string
  functionName: string
  /** The alias (or version) the permission is on: API Gateway invokes the alias, not $LATEST. */
  qualifier: string
  statementId: string
  principal: string
  sourceArn: string
}

interface Statement {
  Sid?: string
  Principal?: { Service?: string }
  Condition?: { ArnLike?: Record<string, string> }
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

export async function findStatement(lambda: LambdaClient, spec: PermissionSpec): Promise<Statement | undefined> {
  try {
    const out = await lambda.send(new GetPolicyCommand({ FunctionName: spec.functionName, Qualifier: spec.qualifier }))
    const policy = JSON.parse(out.Policy ?? '{"Statement":[]}') as { Statement?: Statement[] }
    return policy.Statement?.find((s) => s.Sid === spec.statementId)
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
  return changes
}

export function ensurePermission(ctx: ResourceContext, spec: PermissionSpec): Promise<Ensured> {
  return serialised(spec.functionName, () => converge(ctx, spec))
}

async function converge(ctx: ResourceContext, spec: PermissionSpec): Promise<Ensured> {
  const name = `${spec.functionName}:${spec.qualifier}/${spec.statementId}`
  const base = { kind: PERMISSION_KIND, key: `${PERMISSION_KIND}:${spec.logicalId}`, name }
  if (ctx.offline)
    return { ...base, action: ctx.record.manifest.resources[base.key] ? 'unverified' : 'would-create', changes: [] }
  const lambda = ctx.aws.get(LambdaClient)
  const fail = failureFor(
    ctx,
    'Lambda permission',
    name,
    'Check that the function and its alias exist (`infra step lambda`), then rerun.',
  )
  const have = await findStatement(lambda, spec).catch(fail('reading', 'PermissionReadFailed'))
  const changes = have ? diffStatement(have, spec) : []
  if (have && changes.length === 0) {
    await recordIfChanged(ctx, base.key, { kind: PERMISSION_KIND, name, attributes: { sourceArn: spec.sourceArn } })
    return { ...base, action: 'unchanged', changes }
  }
  if (ctx.dryRun) return { ...base, action: have ? 'would-update' : 'would-create', changes, arn: KNOWN_AFTER_APPLY }
  if (have) {
    await lambda
      .send(
        new RemovePermissionCommand({
          FunctionName: spec.functionName,
          Qualifier: spec.qualifier,
          StatementId: spec.statementId,
        }),
      )
      .catch(fail('replacing', 'PermissionUpdateFailed'))
    // The removal is eventually consistent: adding the same statement id too early fails as a duplicate.
    await pollUntil({
      read: () => findStatement(lambda, spec),
      judge: (s) => (s ? 'waiting' : 'done'),
      describe: () => 'statement still present',
      label: `removing Lambda permission (${name})`,
      timeoutMs: 2 * 60_000 * ctx.timing.deadlineScale,
      backoff: ctx.timing.poll,
    })
  }
  await retryWhile(
    () =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: spec.functionName,
          Qualifier: spec.qualifier,
          StatementId: spec.statementId,
          Action: 'lambda:InvokeFunction',
          Principal: spec.principal,
          SourceArn: spec.sourceArn,
        }),
      ),
    isPermissionPropagating,
    {
      timeoutMs: PERMISSION_PROPAGATION_MS * ctx.timing.deadlineScale,
      label: `adding Lambda permission (${name})`,
      backoff: ctx.timing.retry,
    },
  ).catch(fail('adding', 'PermissionCreateFailed'))
  await recordIfChanged(ctx, base.key, { kind: PERMISSION_KIND, name, attributes: { sourceArn: spec.sourceArn } })
  return { ...base, action: have ? 'updated' : 'created', changes }
}
