// tables.* → TableConfig: names expanded, keys normalised to { name, type }, billing and protection decided.
import { formatPath, show, type FieldPath } from './issues.js'
import type { ResolveContext } from './resolve.js'
import type { RawTable } from './schema.js'
import type { GlobalIndexConfig, KeyAttribute, TableConfig } from './types.js'

type RawKey = RawTable['partition_key']

export function keyAttribute(key: RawKey): KeyAttribute {
  return typeof key === 'string' ? { name: key, type: 'S' } : { name: key.name, type: key.type }
}

// Billing. config.json must be consistent on its own: `capacity` (on the table and each index) is required when the
// table's billing_mode is PROVISIONED and an error otherwise, since it would silently do nothing. DYNAMODB_BILLING in
// the env file is the deployment-time knob over every table: switching to PAY_PER_REQUEST drops the capacities (the
// point of e.g. a cheap dev env); switching to PROVISIONED needs tables that say PROVISIONED with capacities.
export function resolveTables(ctx: ResolveContext): TableConfig[] {
  const override = ctx.input.envFile?.values.DYNAMODB_BILLING
  const seen = new Map<string, string>()
  return Object.entries(ctx.raw.tables).map(([key, t]) => {
    const at: FieldPath = ['tables', key]
    const name = ctx.entryName('table', at, t.name, key)
    const clash = seen.get(name)
    if (clash) ctx.problem([...at, 'name'], `"${name}" is also the name of table ${clash} (names must be unique)`)
    seen.set(name, key)
    const own = t.billing_mode ?? 'PAY_PER_REQUEST'
    const billingMode = override ?? own
    checkCapacity(ctx, at, own, t.capacity !== undefined)
    t.global_indexes.forEach((gsi, i) =>
      checkCapacity(ctx, [...at, 'global_indexes', i], own, gsi.capacity !== undefined),
    )
    if (billingMode === 'PROVISIONED' && own !== 'PROVISIONED') {
      ctx.problem(
        [...at, 'billing_mode'],
        `is ${own} with no capacity, but DYNAMODB_BILLING=PROVISIONED${ctx.fromEnv('DYNAMODB_BILLING')} makes every table PROVISIONED (set billing_mode PROVISIONED and capacity { read, write } on this table and its indexes, or remove DYNAMODB_BILLING)`,
      )
    }
    const provisioned = billingMode === 'PROVISIONED'

    const partitionKey = keyAttribute(t.partition_key)
    const sortKey = t.sort_key === undefined ? undefined : keyAttribute(t.sort_key)
    const types = new AttributeTypes(ctx)
    types.add([...at, 'partition_key'], partitionKey)
    if (sortKey) types.add([...at, 'sort_key'], sortKey)

    const indexNames = new Set<string>()
    const globalIndexes = t.global_indexes.map((gsi, i): GlobalIndexConfig => {
      const gsiAt: FieldPath = [...at, 'global_indexes', i]
      if (indexNames.has(gsi.name))
        ctx.problem([...gsiAt, 'name'], `"${gsi.name}" is used twice (index names are unique per table)`)
      indexNames.add(gsi.name)
      const pk = keyAttribute(gsi.partition_key)
      const sk = gsi.sort_key === undefined ? undefined : keyAttribute(gsi.sort_key)
      types.add([...gsiAt, 'partition_key'], pk)
      if (sk) types.add([...gsiAt, 'sort_key'], sk)
      return {
        name: gsi.name,
        partitionKey: pk,
        ...(sk ? { sortKey: sk } : {}),
        projection: gsi.projection,
        ...(provisioned && gsi.capacity ? { capacity: gsi.capacity } : {}),
      }
    })

    return {
      logicalId: key,
      name,
      partitionKey,
      ...(sortKey ? { sortKey } : {}),
      billingMode,
      ...(provisioned && t.capacity ? { capacity: t.capacity } : {}),
      globalIndexes,
      stream: t.stream,
      ...(t.ttl_attribute === undefined ? {} : { ttlAttribute: t.ttl_attribute }),
      pointInTimeRecovery: t.point_in_time_recovery ?? ctx.production,
      deletionProtection: t.deletion_protection ?? ctx.production,
      encryption: typeof t.encryption === 'string' ? t.encryption : { kmsKeyArn: t.encryption.kms_key_arn },
      tableClass: t.table_class,
      tags: ctx.tags([...at, 'tags'], t.tags),
    }
  })
}

function checkCapacity(ctx: ResolveContext, at: FieldPath, own: string, hasCapacity: boolean): void {
  if (own === 'PROVISIONED' && !hasCapacity) {
    ctx.problem([...at, 'capacity'], 'is missing (billing_mode PROVISIONED needs capacity { read, write } here)')
  } else if (own !== 'PROVISIONED' && hasCapacity) {
    ctx.problem(
      [...at, 'capacity'],
      `is set but the table's billing_mode is ${own} (remove capacity, or set billing_mode to PROVISIONED)`,
    )
  }
}

/** DynamoDB has one AttributeDefinitions list per table: an attribute used by several keys has one type. */
class AttributeTypes {
  private seen = new Map<string, { type: string; at: FieldPath }>()
  constructor(private ctx: ResolveContext) {}
  add(at: FieldPath, key: KeyAttribute): void {
    const first = this.seen.get(key.name)
    if (!first) return void this.seen.set(key.name, { type: key.type, at })
    if (first.type !== key.type) {
      const where = formatPath(first.at)
      this.ctx.problem(
        at,
        `${show(key.name)} has type ${key.type} here but ${first.type} at ${where} (an attribute has one type per table)`,
      )
    }
  }
}
