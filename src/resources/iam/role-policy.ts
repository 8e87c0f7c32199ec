// One inline policy on a role that another step owns (step 01 makes the Lambda role; step 05 adds what the WebSocket
// API makes possible). ensureRole reads and writes only the inline policies of its own spec, so the two never undo
// each other. Compared by meaning (IAM returns documents URL-encoded and may reorder nothing reliably).
import { DeleteRolePolicyCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import { isNotFound } from '../../aws/errors.js'
import { converge } from '../engine/converge.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import { parsePolicy, samePolicy, type PolicyDocument } from '../policy-document.js'
import type { Ensured, ResourceContext } from '../types.js'

export const ROLE_POLICY_KIND = 'iam-role-policy'

export interface RoleInlinePolicySpec {
  /** Manifest key `iam-role-policy:<logicalId>`. */
  logicalId: string
  roleName: string
  policyName: string
  document: PolicyDocument
}

/** The engine's spec: named `<role>/<policy>` (neither name may contain a slash), which is what delete reads back. */
type NamedRoleInlinePolicySpec = RoleInlinePolicySpec & { name: string }

export async function findRoleInlinePolicy(
  iam: IAMClient,
  roleName: string,
  policyName: string,
): Promise<string | undefined> {
  try {
    return (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))).PolicyDocument
  } catch (e) {
    // A missing role reads as a missing policy: the put then fails with the role's own error.
    if (isNotFound(e)) return undefined
    throw e
  }
}

const describeDocument = (doc: PolicyDocument) =>
  doc.Statement.map((s) => `${s.Sid ?? s.Effect}: ${[s.Action].flat().join(', ')}`).join('; ')

function putPolicy(ctx: ResourceContext, spec: RoleInlinePolicySpec) {
  return ctx.aws.get(IAMClient).send(
    new PutRolePolicyCommand({
      RoleName: spec.roleName,
      PolicyName: spec.policyName,
      PolicyDocument: JSON.stringify(spec.document),
    }),
  )
}

async function observePolicy(
  ctx: ResourceContext,
  roleName: string,
  policyName: string,
): Promise<Array<Observation<string>>> {
  const document = await findRoleInlinePolicy(ctx.aws.get(IAMClient), roleName, policyName)
  return document === undefined ? [] : [{ observed: document }]
}

/** Has no tags of its own: it is ours because the role is. */
export const rolePolicyKind: ResourceKind<NamedRoleInlinePolicySpec, string> = {
  kind: ROLE_POLICY_KIND,
  label: 'IAM role policy',
  codePrefix: 'RolePolicy',
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => observePolicy(ctx, spec.roleName, spec.policyName),
  // Recorded as `<role>/<policy>`, which the spec's name must equal for the early read to be taken.
  early: {
    service: 'iam',
    read: (ctx, recorded) => {
      const [roleName = '', policyName = ''] = recorded.name.split('/')
      return observePolicy(ctx, roleName, policyName)
    },
  },
  diff: (document, spec) =>
    samePolicy(document, spec.document)
      ? []
      : [{ field: 'PolicyDocument', from: parsePolicy(document), to: spec.document }],
  async create(ctx, spec) {
    await putPolicy(ctx, spec)
    return { observed: JSON.stringify(spec.document) }
  },
  async apply(ctx, _document, spec) {
    await putPolicy(ctx, spec)
  },
  async delete(ctx, record) {
    const [RoleName, PolicyName] = record.name.split('/')
    // A role already deleted took its inline policies with it: IAM answers NoSuchEntity, which the engine ignores.
    await ctx.aws.get(IAMClient).send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))
  },
  describe: (spec) => describeDocument(spec.document),
}

export async function ensureRoleInlinePolicy(ctx: ResourceContext, spec: RoleInlinePolicySpec): Promise<Ensured> {
  const named = { ...spec, name: `${spec.roleName}/${spec.policyName}` }
  return (await converge(ctx, rolePolicyKind, named)).result
}
