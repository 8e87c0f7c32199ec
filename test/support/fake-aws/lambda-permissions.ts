// FakeLambda's resource policy (AddPermission/RemovePermission/GetPolicy), reserved concurrency and tags.
// What it models: lambda.md.
import {
  AddPermissionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetPolicyCommand,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type AddPermissionRequest,
  type AddPermissionResponse,
  type Concurrency,
  type DeleteFunctionConcurrencyRequest,
  type GetFunctionConcurrencyRequest,
  type GetFunctionConcurrencyResponse,
  type GetPolicyRequest,
  type GetPolicyResponse,
  type ListTagsRequest,
  type ListTagsResponse,
  type PutFunctionConcurrencyRequest,
  type RemovePermissionRequest,
  type TagResourceRequest,
  type UntagResourceRequest,
} from '@aws-sdk/client-lambda'
import { on } from './core.js'
import { MINIMUM_UNRESERVED_CONCURRENCY, concurrencyInUse } from './lambda-aliases.js'
import {
  conflict,
  invalidParameter,
  isVersion,
  notFound,
  validationError,
  type Entry,
  type FunctionState,
  type PolicyStatement,
} from './lambda-model.js'
import { type LambdaStore } from './lambda-store.js'

const STATEMENT_ID = /^[a-zA-Z0-9-_]+$/
const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_]+(?::(?<qualifier>.+))?$/
const MAX_TAGS = 50

export function permissionHandlers(store: LambdaStore): Entry[] {
  /** The object whose RevisionId a policy change bumps and a RevisionId precondition is checked against. */
  const revisionHolder = (fn: FunctionState, qualifier: string | undefined): { revisionId: string } => {
    if (!qualifier || qualifier === '$LATEST') return fn.latest
    if (isVersion(qualifier)) return store.target(fn, qualifier)
    const alias = fn.aliases[qualifier]
    if (!alias) throw notFound(`Function not found: ${store.arn(fn.name, qualifier)}`)
    return alias
  }

  const principal = (p: string | undefined): PolicyStatement['Principal'] => {
    if (p === '*') return '*'
    if (p?.endsWith('.amazonaws.com')) return { Service: p }
    if (p && /^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` }
    if (p && /^arn:aws[a-zA-Z-]*:iam::/.test(p)) return { AWS: p }
    throw invalidParameter('The provided principal was invalid. Please check the principal and try again.')
  }

  // Lambda renders the statement in this key order, with StringEquals before ArnLike.
  const statement = (i: AddPermissionRequest, fn: FunctionState, qualifier: string | undefined): PolicyStatement => {
    const stringEquals: Record<string, string> = {}
    if (i.FunctionUrlAuthType) stringEquals['lambda:FunctionUrlAuthType'] = i.FunctionUrlAuthType
    if (i.PrincipalOrgID) stringEquals['aws:PrincipalOrgID'] = i.PrincipalOrgID
    if (i.SourceAccount) stringEquals['AWS:SourceAccount'] = i.SourceAccount
    if (i.EventSourceToken) stringEquals['lambda:EventSourceToken'] = i.EventSourceToken
    const condition: Record<string, Record<string, string>> = {}
    if (Object.keys(stringEquals).length) condition.StringEquals = stringEquals
    if (i.SourceArn) condition.ArnLike = { 'AWS:SourceArn': i.SourceArn }
    if (i.InvokedViaFunctionUrl) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' }
    return {
      Sid: i.StatementId!,
      Effect: 'Allow',
      Principal: principal(i.Principal),
      Action: i.Action!,
      Resource: store.arn(fn.name, qualifier),
      ...(Object.keys(condition).length > 0 && { Condition: condition }),
    }
  }

  const addPermission = (i: AddPermissionRequest): AddPermissionResponse => {
    const { name, qualifier } = store.parseRef(i.FunctionName, i.Qualifier)
    if (qualifier === '$LATEST') throw invalidParameter('We currently do not support adding policies for $LATEST.')
    const fn = store.fnOrThrow(name, qualifier)
    const holder = revisionHolder(fn, qualifier)
    store.checkRevision(holder.revisionId, i.RevisionId)
    if (!i.StatementId || !STATEMENT_ID.test(i.StatementId)) {
      throw validationError(
        `1 validation error detected: Value '${i.StatementId}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`,
      )
    }
    const key = qualifier ?? '$LATEST'
    const statements = fn.policies[key] ?? []
    // A statement id is unique per qualified function: the same id may exist on $LATEST, a version and an alias.
    if (statements.some((s) => s.Sid === i.StatementId)) {
      throw conflict(
        `The statement id (${i.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
      )
    }
    const added = statement(i, fn, qualifier)
    fn.policies[key] = [...statements, added]
    holder.revisionId = store.nextRevision()
    return { Statement: JSON.stringify(added) }
  }

  const removePermission = (i: RemovePermissionRequest) => {
    const { name, qualifier } = store.parseRef(i.FunctionName, i.Qualifier)
    const fn = store.functions[name]
    if (!fn) throw notFound(`No policy found for: ${store.arn(name)}`)
    const holder = revisionHolder(fn, qualifier)
    const key = qualifier ?? '$LATEST'
    const statements = fn.policies[key]
    if (!statements) throw notFound('No policy is associated with the given resource.')
    if (!statements.some((s) => s.Sid === i.StatementId)) {
      throw notFound(`Statement ${i.StatementId} is not found in resource policy.`)
    }
    store.checkRevision(holder.revisionId, i.RevisionId)
    const kept = statements.filter((s) => s.Sid !== i.StatementId)
    if (kept.length) fn.policies[key] = kept
    else delete fn.policies[key]
    holder.revisionId = store.nextRevision()
    return {}
  }

  const getPolicy = (i: GetPolicyRequest): GetPolicyResponse => {
    const { name, qualifier } = store.parseRef(i.FunctionName, i.Qualifier)
    const fn = store.fnOrThrow(name, qualifier)
    const holder = revisionHolder(fn, qualifier)
    const statements = fn.policies[qualifier ?? '$LATEST']
    if (!statements) throw notFound('The resource you requested does not exist.')
    return {
      Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
      RevisionId: holder.revisionId,
    }
  }

  const putConcurrency = (i: PutFunctionConcurrencyRequest): Concurrency => {
    const { name, qualifier } = store.parseRef(i.FunctionName)
    if (qualifier) {
      throw invalidParameter(
        'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.',
      )
    }
    const fn = store.fnOrThrow(name)
    const reserved = i.ReservedConcurrentExecutions
    if (reserved === undefined || reserved < 0) {
      throw validationError(
        `1 validation error detected: Value '${reserved}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      )
    }
    const inUse = concurrencyInUse(store, { fn: name })
    if (store.accountConcurrencyLimit - inUse - reserved < MINIMUM_UNRESERVED_CONCURRENCY) {
      throw invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MINIMUM_UNRESERVED_CONCURRENCY}].`,
      )
    }
    const provisioned = Object.values(fn.provisioned).reduce((sum, p) => sum + p.requested, 0)
    if (provisioned > reserved) {
      throw invalidParameter(
        ` ReservedConcurrentExecutions  ${reserved} should not be lower than function's total provisioned concurrency [${provisioned}].`,
      )
    }
    fn.reservedConcurrency = reserved
    return { ReservedConcurrentExecutions: reserved }
  }

  const getConcurrency = (i: GetFunctionConcurrencyRequest): GetFunctionConcurrencyResponse => {
    const fn = store.fnFor(i.FunctionName)
    return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency }
  }

  const deleteConcurrency = (i: DeleteFunctionConcurrencyRequest) => {
    delete store.fnFor(i.FunctionName).reservedConcurrency
    return {}
  }

  /** Tag operations take the unqualified function ARN only. */
  const taggable = (resource: string | undefined): FunctionState => {
    const m = FUNCTION_ARN.exec(resource ?? '')
    if (!m) {
      throw validationError(
        `1 validation error detected: Value '${resource}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+))`,
      )
    }
    if (m.groups?.qualifier) {
      throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.')
    }
    return store.fnFor(resource)
  }

  const tagResource = (i: TagResourceRequest) => {
    const fn = taggable(i.Resource)
    if (!i.Tags || Object.keys(i.Tags).length === 0) {
      throw invalidParameter('An error occurred and the request cannot be processed.')
    }
    const tags = { ...fn.tags, ...i.Tags }
    if (Object.keys(tags).length > MAX_TAGS) throw invalidParameter('Number of tags exceeds resource tag limit.')
    fn.tags = tags
    fn.latest.revisionId = store.nextRevision()
    return {}
  }

  const untagResource = (i: UntagResourceRequest) => {
    const fn = taggable(i.Resource)
    if (!i.TagKeys?.length) {
      throw validationError(
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
      )
    }
    for (const key of i.TagKeys) delete fn.tags[key]
    fn.latest.revisionId = store.nextRevision()
    return {}
  }

  const listTags = (i: ListTagsRequest): ListTagsResponse => ({ Tags: { ...taggable(i.Resource).tags } })

  return [
    on(AddPermissionCommand, addPermission),
    on(RemovePermissionCommand, removePermission),
    on(GetPolicyCommand, getPolicy),
    on(PutFunctionConcurrencyCommand, putConcurrency),
    on(GetFunctionConcurrencyCommand, getConcurrency),
    on(DeleteFunctionConcurrencyCommand, deleteConcurrency),
    on(TagResourceCommand, tagResource),
    on(UntagResourceCommand, untagResource),
    on(ListTagsCommand, listTags),
  ]
}
