// Step 09's hosted zone: one public zone per domain, never a second. A zone of that name that infra did not make (the
// registrar's, or one made by hand) is used as it is and never changed or deleted; none → one is created and the run
// says which name servers to set at the registrar; two → refused, listing them.
import { StepError } from '../errors/index.js'
import { failureFor, isOurs } from '../resources/common.js'
import { converge, keyOf, observe } from '../resources/engine/converge.js'
import { hostedZoneKind, type HostedZoneSpec } from '../resources/route53/hosted-zone.js'
import type { UsedZone } from './dns-records.js'
import type { StepContext } from './types.js'

/** The zone to use; undefined in a plan that would create it (or offline). */
export async function adoptOrUseZone(ctx: StepContext, spec: HostedZoneSpec): Promise<UsedZone | undefined> {
  const key = keyOf(hostedZoneKind, spec.logicalId)
  const candidates = await observe(ctx, hostedZoneKind, spec).catch(
    failureFor(ctx, hostedZoneKind.label, spec.name)('reading', 'HostedZoneReadFailed'),
  )
  if (candidates.length > 1) {
    throw new StepError(
      'HostedZoneAmbiguous',
      `finding the hosted zone of ${spec.name}: ${candidates.length} public zones have that name (${candidates.map((c) => c.id).join(', ')}); infra will not guess which one the registrar points at`,
      {
        hint: `Keep the zone whose name servers the registrar lists (\`aws route53 get-hosted-zone --id <id>\`), delete the other after moving its records, then rerun \`infra step dns --env ${ctx.identity.env}\`.`,
      },
    )
  }
  const [only] = candidates
  if (only && !isOurs(only.tags, ctx.identity) && !ctx.adopt) {
    ctx.converged?.add(key)
    ctx.report({
      kind: hostedZoneKind.kind,
      key,
      name: spec.name,
      action: 'unchanged',
      changes: [],
      id: only.id,
      note: 'an existing zone infra did not make: used as it is, never changed or deleted by infra',
    })
    return { observed: only.observed, createdNow: false }
  }
  const zone = await converge(ctx, hostedZoneKind, spec, { found: candidates })
  if (zone.result.action === 'created' && zone.observed) {
    const servers = zone.observed.nameServers.join(', ')
    ctx.log(`hosted zone ${spec.name} created: set its name servers at the registrar: ${servers}`)
    zone.result.note = `set these name servers at the registrar of ${spec.name}: ${servers}`
  }
  ctx.report(zone.result)
  return zone.observed && { observed: zone.observed, createdNow: zone.result.action === 'created' }
}
