// Pure: what the manifest records as deployed, with what config says of it (a function's memory and architecture),
// in the shape the cost report prices. Only recorded resources count: config alone deploys nothing.
import type { ResolvedConfig } from '../config/types.js'
import type { Manifest, ResourceRecord } from '../manifest/types.js'
import type { Architecture } from './prices.js'

export interface DeployedFunction {
  name: string
  /** Undefined when config.json no longer describes it. */
  memoryMb?: number
  architecture?: Architecture
  provisionedConcurrency?: number
  /** The alias provisioned concurrency is configured on. */
  alias?: string
}

export interface Deployed {
  region: string
  functions: DeployedFunction[]
  restApis: Array<{ name: string; stage: string }>
  websocketApis: Array<{ id: string; name: string; stage: string }>
  tables: string[]
  buckets: string[]
  distributions: Array<{ id: string; name: string }>
  userPools: string[]
  hostedZones: Array<{ id: string; name: string }>
  alarms: string[]
  dashboards: string[]
  logGroups: string[]
  /** config's Bedrock models, when a deployed function calls Bedrock. */
  models: string[]
}

// Route 53's kind (src/resources/route53/hosted-zone.ts) is named here so the report prices a zone the dns step made.
const HOSTED_ZONE_KIND = 'route53-hosted-zone'

function byKind(manifest: Manifest, kind: string): ResourceRecord[] {
  return Object.values(manifest.resources).filter((r) => r.kind === kind)
}

/** `a/b` → `b`: a stage record is named `<api>/<stage>`. */
const lastPart = (name: string) => name.slice(name.lastIndexOf('/') + 1)

export function deployedResources(manifest: Manifest, config: ResolvedConfig): Deployed {
  const aliases = new Map(
    byKind(manifest, 'lambda-alias').map((r) => [String(r.attributes?.functionName), String(r.attributes?.aliasName)]),
  )
  const configured = (name: string) => config.functions.find((f) => f.name === name)
  const functions = byKind(manifest, 'lambda-function').map((r): DeployedFunction => {
    const fn = configured(r.name)
    return {
      name: r.name,
      ...(fn
        ? {
            memoryMb: fn.memoryMb,
            architecture: fn.architecture,
            ...(fn.provisionedConcurrency ? { provisionedConcurrency: fn.provisionedConcurrency } : {}),
          }
        : {}),
      ...(aliases.has(r.name) ? { alias: aliases.get(r.name) } : {}),
    }
  })
  const restStages = byKind(manifest, 'rest-api-stage')
  const wsStages = byKind(manifest, 'websocket-stage')
  return {
    region: config.region,
    functions,
    restApis: byKind(manifest, 'rest-api').flatMap((api) =>
      restStages
        .filter((s) => s.attributes?.restApiId === api.id)
        .map((s) => ({ name: api.name, stage: lastPart(s.name) })),
    ),
    websocketApis: byKind(manifest, 'websocket-api').flatMap((api) =>
      wsStages
        .filter((s) => s.attributes?.apiId === api.id)
        .map((s) => ({ id: api.id!, name: api.name, stage: s.id ?? lastPart(s.name) })),
    ),
    tables: byKind(manifest, 'dynamodb-table').map((r) => r.name),
    buckets: byKind(manifest, 's3-bucket').map((r) => r.name),
    distributions: byKind(manifest, 'cloudfront-distribution').map((r) => ({ id: r.id!, name: r.name })),
    userPools: byKind(manifest, 'cognito-user-pool').map((r) => r.name),
    hostedZones: byKind(manifest, HOSTED_ZONE_KIND).map((r) => ({ id: lastPart(r.id ?? ''), name: r.name })),
    alarms: byKind(manifest, 'cloudwatch-alarm').map((r) => r.name),
    dashboards: byKind(manifest, 'cloudwatch-dashboard').map((r) => r.name),
    logGroups: byKind(manifest, 'log-group').map((r) => r.name),
    models: functions.some((f) => configured(f.name)?.bedrock) ? config.bedrockModels : [],
  }
}
