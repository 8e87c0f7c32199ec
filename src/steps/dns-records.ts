// Step 09's record sets (validation CNAMEs, A/AAAA aliases), converged side by side through the zone they live in.
// A zone this run created holds only its NS and SOA: its records are known absent and not read (a rerun after a crash
// finds the zone, not creates it, and reads them as before). Route 53 processes one change to a zone at a time and
// answers a second with PriorRequestNotComplete, which its client retries as throttling: a few at once at most.
import { limitConcurrency } from '../aws/concurrency.js'
import { converge, type Converged } from '../resources/engine/converge.js'
import type { ObservedHostedZone } from '../resources/route53/hosted-zone.js'
import { recordSetKind, type ObservedRecordSet, type RecordSetSpec } from '../resources/route53/record-set.js'
import type { StepContext } from './types.js'

const RECORDS_AT_ONCE = 4

/** The hosted zone step 09 uses, and whether this run created it. */
export interface UsedZone {
  observed: ObservedHostedZone
  createdNow: boolean
}

export interface ZoneRecords {
  zone: ObservedHostedZone
  /** Converges and reports one record set of the zone. */
  converge(spec: Omit<RecordSetSpec, 'zoneId'>): Promise<Converged<ObservedRecordSet>>
}

export function zoneRecords(ctx: StepContext, { observed, createdNow }: UsedZone): ZoneRecords {
  const limit = limitConcurrency(RECORDS_AT_ONCE)
  return {
    zone: observed,
    converge: (spec) =>
      limit(async () => {
        const out = await converge(
          ctx,
          recordSetKind,
          { ...spec, zoneId: observed.id },
          createdNow ? { found: [] } : {},
        )
        ctx.report(out.result)
        return out
      }),
  }
}
