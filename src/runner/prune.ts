// What config no longer describes is removed: a resource the manifest records for a step that this run's converge
// calls did not reach. Runs only after the step itself succeeded, so a step that stopped half-way never deletes what
// it simply did not get to. Data-bearing kinds are retained (and reported every run); `infra destroy` deletes them.
import type { ResourceRecord } from '../manifest/types.js'
import { remove } from '../resources/engine/remove.js'
import { kindNamed } from '../resources/kinds.js'
import type { Ensured, ResourceContext } from '../resources/types.js'

/** The records of `stepId` not in `live`, newest first (children were made after their parents). */
export function staleRecords(
  resources: Record<string, ResourceRecord>,
  stepId: string,
  live: ReadonlySet<string>,
): Array<[string, ResourceRecord]> {
  return Object.entries(resources)
    .filter(([key, r]) => r.step === stepId && !live.has(key))
    .sort(([, a], [, b]) => b.createdAt.localeCompare(a.createdAt))
}

/**
 * Removes (or plans the removal of) each record in order; one at a time, since a parent may follow its child.
 * `onResult` hears each one as it is done (`--json-events`).
 */
export async function removeRecords(
  ctx: ResourceContext,
  records: Array<[string, ResourceRecord]>,
  onResult: (result: Ensured) => void = () => undefined,
): Promise<Ensured[]> {
  const results: Ensured[] = []
  const push = (result: Ensured) => {
    results.push(result)
    onResult(result)
  }
  for (const [key, record] of records) {
    const kind = kindNamed(record.kind)
    if (!kind) {
      push({
        kind: record.kind,
        key,
        name: record.name,
        action: 'retained',
        changes: [],
        note: `infra has no delete for ${record.kind} resources; it is left as it is`,
      })
      continue
    }
    push(await remove(ctx, kind, key, record))
  }
  return results
}
