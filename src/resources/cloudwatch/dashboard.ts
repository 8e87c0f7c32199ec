// CloudWatch dashboard: a name-keyed upsert of one JSON body. The body is compared semantically (key order and
// whitespace do not count) before PutDashboard, so a no-op run sends none. Dashboards take no tags, so a dashboard is
// ours by its name (ownership `parent`: the service's name prefixes it).
import {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from '@aws-sdk/client-cloudwatch'
import { isCloudWatchNotFound } from '../../aws/errors.js'
import { partitionOf } from '../common.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change } from '../types.js'

export const DASHBOARD_KIND = 'cloudwatch-dashboard'

export interface DashboardSpec {
  logicalId: string
  name: string
  /** The dashboard body (`{ widgets: [...] }`), as an object. */
  body: Record<string, unknown>
}

export interface ObservedDashboard {
  arn?: string
  body: unknown
}

/** JSON with object keys sorted: two bodies that mean the same compare equal. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      )
    return v
  }
  return JSON.stringify(sort(value))
}

/** Pure: the body as a whole, since PutDashboard replaces it as a whole. */
export function diffDashboard(have: ObservedDashboard, want: DashboardSpec): Change[] {
  if (canonicalJson(have.body) === canonicalJson(want.body)) return []
  const widgets = (b: unknown) => ((b as { widgets?: unknown[] } | undefined)?.widgets ?? []).length
  return [{ field: 'DashboardBody', from: `${widgets(have.body)} widgets`, to: `${widgets(want.body)} widgets` }]
}

function parseBody(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '{}')
  } catch {
    return {} // an unreadable body differs from any we want, so it is put again
  }
}

async function put(cw: CloudWatchClient, spec: DashboardSpec): Promise<void> {
  await cw.send(new PutDashboardCommand({ DashboardName: spec.name, DashboardBody: JSON.stringify(spec.body) }))
}

export const dashboardKind: ResourceKind<DashboardSpec, ObservedDashboard> = {
  kind: DASHBOARD_KIND,
  label: 'CloudWatch dashboard',
  codePrefix: 'Dashboard',
  identity: 'name',
  ownership: 'parent',
  ...foundByName('cloudwatch', async (ctx, name) => {
    const found = await ctx.aws
      .get(CloudWatchClient)
      .send(new GetDashboardCommand({ DashboardName: name }))
      .catch((e: unknown) => {
        if (isCloudWatchNotFound(e)) return undefined
        throw e
      })
    if (!found) return []
    return [{ observed: { arn: found.DashboardArn, body: parseBody(found.DashboardBody) }, arn: found.DashboardArn }]
  }),
  diff: diffDashboard,
  async create(ctx, spec) {
    await put(ctx.aws.get(CloudWatchClient), spec)
    const arn = `arn:${partitionOf(ctx.identity.region)}:cloudwatch::${ctx.identity.accountId}:dashboard/${spec.name}`
    return { observed: { arn, body: spec.body }, arn }
  },
  async apply(ctx, observed, spec) {
    await put(ctx.aws.get(CloudWatchClient), spec)
    return { observed: { arn: observed.arn, body: spec.body } }
  },
  async delete(ctx, record) {
    await ctx.aws
      .get(CloudWatchClient)
      .send(new DeleteDashboardsCommand({ DashboardNames: [record.name] }))
      .catch((e: unknown) => {
        if (!isCloudWatchNotFound(e)) throw e
      })
  },
  describe: (spec) => `${((spec.body.widgets as unknown[] | undefined) ?? []).length} widgets`,
}
