// IAM roles as a deployer manages them: the role, its trust policy, inline and attached policies, tags.
// Policy documents come back URL-encoded, as the real API returns them.
import { randomBytes } from 'node:crypto'
import * as sdk from '@aws-sdk/client-iam'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  type AttachRolePolicyCommandInput,
  type CreateRoleCommandInput,
  type CreateRoleCommandOutput,
  type DeleteRoleCommandInput,
  type DeleteRolePolicyCommandInput,
  type DetachRolePolicyCommandInput,
  type GetRoleCommandInput,
  type GetRoleCommandOutput,
  type GetRolePolicyCommandInput,
  type GetRolePolicyCommandOutput,
  type ListAttachedRolePoliciesCommandInput,
  type ListAttachedRolePoliciesCommandOutput,
  type ListRolePoliciesCommandInput,
  type ListRolePoliciesCommandOutput,
  type ListRoleTagsCommandInput,
  type ListRoleTagsCommandOutput,
  type PutRolePolicyCommandInput,
  type Role,
  type Tag,
  type TagRoleCommandInput,
  type UntagRoleCommandInput,
  type UpdateAssumeRolePolicyCommandInput,
  type UpdateRoleCommandInput,
} from '@aws-sdk/client-iam'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type Out, type ServiceFake } from './core.js'

/** IAM's default quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
const MANAGED_POLICIES_PER_ROLE = 10
const TRUST_POLICY_MAX_CHARS = 2048
const INLINE_POLICIES_MAX_CHARS = 10240
const TAGS_PER_ROLE = 50
const ROLE_NAME_MAX_CHARS = 64

export interface RoleRecord {
  name: string
  path: string
  id: string
  createdAt: number
  /** The trust policy as it was sent (decoded). */
  assumeRolePolicy: string
  description?: string
  maxSessionDuration: number
  tags: Tag[]
  /** Inline policies: name → document as sent. */
  inline: Record<string, string>
  /** Attached managed policy ARNs, in attach order. */
  attached: string[]
}

const noRole = (name: string) => awsError(NoSuchEntityException, `The role with name ${name} cannot be found.`)

/** IAM's input validation errors have no class of their own: the SDK raises its base exception named ValidationError. */
const validationError = (message: string) =>
  awsError(IAMServiceException, message, { name: 'ValidationError', $fault: 'client' })

/** IAM does not count whitespace towards a policy's size. */
const policySize = (doc: string) => doc.replace(/\s/g, '').length

function checkPolicy(doc: string | undefined): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(doc ?? '')
  } catch {
    throw awsError(MalformedPolicyDocumentException, 'This policy contains invalid Json')
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
    throw awsError(MalformedPolicyDocumentException, 'Syntax errors in policy.')
  }
  return doc!
}

export class FakeIam implements ServiceFake {
  readonly service = 'iam'
  readonly client = IAMClient
  readonly sdk = sdk
  private roles = new Map<string, RoleRecord>()
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateRoleCommand, (i) => this.createRole(i)),
      on(GetRoleCommand, (i) => this.getRole(i)),
      on(DeleteRoleCommand, (i) => this.deleteRole(i)),
      on(UpdateAssumeRolePolicyCommand, (i) => this.updateAssumeRolePolicy(i)),
      on(UpdateRoleCommand, (i) => this.updateRole(i)),
      on(TagRoleCommand, (i) => this.tagRole(i)),
      on(UntagRoleCommand, (i) => this.untagRole(i)),
      on(ListRoleTagsCommand, (i) => this.listRoleTags(i)),
      on(PutRolePolicyCommand, (i) => this.putRolePolicy(i)),
      on(GetRolePolicyCommand, (i) => this.getRolePolicy(i)),
      on(DeleteRolePolicyCommand, (i) => this.deleteRolePolicy(i)),
      on(ListRolePoliciesCommand, (i) => this.listRolePolicies(i)),
      on(AttachRolePolicyCommand, (i) => this.attachRolePolicy(i)),
      on(DetachRolePolicyCommand, (i) => this.detachRolePolicy(i)),
      on(ListAttachedRolePoliciesCommand, (i) => this.listAttachedRolePolicies(i)),
    ]
  }

  /** The live record of a role (mutate it to simulate a change made outside `infra`), or undefined. */
  role(name: string): RoleRecord | undefined {
    return this.roles.get(name)
  }

  /** Someone deleted the role in the console: gone with its policies, whatever is attached. */
  deleteRoleOutOfBand(name: string): void {
    if (!this.roles.delete(name)) throw new Error(`FakeIam: no role ${name} to delete out of band`)
  }

  roleNames(): string[] {
    return [...this.roles.keys()].sort()
  }

  createRole(input: CreateRoleCommandInput): Out<CreateRoleCommandOutput> {
    const name = input.RoleName ?? ''
    if (name.length < 1 || name.length > ROLE_NAME_MAX_CHARS) {
      throw validationError(
        `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to ${ROLE_NAME_MAX_CHARS}`,
      )
    }
    if (this.roles.has(name)) throw awsError(EntityAlreadyExistsException, `Role with name ${name} already exists.`)
    const trust = this.checkTrustPolicy(input.AssumeRolePolicyDocument)
    this.checkTags(input.Tags ?? [])
    const record: RoleRecord = {
      name,
      path: input.Path ?? '/',
      id: `AROA${randomBytes(16).toString('hex').toUpperCase().slice(0, 17)}`,
      createdAt: this.env.clock.now(),
      assumeRolePolicy: trust,
      ...(input.Description !== undefined && { description: input.Description }),
      maxSessionDuration: input.MaxSessionDuration ?? 3600,
      tags: input.Tags ?? [],
      inline: {},
      attached: [],
    }
    this.roles.set(name, record)
    return { Role: this.toRole(record) }
  }

  getRole(input: GetRoleCommandInput): Out<GetRoleCommandOutput> {
    return { Role: { ...this.toRole(this.get(input.RoleName)), RoleLastUsed: {} } }
  }

  deleteRole(input: DeleteRoleCommandInput): object {
    const role = this.get(input.RoleName)
    if (Object.keys(role.inline).length > 0) {
      throw awsError(DeleteConflictException, 'Cannot delete entity, must delete policies first.')
    }
    if (role.attached.length > 0) {
      throw awsError(DeleteConflictException, 'Cannot delete entity, must detach all policies first.')
    }
    this.roles.delete(role.name)
    return {}
  }

  updateAssumeRolePolicy(input: UpdateAssumeRolePolicyCommandInput): object {
    const role = this.get(input.RoleName)
    role.assumeRolePolicy = this.checkTrustPolicy(input.PolicyDocument)
    return {}
  }

  updateRole(input: UpdateRoleCommandInput): object {
    const role = this.get(input.RoleName)
    const max = input.MaxSessionDuration
    if (max !== undefined && (max < 3600 || max > 43200)) {
      throw validationError(
        `1 validation error detected: Value '${max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
      )
    }
    if (input.Description !== undefined) role.description = input.Description
    if (max !== undefined) role.maxSessionDuration = max
    return {}
  }

  tagRole(input: TagRoleCommandInput): object {
    const role = this.get(input.RoleName)
    const merged = new Map(role.tags.map((t) => [t.Key, t]))
    for (const tag of input.Tags ?? []) merged.set(tag.Key, tag)
    this.checkTags([...merged.values()])
    role.tags = [...merged.values()]
    return {}
  }

  untagRole(input: UntagRoleCommandInput): object {
    const role = this.get(input.RoleName)
    const drop = new Set(input.TagKeys ?? [])
    role.tags = role.tags.filter((t) => !drop.has(t.Key!))
    return {}
  }

  listRoleTags(input: ListRoleTagsCommandInput): Out<ListRoleTagsCommandOutput> {
    return { Tags: this.get(input.RoleName).tags, IsTruncated: false }
  }

  putRolePolicy(input: PutRolePolicyCommandInput): object {
    const role = this.get(input.RoleName)
    const doc = checkPolicy(input.PolicyDocument)
    const others = Object.entries(role.inline).filter(([n]) => n !== input.PolicyName)
    const total = [...others.map(([, d]) => d), doc].reduce((sum, d) => sum + policySize(d), 0)
    if (total > INLINE_POLICIES_MAX_CHARS) {
      throw awsError(
        LimitExceededException,
        `Maximum policy size of ${INLINE_POLICIES_MAX_CHARS} bytes exceeded for role ${role.name}`,
      )
    }
    role.inline[input.PolicyName!] = doc
    return {}
  }

  getRolePolicy(input: GetRolePolicyCommandInput): Out<GetRolePolicyCommandOutput> {
    const role = this.get(input.RoleName)
    const doc = role.inline[input.PolicyName!]
    if (doc === undefined) throw this.noInline(input.PolicyName)
    return { RoleName: role.name, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(doc) }
  }

  deleteRolePolicy(input: DeleteRolePolicyCommandInput): object {
    const role = this.get(input.RoleName)
    if (role.inline[input.PolicyName!] === undefined) throw this.noInline(input.PolicyName)
    delete role.inline[input.PolicyName!]
    return {}
  }

  listRolePolicies(input: ListRolePoliciesCommandInput): Out<ListRolePoliciesCommandOutput> {
    return { PolicyNames: Object.keys(this.get(input.RoleName).inline).sort(), IsTruncated: false }
  }

  attachRolePolicy(input: AttachRolePolicyCommandInput): object {
    const role = this.get(input.RoleName)
    const arn = input.PolicyArn ?? ''
    if (!/^arn:aws[\w-]*:iam::/.test(arn)) throw awsError(InvalidInputException, `ARN ${arn} is not valid.`)
    if (!/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/.+/.test(arn)) {
      throw awsError(NoSuchEntityException, `Policy ${arn} does not exist or is not attachable.`)
    }
    if (role.attached.includes(arn)) return {}
    if (role.attached.length >= MANAGED_POLICIES_PER_ROLE) {
      throw awsError(LimitExceededException, `Cannot exceed quota for PoliciesPerRole: ${MANAGED_POLICIES_PER_ROLE}`)
    }
    role.attached.push(arn)
    return {}
  }

  detachRolePolicy(input: DetachRolePolicyCommandInput): object {
    const role = this.get(input.RoleName)
    if (!role.attached.includes(input.PolicyArn!)) {
      throw awsError(NoSuchEntityException, `Policy ${input.PolicyArn} was not found.`)
    }
    role.attached = role.attached.filter((a) => a !== input.PolicyArn)
    return {}
  }

  listAttachedRolePolicies(input: ListAttachedRolePoliciesCommandInput): Out<ListAttachedRolePoliciesCommandOutput> {
    const role = this.get(input.RoleName)
    const policies = role.attached.map((arn) => ({ PolicyArn: arn, PolicyName: arn.slice(arn.lastIndexOf('/') + 1) }))
    return { AttachedPolicies: policies, IsTruncated: false }
  }

  toJSON(): unknown {
    return { roles: [...this.roles.values()] }
  }

  load(state: { roles?: RoleRecord[] }): void {
    this.roles = new Map((state.roles ?? []).map((r) => [r.name, r]))
  }

  private get(name: string | undefined): RoleRecord {
    const role = this.roles.get(name ?? '')
    if (!role) throw noRole(name ?? '')
    return role
  }

  private noInline(policyName: string | undefined) {
    return awsError(NoSuchEntityException, `The role policy with name ${policyName} cannot be found.`)
  }

  private checkTrustPolicy(doc: string | undefined): string {
    const checked = checkPolicy(doc)
    if (policySize(checked) > TRUST_POLICY_MAX_CHARS) {
      throw awsError(LimitExceededException, `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX_CHARS}`)
    }
    return checked
  }

  private checkTags(tags: Tag[]): void {
    if (tags.length > TAGS_PER_ROLE) {
      throw awsError(LimitExceededException, `Cannot exceed quota for TagsPerRole: ${TAGS_PER_ROLE}`)
    }
  }

  private toRole(r: RoleRecord): Role {
    return {
      Path: r.path,
      RoleName: r.name,
      RoleId: r.id,
      Arn: `arn:aws:iam::${this.env.account}:role${r.path}${r.name}`,
      CreateDate: new Date(r.createdAt),
      AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicy),
      ...(r.description !== undefined && { Description: r.description }),
      MaxSessionDuration: r.maxSessionDuration,
      ...(r.tags.length > 0 && { Tags: r.tags }),
    }
  }
}
