// What every resource module receives and returns. A narrow view of the run's Context: resource modules
// talk to AWS and to a Recorder, never to the manifest file, listr2 or the console.
import type { AwsClients } from '../aws/clients.js'
import type { Backoff } from '../aws/retry.js'
import type { WaitLog } from '../aws/waits.js'
import type { PendingOperation, ResourceRecord } from '../manifest/types.js'
import type { EarlyObservations } from './engine/early.js'

export type Action =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'deleted'
  | 'would-create'
  | 'would-update'
  | 'would-delete'
  /** Data-bearing and no longer in config (or destroyed without --delete-data): kept, and reported every run. */
  | 'retained'
  | 'unmanaged'
  | 'unverified'
  /** `infra import`: a same-named resource that would be (or was) tagged and recorded, nothing else changed. */
  | 'would-adopt'
  | 'adopted'

export interface Change {
  /** What changes, in AWS's terms: 'BillingMode', 'GlobalSecondaryIndexes[user-index]', 'Tags[team]'. */
  field: string
  from?: unknown
  to?: unknown
  /** How a reviewer reads it when `from → to` would not say much (two code hashes): shown instead of them. */
  summary?: string
}

export interface Ensured {
  kind: string
  /** Manifest key `<kind>:<logical id>`. */
  key: string
  name: string
  action: Action
  changes: Change[]
  id?: string
  arn?: string
  /** A sentence for the user: why a resource was left alone, what to do. */
  note?: string
  /** For a planned create: the essentials of what would be made. */
  detail?: string
}

/** Where resource modules record what they create; implemented by the manifest store. */
export interface Recorder {
  readonly manifest: { resources: Record<string, ResourceRecord>; pending: Record<string, PendingOperation> }
  journal(key: string, op: PendingOperation): Promise<void>
  recordResource(key: string, rec: Omit<ResourceRecord, 'createdAt' | 'updatedAt'>): Promise<void>
  forgetResource(key: string): Promise<void>
  clearPending(key: string): Promise<void>
}

/** What a removal may delete: data only when asked, deletion protection lifted only when asked. */
export interface RemovalOptions {
  /** prune: config no longer describes it (deploy-all); destroy: the user deletes the environment. */
  mode: 'prune' | 'destroy'
  deleteData: boolean
  disableDeletionProtection: boolean
}

export interface Timing {
  /** Between polls of an asynchronous state. */
  poll: Backoff
  /** Between retries of one call (eventual consistency). */
  retry: Backoff
  /** Multiplies every deadline; 1 in real runs. */
  deadlineScale: number
}

export const REAL_TIMING: Timing = {
  // Terraform's schedule (aws/poll.ts: pollDelay): the first poll 100 ms after the first read, doubling up to 10 s.
  poll: { minMs: 100, maxMs: 10_000 },
  retry: { minMs: 500, maxMs: 10_000 },
  deadlineScale: 1,
}

export interface ResourceContext {
  aws: AwsClients
  /** Observe and report what would change; send no write. */
  dryRun: boolean
  /** No credentials: plan from the manifest alone. */
  offline: boolean
  /** Take over same-named resources that lack this service's tags. */
  adopt: boolean
  timing: Timing
  record: Recorder
  /** The step a resource is recorded under. */
  stepId: string
  identity: { service: string; env: string; region: string; accountId: string }
  /** Progress for the user (the step's task output). */
  log: (message: string) => void
  /** `infra import`: found resources are adopted (tagged and recorded) and nothing else is written. */
  importing?: ImportOptions
  /** Keys converged in this run (config still describes them): what a step recorded but did not converge is removed. */
  converged?: Set<string>
  removal?: RemovalOptions
  /** The run's waits report: every wait is timed here (aws/waits.ts); absent outside a run. */
  waits?: WaitLog
  /** Reads started before the steps, taken by converge instead of find while they hold (engine/early.ts). */
  early?: EarlyObservations
}

/** How `infra import` runs the steps: as a plan (dry-run clients), adopting what it finds by tagging and recording it. */
export interface ImportOptions {
  /** Manifest key → the id (or ARN) of the candidate to adopt when several share the name. */
  choices: Record<string, string>
  /** Writable clients for the tags alone, when applying; absent while planning the import. */
  writer?: AwsClients
  /** Filled while planning: resources with several same-named candidates and no choice. */
  ambiguous: AmbiguousResource[]
}

export interface AmbiguousResource {
  key: string
  label: string
  name: string
  candidates: Array<{ id: string; createdAt?: string; managed: boolean }>
  /** A `--choose` for this key that names none of the candidates. */
  rejectedChoice?: string
}

/** Values only known once a create has run (dry runs print this). */
export const KNOWN_AFTER_APPLY = '(known after apply)'
