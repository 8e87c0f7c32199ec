import { z } from 'zod'
import { MANIFEST_VERSION, type Manifest, type ManifestIdentity } from './types.js'

// The zod mirror of types.ts: a manifest is validated on every load and before every write, so the tool never writes
// a file it could not read back.

const timestamp = z.string().min(1)

const stepRecordSchema = z.object({
  status: z.enum(['pending', 'running', 'done', 'failed']),
  inputHash: z.string().optional(),
  startedAt: timestamp.optional(),
  finishedAt: timestamp.optional(),
  outputs: z.record(z.string(), z.unknown()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})

const resourceRecordSchema = z.object({
  kind: z.string().min(1),
  step: z.string().min(1),
  name: z.string().min(1),
  id: z.string().optional(),
  arn: z.string().optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
  attributes: z.record(z.string(), z.unknown()).optional(),
})

const pendingOperationSchema = z.object({
  operation: z.enum(['create', 'update', 'delete']),
  kind: z.string().min(1),
  name: z.string().min(1),
  token: z.string().optional(),
  startedAt: timestamp,
})

const runRecordSchema = z.object({
  id: z.string().min(1),
  command: z.string(),
  startedAt: timestamp,
  finishedAt: timestamp.optional(),
  status: z.enum(['running', 'succeeded', 'failed']),
  steps: z.record(z.string(), z.string()),
})

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  service: z.string().min(1),
  env: z.string().min(1),
  region: z.string().min(1),
  account: z.string().optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
  steps: z.record(z.string(), stepRecordSchema),
  resources: z.record(z.string(), resourceRecordSchema),
  pending: z.record(z.string(), pendingOperationSchema),
  history: z.array(runRecordSchema),
})

// Fails to compile when types.ts and the schema differ, even by one optional field, rather than silently dropping on
// the next load a field someone added to types.ts. (Mutual assignability would not see an added optional field.)
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const _mirrorsTypes: Equals<z.infer<typeof manifestSchema>, Manifest> = true

export type ParsedManifest =
  { ok: true; manifest: Manifest } | { ok: false; tooNew: number } | { ok: false; tooNew?: undefined; problem: string }

export function parseManifestText(text: string): ParsedManifest {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    return { ok: false, problem: `invalid JSON (${(e as Error).message})` }
  }
  // Checked before the shape: a newer layout is not corrupt, only unreadable by this version.
  const version = (data as { version?: unknown } | null)?.version
  if (typeof version === 'number' && version > MANIFEST_VERSION) return { ok: false, tooNew: version }
  const parsed = manifestSchema.safeParse(data)
  if (parsed.success) return { ok: true, manifest: parsed.data }
  const issue = parsed.error.issues[0]
  if (!issue) return { ok: false, problem: 'invalid manifest' }
  const where = formatPath(issue.path)
  return { ok: false, problem: where ? `${where}: ${issue.message}` : issue.message }
}

export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`
}

export function emptyManifest(identity: ManifestIdentity, now: string): Manifest {
  return {
    version: MANIFEST_VERSION,
    service: identity.service,
    env: identity.env,
    region: identity.region,
    ...(identity.account === undefined ? {} : { account: identity.account }),
    createdAt: now,
    updatedAt: now,
    steps: {},
    resources: {},
    pending: {},
    history: [],
  }
}

/** `resources["dynamodb-table:conversations"].createdAt`, `history[3].status`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg
    else out += `[${JSON.stringify(String(seg))}]`
  }
  return out
}
