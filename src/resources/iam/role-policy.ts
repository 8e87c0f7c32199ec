// One inline policy on a role that another step owns (step 01 makes the Lambda role; step 05 adds what the WebSocket
// API makes possible). ensureRole reads and writes only the inline policies of its own spec, so the two never undo
// each other. Compared by meaning (IAM returns documents URL-encoded and may reorder nothing reliably).
import { GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import { isNotFound } from '../../aws/errors.js'
import { offlineOutcome, recordIfChanged, failureFor } from '../common.js'
import { samePolicy, type PolicyDocument } from '../policy-document.js'
import type { Ensured, ResourceContext } from '../types.js'

export const ROLE_POLICY_KIND = 'iam-role-policy'

export interface RoleInlinePolicySpec {
  /** Manifest key `iam-role-policy:<logicalId>`. */
  logicalId: string
  roleName: string
  policyName: string
  document: PolicyDocument
}

export async function findRoleInlinePolicy(
  iam: IAMClient,
  roleName: string,
  policyName: string,
): Promise<string | undefined> {
  try {
    return (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))).PolicyDocument
  } catch (e) {
    // A missing role reads as a missing policy: the put then fails with the role's own error and the hint.
    if (isNotFound(e)) return undefined
    throw e
  }
}

const describeDocument = (doc: PolicyDocument) =>
  doc.Statement.map((s) => `${s.Sid ?? s.Effect}: ${[s.Action].flat().join(', ')}`).join('; ')

export async function ensureRoleInlinePolicy(ctx: ResourceContext, spec: RoleInlinePolicySpec): Promise<Ensured> {
  const key = `${ROLE_POLICY_KIND}:${spec.logicalId}`
  const name = `${spec.roleName}/${spec.policyName}`
  const base = { kind: ROLE_POLICY_KIND, key, name }
  if (ctx.offline) return offlineOutcome(ctx, ROLE_POLICY_KIND, key, name, describeDocument(spec.document))
  const iam = ctx.aws.get(IAMClient)
  const fail = failureFor(
    ctx,
    'IAM role policy',
    name,
    `Check that role ${spec.roleName} exists (\`infra step iam\`) and that your credentials may manage IAM, then rerun.`,
  )
  const have = await findRoleInlinePolicy(iam, spec.roleName, spec.policyName).catch(
    fail('reading', 'RolePolicyReadFailed'),
  )
  if (have !== undefined && samePolicy(have, spec.document)) {
    await recordIfChanged(ctx, key, { kind: ROLE_POLICY_KIND, name })
    return { ...base, action: 'unchanged', changes: [] }
  }
  const changes = have === undefined ? [] : [{ field: 'PolicyDocument', from: 'differs', to: spec.document }]
  if (ctx.dryRun)
    return {
      ...base,
      action: have === undefined ? 'would-create' : 'would-update',
      changes,
      detail: describeDocument(spec.document),
    }
  await iam
    .send(
      new PutRolePolicyCommand({
        RoleName: spec.roleName,
        PolicyName: spec.policyName,
        PolicyDocument: JSON.stringify(spec.document),
      }),
    )
    .catch(fail(have === undefined ? 'creating' : 'updating', 'RolePolicyPutFailed'))
  await recordIfChanged(ctx, key, { kind: ROLE_POLICY_KIND, name })
  return { ...base, action: have === undefined ? 'created' : 'updated', changes }
}
