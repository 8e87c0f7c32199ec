// IAM role: trust policy, inline policies, managed policy attachments, tags. Name-unique, so found by name.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import {
  changedTags,
  diffTags,
  isOurs,
  offlineOutcome,
  recordIfChanged,
  unmanagedOutcome,
  failureFor,
} from '../common.js'
import { samePolicy, type PolicyDocument } from '../policy-document.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const ROLE_KIND = 'iam-role'

export interface RoleSpec {
  /** Logical id: the manifest key is `iam-role:<logicalId>`. */
  logicalId: string
  name: string
  description: string
  trustPolicy: PolicyDocument
  inlinePolicies: Record<string, PolicyDocument>
  managedPolicyArns: string[]
  tags: Tags
}

export interface ObservedRole {
  role: Role
  tags: Tags
  /** Inline policies we manage, as IAM has them (undefined: missing). */
  inlinePolicies: Record<string, string | undefined>
  attachedPolicyArns: string[]
}

export async function findRole(iam: IAMClient, spec: RoleSpec): Promise<ObservedRole | undefined> {
  let role: Role | undefined
  try {
    role = (await iam.send(new GetRoleCommand({ RoleName: spec.name }))).Role
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
  if (!role) return undefined
  // The role's parts are read in parallel: one read each for the role, each inline policy we manage, the attachments.
  const [inline, attached] = await Promise.all([
    Promise.all(Object.keys(spec.inlinePolicies).map((policy) => getInlinePolicy(iam, spec.name, policy))),
    iam.send(new ListAttachedRolePoliciesCommand({ RoleName: spec.name })),
  ])
  return {
    role,
    tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    inlinePolicies: Object.fromEntries(Object.keys(spec.inlinePolicies).map((p, i) => [p, inline[i]])),
    attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
  }
}

async function getInlinePolicy(iam: IAMClient, roleName: string, policyName: string): Promise<string | undefined> {
  try {
    return (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))).PolicyDocument
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Pure: what must change for the observed role to match the spec. One entry per API call. */
export function diffRole(have: ObservedRole, want: RoleSpec): Change[] {
  const changes: Change[] = []
  if (!have.role.AssumeRolePolicyDocument || !samePolicy(have.role.AssumeRolePolicyDocument, want.trustPolicy)) {
    changes.push({ field: 'AssumeRolePolicyDocument', to: want.trustPolicy })
  }
  for (const [name, doc] of Object.entries(want.inlinePolicies)) {
    const current = have.inlinePolicies[name]
    if (!current || !samePolicy(current, doc))
      changes.push({ field: `InlinePolicy[${name}]`, from: current ? 'differs' : undefined, to: doc })
  }
  for (const arn of want.managedPolicyArns) {
    if (!have.attachedPolicyArns.includes(arn)) changes.push({ field: `AttachedPolicy[${arn}]`, to: 'attached' })
  }
  for (const arn of have.attachedPolicyArns) {
    if (!want.managedPolicyArns.includes(arn))
      changes.push({ field: `AttachedPolicy[${arn}]`, from: 'attached', to: 'detached' })
  }
  return [...changes, ...diffTags(have.tags, want.tags)]
}

export async function ensureRole(ctx: ResourceContext, spec: RoleSpec): Promise<Ensured> {
  const key = `${ROLE_KIND}:${spec.logicalId}`
  const base = { kind: ROLE_KIND, key, name: spec.name }
  if (ctx.offline) return offlineOutcome(ctx, ROLE_KIND, key, spec.name, describeRoleSpec(spec))
  const iam = ctx.aws.get(IAMClient)
  const fail = failureFor(
    ctx,
    'IAM role',
    spec.name,
    `Check that your credentials may manage IAM roles, then rerun \`infra step iam --env ${ctx.identity.env}\`.`,
  )
  const have = await findRole(iam, spec).catch(fail('reading', 'RoleReadFailed'))

  if (!have) {
    if (ctx.dryRun)
      return { ...base, action: 'would-create', changes: [], arn: KNOWN_AFTER_APPLY, detail: describeRoleSpec(spec) }
    const created = await iam
      .send(
        new CreateRoleCommand({
          RoleName: spec.name,
          Description: spec.description,
          AssumeRolePolicyDocument: JSON.stringify(spec.trustPolicy),
          Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      )
      .catch(fail('creating', 'RoleCreateFailed'))
    const roleArn = created.Role?.Arn ?? ''
    await recordIfChanged(ctx, key, { kind: ROLE_KIND, name: spec.name, arn: roleArn })
    const fresh: ObservedRole = {
      role: created.Role as Role,
      tags: spec.tags,
      inlinePolicies: {},
      attachedPolicyArns: [],
    }
    await applyRoleChanges(iam, spec, diffRole(fresh, spec)).catch(fail('configuring', 'RoleUpdateFailed'))
    return { ...base, action: 'created', changes: [], arn: roleArn }
  }

  const roleArn = have.role.Arn ?? ''
  if (!isOurs(have.tags, ctx.identity) && !ctx.adopt) return unmanagedOutcome('IAM role', key, spec.name, roleArn)
  const changes = diffRole(have, spec)
  if (changes.length === 0) {
    await recordIfChanged(ctx, key, { kind: ROLE_KIND, name: spec.name, arn: roleArn })
    return { ...base, action: 'unchanged', changes, arn: roleArn }
  }
  if (ctx.dryRun) return { ...base, action: 'would-update', changes, arn: roleArn }
  await applyRoleChanges(iam, spec, changes).catch(fail('updating', 'RoleUpdateFailed'))
  await recordIfChanged(ctx, key, { kind: ROLE_KIND, name: spec.name, arn: roleArn })
  return { ...base, action: 'updated', changes, arn: roleArn }
}

export function describeRoleSpec(spec: RoleSpec): string {
  const principals = spec.trustPolicy.Statement.flatMap((st) =>
    typeof st.Principal === 'object' ? Object.values(st.Principal).flat() : [],
  )
  const inline = Object.entries(spec.inlinePolicies).map(
    ([name, doc]) => `inline ${name} (${doc.Statement.map((st) => st.Sid ?? st.Effect).join(', ')})`,
  )
  return [`trusts ${principals.join(', ')}`, ...inline, ...spec.managedPolicyArns.map((a) => `attach ${a}`)].join('; ')
}

async function applyRoleChanges(iam: IAMClient, spec: RoleSpec, changes: Change[]): Promise<void> {
  const RoleName = spec.name
  for (const change of changes) {
    const inner = change.field.slice(change.field.indexOf('[') + 1, -1)
    if (change.field === 'AssumeRolePolicyDocument') {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: JSON.stringify(spec.trustPolicy) }))
    } else if (change.field.startsWith('InlinePolicy[')) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName,
          PolicyName: inner,
          PolicyDocument: JSON.stringify(spec.inlinePolicies[inner]),
        }),
      )
    } else if (change.field.startsWith('AttachedPolicy[')) {
      const Command = change.to === 'detached' ? DetachRolePolicyCommand : AttachRolePolicyCommand
      await iam.send(new Command({ RoleName, PolicyArn: inner }))
    }
  }
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) {
    await iam.send(new TagRoleCommand({ RoleName, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }))
  }
}
