// The Resource Groups Tagging API as `infra destroy` uses it: GetResources filtered by tags, answered from the other
// fakes' state (each service keeps its own tags, as in AWS). IAM roles are not listed, as AWS documents.
import * as sdk from '@aws-sdk/client-resource-groups-tagging-api'
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  type GetResourcesCommandInput,
  type GetResourcesCommandOutput,
} from '@aws-sdk/client-resource-groups-tagging-api'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, on, type FakeEnv, type Out, type ServiceFake } from './core.js'

type TagMap = Record<string, string>
interface Tagged {
  arn: string
  tags: TagMap
}

const fromList = (tags: Array<{ Key?: string; Value?: string }> = []) =>
  Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']))

export class FakeTagging implements ServiceFake {
  readonly service = 'tagging'
  readonly client = ResourceGroupsTaggingAPIClient
  readonly sdk = sdk
  private env: FakeEnv & { services?: ServiceFake[] } = {
    account: DEFAULT_ACCOUNT,
    region: DEFAULT_REGION,
    clock: { now: () => Date.now() },
  }

  /** The FakeAws it is registered in: its other services are what GetResources lists. */
  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [on(GetResourcesCommand, (i) => this.getResources(i))]
  }

  getResources(input: GetResourcesCommandInput): Out<GetResourcesCommandOutput> {
    const filters = input.TagFilters ?? []
    const matches = (tags: TagMap) =>
      filters.every((f) => f.Key && f.Key in tags && (!f.Values?.length || f.Values.includes(tags[f.Key]!)))
    return {
      ResourceTagMappingList: this.everything()
        .filter((r) => matches(r.tags))
        .map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })),
      PaginationToken: '',
    }
  }

  /** Every tagged resource of the other fakes, read from their saved state. */
  private everything(): Tagged[] {
    const { region, account } = this.env
    const state = (name: string) => this.env.services?.find((s) => s.service === name)?.toJSON() as any
    const out: Tagged[] = []
    for (const t of state('dynamodb')?.tables ?? [])
      out.push({ arn: `arn:aws:dynamodb:${region}:${account}:table/${t.name}`, tags: fromList(t.tags) })
    for (const [name, fn] of Object.entries<any>(state('lambda')?.functions ?? {}))
      out.push({ arn: `arn:aws:lambda:${region}:${account}:function:${name}`, tags: fn.tags ?? {} })
    for (const [name, group] of Object.entries<any>(state('logs')?.groups ?? {}))
      out.push({ arn: `arn:aws:logs:${region}:${account}:log-group:${name}`, tags: group.tags ?? {} })
    for (const [id, api] of Object.entries<any>(state('apigateway')?.apis ?? {}))
      out.push({ arn: `arn:aws:apigateway:${region}::/restapis/${id}`, tags: api.tags ?? {} })
    for (const [id, api] of Object.entries<any>(state('apigatewayv2')?.state?.apis ?? {}))
      out.push({ arn: `arn:aws:apigateway:${region}::/apis/${id}`, tags: api.tags ?? {} })
    for (const [id, pool] of Object.entries<any>(state('cognito-idp')?.pools ?? {}))
      out.push({ arn: pool.arn ?? `arn:aws:cognito-idp:${region}:${account}:userpool/${id}`, tags: pool.tags ?? {} })
    return out
  }

  toJSON(): unknown {
    return {}
  }

  load(): void {}
}
