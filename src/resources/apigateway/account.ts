// API Gateway's account-wide CloudWatch role (one per account and region): without it, UpdateStage with access log
// settings fails ("CloudWatch Logs role ARN must be set in account settings to enable logging"). infra sets it only
// where the region has none: a role someone else set (another service, another tool) is left as it is.
import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { isApiGatewayRoleNotReady } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { arn, failureFor } from '../common.js'
import { converge, observe } from '../engine/converge.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import { ensureRole } from '../iam/role.js'
import { serviceTrustPolicy } from '../policy-document.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'
import { callApi } from './call.js'

export const ACCOUNT_KIND = 'apigateway-account'
// AWS's managed policy for exactly this: create log groups and streams, put events.
const PUSH_TO_CLOUDWATCH = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'
// terraform-provider-aws budgets IAM propagation at 2 minutes (reliability rules, rule 9).
const IAM_PROPAGATION_MS = 2 * 60_000

export interface CloudWatchRoleSpec {
  roleName: string
  tags: Tags
}

/** The account's setting: the region is its logical id. */
export interface AccountSpec extends SpecBase {
  roleArn: string
}

export interface ObservedAccount {
  cloudwatchRoleArn?: string
}

async function readAccount(ctx: ResourceContext): Promise<ObservedAccount> {
  const account = await callApi(ctx, 'reading API Gateway account settings', () =>
    ctx.aws.get(APIGatewayClient).send(new GetAccountCommand({})),
  )
  return account.cloudwatchRoleArn ? { cloudwatchRoleArn: account.cloudwatchRoleArn } : {}
}

const observation = (observed: ObservedAccount): Observation<ObservedAccount> => ({
  observed,
  ...(observed.cloudwatchRoleArn ? { arn: observed.cloudwatchRoleArn } : {}),
})

const observeAccount = async (ctx: ResourceContext) => [observation(await readAccount(ctx))]

/** A new role is not usable by API Gateway at once; it says so with a BadRequestException until it is. */
async function setRole(ctx: ResourceContext, roleArn: string): Promise<ObservedAccount> {
  await retryWhile(
    () =>
      callApi(ctx, 'setting the API Gateway CloudWatch role', () =>
        ctx.aws.get(APIGatewayClient).send(
          new UpdateAccountCommand({
            patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }],
          }),
        ),
      ),
    isApiGatewayRoleNotReady,
    {
      timeoutMs: IAM_PROPAGATION_MS * ctx.timing.deadlineScale,
      label: `setting the API Gateway CloudWatch role (${roleArn})`,
      backoff: ctx.timing.retry,
      report: { to: ctx, resource: 'API Gateway account', state: 'CloudWatch role usable' },
    },
  )
  return { cloudwatchRoleArn: roleArn }
}

export const apiGatewayAccountKind: ResourceKind<AccountSpec, ObservedAccount> = {
  kind: ACCOUNT_KIND,
  label: 'API Gateway account',
  codePrefix: 'ApiGatewayAccount',
  // One per account and region; it always exists, so it is only ever updated.
  identity: 'name',
  ownership: 'parent',
  find: observeAccount,
  // The region's one setting: the read needs nothing from the record.
  early: { service: 'apigateway', read: observeAccount },
  // Any role set is left as it is: it may be another service's, and every API in the region logs with it.
  diff: (observed, spec) => (observed.cloudwatchRoleArn ? [] : [{ field: 'CloudWatchRoleArn', to: spec.roleArn }]),
  async create(ctx, spec) {
    return { observed: await setRole(ctx, spec.roleArn), arn: spec.roleArn }
  },
  async apply(ctx, _observed, spec) {
    return { observed: await setRole(ctx, spec.roleArn) }
  },
  // Deliberately a no-op: the setting is account-wide, and other APIs in the region (other services', other tools')
  // may log through it. Unsetting it would break their access logs; the role itself is deleted with the IAM step.
  async delete() {},
  // Dropped from config (no API left), the setting is reported as kept, not deleted.
  keptWhenDropped: true,
  describe: (spec) => `CloudWatch role ${spec.roleArn}`,
}

const converging = new WeakMap<object, Promise<Ensured[]>>()

/**
 * Steps 04 and 05 both need the account's role and run concurrently: within one run it is converged once, by
 * whichever step asks first, and only that step reports it (the others get []). A run is its set of converged keys
 * (one manifest store also serves the plan deploy-all reviews and the apply after it, or an import's two passes).
 */
export async function ensureApiGatewayCloudWatchRoleOnce(
  ctx: ResourceContext,
  spec: CloudWatchRoleSpec,
): Promise<Ensured[]> {
  const run = ctx.converged ?? ctx.record
  const pending = converging.get(run)
  if (pending) return pending.then(() => [])
  const work = ensureApiGatewayCloudWatchRole(ctx, spec)
  converging.set(run, work)
  return work
}

/** The role API Gateway writes logs with, set on the account when none is: returns the role's and the account's results. */
async function ensureApiGatewayCloudWatchRole(ctx: ResourceContext, spec: CloudWatchRoleSpec): Promise<Ensured[]> {
  const region = ctx.identity.region
  const name = `API Gateway account settings (${region})`
  const ours = arn(ctx, 'iam', `role/${spec.roleName}`, '')
  // What was read already is not read again.
  const account = async (roleArn: string, seen?: ObservedAccount) => {
    const found = seen && [observation(seen)]
    return (await converge(ctx, apiGatewayAccountKind, { logicalId: region, name, roleArn }, { found })).result
  }
  if (ctx.offline) return [await account(ours)]
  // Read once: whose role is set decides whether ours is converged at all. Our own role stays converged (deleted or
  // changed behind our back, the account's logging would break); a role someone else set is theirs.
  const seen = await observe(ctx, apiGatewayAccountKind, { logicalId: region, name, roleArn: ours })
    .then(([found]) => found!.observed)
    .catch(failureFor(ctx, apiGatewayAccountKind.label, name)('reading', 'ApiGatewayAccountReadFailed'))
  const theirs = seen.cloudwatchRoleArn !== undefined && seen.cloudwatchRoleArn !== ours
  if (theirs) return [await account(seen.cloudwatchRoleArn!, seen)]
  const role = await ensureRole(ctx, {
    logicalId: 'apigateway-cloudwatch',
    name: spec.roleName,
    description: `Lets API Gateway write access logs to CloudWatch Logs in ${region} (managed by infra)`,
    trustPolicy: serviceTrustPolicy('apigateway.amazonaws.com'),
    inlinePolicies: {},
    managedPolicyArns: [PUSH_TO_CLOUDWATCH],
    tags: spec.tags,
    sharedBeyondEnvironment: `API Gateway's account-wide CloudWatch role in ${region}: every API there (other environments and services too) logs with it, so infra never deletes it`,
  })
  if (role.action === 'unmanaged' && !ctx.dryRun)
    throw new StepError(
      'CloudWatchRoleUnmanaged',
      `setting the API Gateway CloudWatch role: IAM role ${spec.roleName} exists but was not created by infra; access logs need a role set on the account`,
      {
        hint: `Rerun with --adopt to manage it, or name another role in iam.apigateway_cloudwatch_role.name, or set one yourself: \`aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role arn>\`.`,
      },
    )
  const roleArn = role.action !== 'unmanaged' && role.arn ? role.arn : KNOWN_AFTER_APPLY
  return [role, await account(roleArn, seen)]
}
