import { lambdaRolePolicy, bedrockLoggingPolicy, bedrockTrustCondition } from '../policies/lambda-role.js'
import { ensureRole, type RoleSpec } from '../resources/iam/role.js'
import { serviceTrustPolicy } from '../resources/policy-document.js'
import { schedulerRolePolicy, schedulerTrustCondition } from '../policies/events.js'
import type { ResolvedConfig } from '../config/types.js'
import { StepError } from '../errors/index.js'
import type { Step } from './types.js'

export function roleSpecs(config: ResolvedConfig): RoleSpec[] {
  const specs: RoleSpec[] = []
  if (config.functions.length > 0) {
    specs.push({
      logicalId: 'lambda',
      name: config.iam.lambdaRole.name,
      description: `Execution role of ${config.serviceName}'s Lambda functions (managed by infra)`,
      trustPolicy: serviceTrustPolicy('lambda.amazonaws.com'),
      inlinePolicies: { 'service-access': lambdaRolePolicy(config) },
      managedPolicyArns: config.iam.lambdaRole.managedPolicyArns,
      tags: config.tags,
    })
  }
  const logging = config.iam.bedrockLoggingRole
  if (logging) {
    specs.push({
      logicalId: 'bedrock-logging',
      name: logging.name,
      description: `Bedrock model invocation logging of ${config.serviceName} (managed by infra)`,
      trustPolicy: serviceTrustPolicy('bedrock.amazonaws.com', bedrockTrustCondition(config)),
      inlinePolicies: { 'invocation-logs': bedrockLoggingPolicy(config, logging.logGroupName) },
      managedPolicyArns: [],
      tags: config.tags,
    })
  }
  const scheduler = config.schedulerRole
  if (scheduler) {
    specs.push({
      logicalId: 'scheduler',
      name: scheduler.name,
      description: `EventBridge Scheduler invoking ${config.serviceName}'s scheduled functions (managed by infra)`,
      trustPolicy: serviceTrustPolicy('scheduler.amazonaws.com', schedulerTrustCondition(config)),
      inlinePolicies: { 'invoke-functions': schedulerRolePolicy(config) },
      managedPolicyArns: [],
      tags: config.tags,
    })
  }
  return specs
}

export const iamStep: Step<'iam'> = {
  id: 'iam',
  number: 1,
  title: 'IAM roles',
  needs: [],
  inputs: (config) => roleSpecs(config),
  preflight: (config) => void roleSpecs(config),
  async run(ctx) {
    const outputs: Record<string, { name: string; arn?: string }> = {}
    const results = await Promise.all(
      roleSpecs(ctx.config).map(async (spec) => {
        const result = await ensureRole(ctx, spec)
        ctx.report(result)
        outputs[spec.logicalId] = { name: spec.name, arn: result.arn }
        return result
      }),
    )
    // A role someone else owns must not be handed to the functions: they would run with its permissions.
    const foreign = results.filter((r) => r.action === 'unmanaged').map((r) => r.name)
    if (foreign.length > 0) {
      throw new StepError(
        'RoleNotManaged',
        `checking IAM role (${foreign.join(', ')}): it exists without this service's infra tags and was left alone; no function will use it`,
        {
          hint: `If it is yours (e.g. made by the manual's scripts), rerun with --adopt: \`infra deploy-all --env ${ctx.identity.env} --adopt\`; otherwise set iam.lambda_role.name in config.json to another name.`,
        },
      )
    }
    return { roles: outputs }
  },
}
