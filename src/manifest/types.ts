// The manifest is a record of what this tool created, not the truth: every run observes AWS again.
// Versioned so that a future layout can be migrated instead of misread.

export const MANIFEST_VERSION = 1
export const HISTORY_LIMIT = 50

export type StepStatus = 'pending' | 'running' | 'done' | 'failed'

export interface StepRecord {
  status: StepStatus
  /** Hash of the step's inputs (config slice, upstream outputs, code hashes) at its last run. */
  inputHash?: string
  startedAt?: string
  finishedAt?: string
  outputs: Record<string, unknown>
  error?: { code: string; message: string }
}

export interface ResourceRecord {
  /** e.g. 'dynamodb-table', 'iam-role', 'lambda-function'. */
  kind: string
  /** The step that owns it. */
  step: string
  name: string
  /** Physical ID where AWS has one apart from the name (API ID, pool ID, distribution ID). */
  id?: string
  arn?: string
  createdAt: string
  updatedAt: string
  /** What later commands need, e.g. published Lambda versions for rollback. */
  attributes?: Record<string, unknown>
}

/** Written before a mutating call; cleared when its outcome is recorded. Resolved by lookup on resume. */
export interface PendingOperation {
  operation: 'create' | 'update' | 'delete'
  kind: string
  name: string
  /** Idempotency token (CallerReference, clientRequestToken) derived from stable names. */
  token?: string
  startedAt: string
}

export interface RunRecord {
  id: string
  command: string
  startedAt: string
  finishedAt?: string
  status: 'running' | 'succeeded' | 'failed'
  /** step id → its result: 'created 2, updated 1, unchanged 3' or the error code. */
  steps: Record<string, string>
}

export interface Manifest {
  version: typeof MANIFEST_VERSION
  service: string
  env: string
  region: string
  account?: string
  createdAt: string
  updatedAt: string
  steps: Record<string, StepRecord>
  /** Keyed by `<kind>:<logical id>`, e.g. 'dynamodb-table:conversations'. */
  resources: Record<string, ResourceRecord>
  pending: Record<string, PendingOperation>
  history: RunRecord[]
}

/** Who a manifest belongs to. `open()` refuses a manifest recorded for another identity. */
export interface ManifestIdentity {
  service: string
  env: string
  region: string
  /** Compared only when both the manifest and the caller know it. */
  account?: string
}
