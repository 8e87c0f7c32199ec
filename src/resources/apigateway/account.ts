// API Gateway's account-wide CloudWatch role (one per account and region): without it, UpdateStage with access log
// settings fails ("CloudWatch Logs role ARN must be set in account settings to enable logging"). infra sets it only
// where the region has none: a role someone else set (another service, another tool) is left as it is.
import { GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { isApiGatewayRoleNotReady } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { apiFailure, callApi } from './call.js'
import { arn, offlineOutcome, recordIfChanged } from '../common.js'
import { ensureRole } from '../iam/role.js'
import { serviceTrustPolicy } from '../policy-document.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export const ACCOUNT_KIND = 'apigateway-account'
// AWS's managed policy for exactly this: create log groups and streams, put events.
const PUSH_TO_CLOUDWATCH = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'
// terraform-provider-aws budgets IAM propagation at 2 minutes (reliability rules, rule 9).
const IAM_PROPAGATION_MS = 2 * 60_000

export interface CloudWatchRoleSpec {
  roleName: string
  tags: Tags
}

const converging = new WeakMap<object, Promise<Ensured[]>>()

/**
 * Steps 04 and 05 both need the account's role and run concurrently: within one run (one manifest store) it is
 * converged once, by whichever step asks first; `first` says whether to report the results.
 */
export async function ensureApiGatewayCloudWatchRoleOnce(
  ctx: ResourceContext,
  spec: CloudWatchRoleSpec,
): Promise<{ results: Ensured[]; first: boolean }> {
  const pending = converging.get(ctx.record)
  if (pending) return { results: await pending, first: false }
  const work = ensureApiGatewayCloudWatchRole(ctx, spec)
  converging.set(ctx.record, work)
  return { results: await work, first: true }
}

/** The role API Gateway writes logs with, set on the account when none is: returns the role's and the account's results. */
export async function ensureApiGatewayCloudWatchRole(
  ctx: ResourceContext,
  spec: CloudWatchRoleSpec,
): Promise<Ensured[]> {
  const key = `${ACCOUNT_KIND}:${ctx.identity.region}`
  const name = `API Gateway account settings (${ctx.identity.region})`
  if (ctx.offline) return [offlineOutcome(ctx, ACCOUNT_KIND, key, name, `CloudWatch role ${spec.roleName}`)]
  const fail = apiFailure(ctx, 'API Gateway account settings', ctx.identity.region)
  const account = await callApi(
    ctx,
    (c) => c.send(new GetAccountCommand({})),
    'reading API Gateway account settings',
  ).catch(fail('reading', 'ApiGatewayAccountReadFailed'))
  const base = { kind: ACCOUNT_KIND, key, name }
  const roleSpec = {
    logicalId: 'apigateway-cloudwatch',
    name: spec.roleName,
    description: `Lets API Gateway write access logs to CloudWatch Logs in ${ctx.identity.region} (managed by infra)`,
    trustPolicy: serviceTrustPolicy('apigateway.amazonaws.com'),
    inlinePolicies: {},
    managedPolicyArns: [PUSH_TO_CLOUDWATCH],
    tags: spec.tags,
  }
  if (account.cloudwatchRoleArn) {
    await recordIfChanged(ctx, key, { kind: ACCOUNT_KIND, name, arn: account.cloudwatchRoleArn })
    const unchanged: Ensured = { ...base, action: 'unchanged', changes: [], arn: account.cloudwatchRoleArn }
    // Our own role stays converged (deleted or changed behind our back, the account's logging would break);
    // a role someone else set is theirs.
    const ours = account.cloudwatchRoleArn === arn(ctx, 'iam', `role/${spec.roleName}`, '')
    return ours ? [await ensureRole(ctx, roleSpec), unchanged] : [unchanged]
  }
  const role = await ensureRole(ctx, roleSpec)
  const roleArn = role.arn && role.action !== 'unmanaged' ? role.arn : undefined
  const change = { field: 'CloudWatchRoleArn', to: roleArn ?? KNOWN_AFTER_APPLY }
  if (!roleArn && !ctx.dryRun)
    throw new StepError(
      'CloudWatchRoleUnmanaged',
      `setting the API Gateway CloudWatch role: IAM role ${spec.roleName} exists but was not created by infra; access logs need a role set on the account`,
      {
        hint: `Rerun with --adopt to manage it, or name another role in iam.apigateway_cloudwatch_role.name, or set one yourself: \`aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role arn>\`.`,
      },
    )
  if (ctx.dryRun || !roleArn) return [role, { ...base, action: 'would-update', changes: [change] }]
  // A new role is not usable by API Gateway at once; it says so with a BadRequestException until it is.
  await retryWhile(
    () =>
      callApi(
        ctx,
        (c) =>
          c.send(
            new UpdateAccountCommand({
              patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }],
            }),
          ),
        'setting the API Gateway CloudWatch role',
      ),
    isApiGatewayRoleNotReady,
    {
      timeoutMs: IAM_PROPAGATION_MS * ctx.timing.deadlineScale,
      label: `setting the API Gateway CloudWatch role (${spec.roleName})`,
      backoff: ctx.timing.retry,
    },
  ).catch(fail('updating', 'ApiGatewayAccountUpdateFailed'))
  await recordIfChanged(ctx, key, { kind: ACCOUNT_KIND, name, arn: roleArn })
  return [role, { ...base, action: 'updated', changes: [change], arn: roleArn }]
}
