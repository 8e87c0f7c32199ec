// The second driver: deletes one recorded resource. Used for what config no longer describes (deploy-all) and by
// `infra destroy`. Data-bearing kinds are retained unless the user asked for their data to go.
import { isNotFound } from '../../aws/errors.js'
import type { ResourceRecord } from '../../manifest/types.js'
import { failureFor } from '../common.js'
import type { Ensured, ResourceContext } from '../types.js'
import type { AnyKind } from './kind.js'

export async function remove(
  ctx: ResourceContext,
  kind: AnyKind,
  key: string,
  record: ResourceRecord,
): Promise<Ensured> {
  const base = {
    kind: kind.kind,
    key,
    name: record.name,
    changes: [],
    ...(record.id ? { id: record.id } : {}),
    ...(record.arn ? { arn: record.arn } : {}),
  }
  if (kind.dataBearing && !ctx.removal?.deleteData) {
    return {
      ...base,
      action: 'retained',
      note: `${kind.label} holds data and is kept; \`infra destroy --env ${ctx.identity.env} --delete-data\` deletes it`,
    }
  }
  // A resource shared beyond this environment (API Gateway's account-wide CloudWatch role) is never deleted by it.
  const shared = record.attributes?.sharedBeyondEnvironment
  if (typeof shared === 'string') return { ...base, action: 'retained', note: shared }
  if (kind.keptWhenDropped && ctx.removal?.mode !== 'destroy') {
    return {
      ...base,
      action: 'retained',
      note: `no longer in config; kept until \`infra destroy --env ${ctx.identity.env}\``,
    }
  }
  if (ctx.dryRun || ctx.offline) return { ...base, action: 'would-delete' }
  const fail = failureFor(ctx, kind.label, record.name)
  await ctx.record.journal(key, {
    operation: 'delete',
    kind: kind.kind,
    name: record.name,
    startedAt: new Date().toISOString(),
  })
  ctx.early?.wrote(kind, key, record)
  await kind
    .delete(ctx, record)
    .catch((e: unknown) => {
      if (!isNotFound(e)) throw e
    })
    .catch(fail('deleting', `${kind.codePrefix}DeleteFailed`))
  await ctx.record.forgetResource(key)
  ctx.log(`deleted ${kind.label} ${record.name}`)
  return { ...base, action: 'deleted' }
}
