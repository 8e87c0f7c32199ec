// IAM role: trust policy, inline policies, managed policy attachments, tags. Name-unique, so found by name.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam'
import type { Tags } from '../../config/types.js'
import { isDeleteConflict, isNotFound } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import type { ResourceRecord } from '../../manifest/types.js'
import { changedTags, diffTags } from '../common.js'
import { converge } from '../engine/converge.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import { parsePolicy, samePolicy, type PolicyDocument } from '../policy-document.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const ROLE_KIND = 'iam-role'
/** terraform-provider-aws's IAM propagation budget (iam/consts.go): long enough, and not to be raised casually. */
const IAM_CONSISTENCY_MS = 2 * 60_000

export interface RoleSpec {
  /** Logical id: the manifest key is `iam-role:<logicalId>`. */
  logicalId: string
  name: string
  description: string
  trustPolicy: PolicyDocument
  inlinePolicies: Record<string, PolicyDocument>
  managedPolicyArns: string[]
  tags: Tags
  /** Why this role outlives the environment (used beyond it): recorded, and never deleted by removal or destroy. */
  sharedBeyondEnvironment?: string
}

export interface ObservedRole {
  role: Role
  tags: Tags
  /** Inline policies we manage, as IAM has them (undefined: missing). */
  inlinePolicies: Record<string, string | undefined>
  attachedPolicyArns: string[]
}

/** The role and the inline policies of these names (the ones we manage), attachments and tags. */
async function findRole(iam: IAMClient, name: string, policyNames: string[]): Promise<ObservedRole | undefined> {
  let role: Role | undefined
  try {
    role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
  if (!role) return undefined
  // The role's parts are read in parallel: one read each for the role, each inline policy we manage, the attachments.
  const [inline, attached] = await Promise.all([
    Promise.all(policyNames.map((policy) => getInlinePolicy(iam, name, policy))),
    iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })),
  ])
  return {
    role,
    tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    inlinePolicies: Object.fromEntries(policyNames.map((p, i) => [p, inline[i]])),
    attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
  }
}

async function observeRole(
  ctx: ResourceContext,
  name: string,
  policyNames: string[],
): Promise<Array<Observation<ObservedRole>>> {
  const found = await findRole(ctx.aws.get(IAMClient), name, policyNames)
  return found ? [{ observed: found, arn: found.role.Arn, tags: found.tags }] : []
}

const recordedPolicyNames = (recorded: ResourceRecord): string[] => {
  const names = recorded.attributes?.inlinePolicies
  return Array.isArray(names) ? names.map(String) : []
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
    const from = have.role.AssumeRolePolicyDocument
    changes.push({
      field: 'AssumeRolePolicyDocument',
      from: from ? parsePolicy(from) : undefined,
      to: want.trustPolicy,
    })
  }
  for (const [name, doc] of Object.entries(want.inlinePolicies)) {
    const current = have.inlinePolicies[name]
    if (!current || !samePolicy(current, doc))
      changes.push({ field: `InlinePolicy[${name}]`, from: current ? parsePolicy(current) : undefined, to: doc })
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

export const roleKind: ResourceKind<RoleSpec, ObservedRole> = {
  kind: ROLE_KIND,
  label: 'IAM role',
  codePrefix: 'Role',
  identity: 'name',
  find: (ctx, spec) => observeRole(ctx, spec.name, Object.keys(spec.inlinePolicies)),
  // The inline policies it manages are recorded by name: read with the role before the steps.
  early: {
    service: 'iam',
    read: (ctx, recorded) => observeRole(ctx, recorded.name, recordedPolicyNames(recorded)),
    covers: (recorded, spec) =>
      Object.keys(spec.inlinePolicies).every((p) => recordedPolicyNames(recorded).includes(p)),
  },
  diff: diffRole,
  async create(ctx, spec) {
    const created = await ctx.aws.get(IAMClient).send(
      new CreateRoleCommand({
        RoleName: spec.name,
        Description: spec.description,
        AssumeRolePolicyDocument: JSON.stringify(spec.trustPolicy),
        Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    )
    // Inline policies and attachments have their own calls: the engine applies them from this diff.
    const role = { ...created.Role, AssumeRolePolicyDocument: JSON.stringify(spec.trustPolicy) } as Role
    return {
      observed: { role, tags: spec.tags, inlinePolicies: {}, attachedPolicyArns: [] },
      arn: role.Arn,
      tags: spec.tags,
    }
  },
  async apply(ctx, _observed, spec, changes) {
    await applyRoleChanges(ctx.aws.get(IAMClient), spec, changes)
  },
  delete: deleteRole,
  attributes: (_observed, spec) => ({
    inlinePolicies: Object.keys(spec.inlinePolicies).sort(),
    ...(spec.sharedBeyondEnvironment ? { sharedBeyondEnvironment: spec.sharedBeyondEnvironment } : {}),
  }),
  describe: describeRoleSpec,
}

export async function ensureRole(ctx: ResourceContext, spec: RoleSpec): Promise<Ensured> {
  return (await converge(ctx, roleKind, spec)).result
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

/** IAM deletes a role only once it has no inline policy and no attachment left: all are removed first. */
async function deleteRole(ctx: ResourceContext, record: ResourceRecord): Promise<void> {
  const iam = ctx.aws.get(IAMClient)
  const RoleName = record.name
  // A policy someone removed since the listing is already gone: its absence must not end the role's delete.
  const unlessGone = (e: unknown) => {
    if (!isNotFound(e)) throw e
  }
  for await (const page of paginateListRolePolicies({ client: iam }, { RoleName })) {
    for (const PolicyName of page.PolicyNames ?? [])
      await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })).catch(unlessGone)
  }
  for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName })) {
    for (const { PolicyArn } of page.AttachedPolicies ?? [])
      await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn })).catch(unlessGone)
  }
  // IAM may still see a policy just removed for a moment (reliability rules, rule 9: retried for 2 min).
  await retryWhile(() => iam.send(new DeleteRoleCommand({ RoleName })), isDeleteConflict, {
    timeoutMs: IAM_CONSISTENCY_MS * ctx.timing.deadlineScale,
    label: `deleting IAM role (${RoleName})`,
    backoff: ctx.timing.retry,
  })
}
