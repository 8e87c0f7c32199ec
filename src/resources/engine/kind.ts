// The resource-kind contract: one plain object per AWS object type. The engine (converge.ts, remove.ts) runs the
// same policy for every kind — offline and dry-run outcomes, ownership by tags, one rule for duplicates, journal
// before a create and record right after, lost create responses — so a kind only says how to talk to AWS.
import type { Tags } from '../../config/types.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { Change, ResourceContext } from '../types.js'

/**
 * How a kind is found again after a crash:
 * - `name`: AWS keeps names unique (role, table, function, log group): found by name; a create retried after a lost
 *   response meets "already exists" and is resolved by looking again.
 * - `recorded-id`: AWS accepts any number of same-named ones and its create has no token (REST/WebSocket API, user
 *   pool): found by the manifest's id, else by name and this service's tags; the create is journalled first and is
 *   never retried blindly (a lost response is resolved by looking again).
 * - `token`: the create takes an idempotency token (CloudFront CallerReference, ACM IdempotencyToken, Bedrock
 *   clientRequestToken), written to the manifest before the call, so a retried create returns the same resource.
 */
export type KindIdentity = 'name' | 'recorded-id' | 'token'

/** Every spec names its manifest key (`<kind>:<logicalId>`) and its AWS name. */
export interface SpecBase {
  logicalId: string
  name: string
}

/** One resource as found in AWS. */
export interface Observation<O> {
  observed: O
  id?: string
  arn?: string
  /** Its tags; undefined for kinds without tags of their own (ownership 'parent'). */
  tags?: Tags
}

export interface ResourceKind<S extends SpecBase, O> {
  /** Manifest kind and key prefix: 'dynamodb-table', 'lambda-function', … */
  kind: string
  /** For people: 'DynamoDB table'. */
  label: string
  /** Error codes start with it: `${codePrefix}CreateFailed`, `…ReadFailed`, `…UpdateFailed`, `…DeleteFailed`. */
  codePrefix: string
  identity: KindIdentity
  /**
   * `tags` (default): ours only when it carries this service's and environment's tags. `parent`: the kind has no tags
   * of its own (a route, a permission statement, a stage) and is ours because its parent is.
   */
  ownership?: 'tags' | 'parent'
  /** Holds data (table, user pool, bucket): never deleted unless the user asks for it (--delete-data). */
  dataBearing?: boolean
  /** Kept when config drops it (a function's logs outlive the function), deleted by `infra destroy`. */
  keptWhenDropped?: boolean
  /** Has deletion protection that AWS enforces; destroy names the flag that lifts it. */
  deletionProtected?(record: ResourceRecord): boolean
  /**
   * Every candidate for the spec: the one the manifest's id names when it still exists, else those with its name.
   * [] when there is none. Ownership and duplicates are the engine's to judge.
   */
  find(ctx: ResourceContext, spec: S, recorded?: ResourceRecord): Promise<Array<Observation<O>>>
  /** Pure: what must change for the observed resource to match the spec, one entry per field. */
  diff(observed: O, spec: S): Change[]
  /** Throws when the spec asks for what AWS cannot change in place (a table's key schema). */
  refuse?(observed: O, spec: S): void
  /** Creates it; returns it as it is right after the create (the engine then diffs what the create could not set). */
  create(ctx: ResourceContext, spec: S, token?: string): Promise<Observation<O>>
  /** Applies the changes, in the order AWS demands; returns the resource as it is now when that differs. */
  apply(ctx: ResourceContext, observed: O, spec: S, changes: Change[]): Promise<Applied<O> | void>
  /** A resource that is mid-change (created, updating): waited for, with a deadline, before anything else. */
  busy?(observed: O): boolean
  waitFor?(ctx: ResourceContext, observed: O, spec: S): Promise<O>
  /** Deletes what the manifest recorded; a resource already gone is not an error. */
  delete(ctx: ResourceContext, record: ResourceRecord): Promise<void>
  /** What the manifest records besides name, id and arn (merged into what it knows). */
  attributes?(observed: O, spec: S): Record<string, unknown>
  /** One line for plans: what a create would make. */
  describe(spec: S): string
  /** A stable idempotency token for `token` kinds (at most what the API allows), written to the manifest first. */
  token?(spec: S, ctx: ResourceContext): string
  /** Read before the steps from the manifest record alone (engine/early.ts); kinds without it are read by find. */
  early?: EarlyRead<S, O>
}

/**
 * How a kind is observed at the start of a run, before the step that converges it: given only when the record
 * (name, id, ARN, attributes) says all that find would read for a spec of that name.
 */
export interface EarlyRead<S extends SpecBase, O> {
  /** The service whose quota the reads share: at most a few observations at once per service. */
  service: string
  /** The candidates find(ctx, spec, recorded) would return for a spec named `recorded.name`. */
  read(ctx: ResourceContext, recorded: ResourceRecord): Promise<Array<Observation<O>>>
  /**
   * A kind read in bulk (alarms: one DescribeAlarms per 100 names): every recorded one at once, one read each in
   * the order given, its calls bounded by the kind itself. Used instead of `read` when given.
   */
  readAll?(ctx: ResourceContext, recorded: ResourceRecord[]): Array<Promise<Array<Observation<O>>>>
  /**
   * False when this spec needs more than a read from this record covers (a role's inline policy the record does not
   * name, a record set in another zone): find reads it.
   */
  covers?(recorded: ResourceRecord, spec: S): boolean
  /**
   * The AWS objects the read covers, shared with the kinds that write them (a distribution and its aliases):
   * a write to any of them earlier in the run makes the early read stale, and find reads again. Default: its own key.
   */
  objects?(recorded: ResourceRecord): string[]
}

/** What an apply may hand back: the resource as it is now, and sentences for the user (a change deferred by AWS). */
export interface Applied<O> {
  observed?: O
  notes?: string[]
}

// A registry entry: the engine's drivers only need the kind's untyped face.
export type AnyKind = ResourceKind<SpecBase, unknown>
