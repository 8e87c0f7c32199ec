// Resources carrying this service's and environment's tags, found with the Resource Groups Tagging API: what
// `infra destroy` deletes besides the manifest's records (a manifest lost or deleted by hand). IAM roles are not
// listed by GetResources (AWS says so), so roles are only ever deleted from the manifest's record.
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  type ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api'
import type { ResourceRecord } from '../../manifest/types.js'
import { ENV_TAG, SERVICE_TAG } from '../common.js'
import type { ResourceContext } from '../types.js'

/** A resource found by its tags, as the record a kind's delete reads. */
export interface Discovered {
  key: string
  record: ResourceRecord
}

// ARN shapes of the kinds infra tags, and what their records hold. Children (stages, versions) go with their parent.
const ARN_KINDS: Array<{ pattern: RegExp; kind: string; by: 'name' | 'id' }> = [
  { pattern: /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)$/, kind: 'lambda-function', by: 'name' },
  { pattern: /^arn:[^:]+:apigateway:[^:]*::\/restapis\/([^/]+)$/, kind: 'rest-api', by: 'id' },
  { pattern: /^arn:[^:]+:apigateway:[^:]*::\/apis\/([^/]+)$/, kind: 'websocket-api', by: 'id' },
  { pattern: /^arn:[^:]+:cognito-idp:[^:]*:[^:]*:userpool\/(.+)$/, kind: 'cognito-user-pool', by: 'id' },
  { pattern: /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)$/, kind: 'dynamodb-table', by: 'name' },
  { pattern: /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/, kind: 'log-group', by: 'name' },
  { pattern: /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.+)$/, kind: 'ssm-parameter', by: 'name' },
  { pattern: /^arn:[^:]+:cognito-identity:[^:]*:[^:]*:identitypool\/(.+)$/, kind: 'cognito-identity-pool', by: 'id' },
]

/** Pure: the record for one tagged ARN, or undefined for an ARN of a kind infra does not delete on its own. */
export function recordFromArn(arn: string, now: string): Discovered | undefined {
  for (const { pattern, kind, by } of ARN_KINDS) {
    const match = pattern.exec(arn)
    if (!match?.[1]) continue
    const value = match[1]
    const record: ResourceRecord = {
      kind,
      step: 'found-by-tags',
      name: value,
      ...(by === 'id' ? { id: value } : {}),
      arn: arn.replace(/:\*$/, ''),
      createdAt: now,
      updatedAt: now,
    }
    return { key: `${kind}:found-${value}`, record }
  }
  return undefined
}

/** Every ARN in the region tagged for this service and environment (one paginated read). */
export async function findTaggedArns(ctx: ResourceContext): Promise<string[]> {
  const client = ctx.aws.get(ResourceGroupsTaggingAPIClient)
  const arns: string[] = []
  let PaginationToken: string | undefined
  do {
    const page = await client.send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: SERVICE_TAG, Values: [ctx.identity.service] },
          { Key: ENV_TAG, Values: [ctx.identity.env] },
        ],
        PaginationToken,
      }),
    )
    arns.push(...(page.ResourceTagMappingList ?? []).map((m: ResourceTagMapping) => m.ResourceARN ?? ''))
    PaginationToken = page.PaginationToken || undefined
  } while (PaginationToken)
  return arns.filter(Boolean)
}
