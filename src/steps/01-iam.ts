import { lambdaRolePolicy, bedrockLoggingPolicy, bedrockTrustCondition } from '../policies/lambda-role.js'
import { ensureRole, type RoleSpec } from '../resources/iam-role.js'
import { serviceTrustPolicy } from '../resources/policy-document.js'
import type { ResolvedConfig } from '../config/types.js'
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
  return specs
}

export const iamStep: Step = {
  id: 'iam',
  number: 1,
  title: 'IAM roles',
  needs: [],
  inputs: (config) => roleSpecs(config),
  async run(ctx) {
    const outputs: Record<string, { name: string; arn?: string }> = {}
    await Promise.all(
      roleSpecs(ctx.config).map(async (spec) => {
        const result = await ensureRole(ctx, spec)
        ctx.report(result)
        outputs[spec.logicalId] = { name: spec.name, arn: result.arn }
      }),
    )
    return { roles: outputs }
  },
}
