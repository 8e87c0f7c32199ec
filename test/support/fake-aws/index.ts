// The fake AWS with every service fake registered. Adding a service is one line in SERVICE_FAKES.
import { FakeAws, type ServiceFake } from './core.js'
import { FakeDynamoDB } from './dynamodb.js'
import { FakeIam } from './iam.js'
import { FakeSts } from './sts.js'

export * from './core.js'
export { FakeDynamoDB } from './dynamodb.js'
export type { IndexRecord, TableRecord } from './dynamodb-model.js'
export { FakeIam, type RoleRecord } from './iam.js'
export { FakeSts } from './sts.js'

/** One factory per service; each FakeAws gets fresh instances. */
export const SERVICE_FAKES: Array<() => ServiceFake> = [
  () => new FakeSts(),
  () => new FakeIam(),
  () => new FakeDynamoDB(),
]

export interface FakeAwsOptions {
  account?: string
  region?: string
  /** Added to every call, in ms. */
  latencyMs?: number
  /** DescribeTable calls a table shows a transitional status for (FakeDynamoDB.describesUntilActive). */
  describesUntilActive?: number
}

/** A FakeAws with typed getters for the services tests use most. */
export class AllFakes extends FakeAws {
  get sts(): FakeSts {
    return this.service<FakeSts>('sts')
  }
  get iam(): FakeIam {
    return this.service<FakeIam>('iam')
  }
  get dynamodb(): FakeDynamoDB {
    return this.service<FakeDynamoDB>('dynamodb')
  }
}

/** Every service fake, not installed yet: call `.install()` to route the SDK clients to it, `.restore()` after. */
export function createFakeAws(opts: FakeAwsOptions = {}): AllFakes {
  const aws = new AllFakes(SERVICE_FAKES.map((make) => make()))
  if (opts.account !== undefined) aws.account = opts.account
  if (opts.region !== undefined) aws.region = opts.region
  if (opts.latencyMs !== undefined) aws.latencyMs = opts.latencyMs
  if (opts.describesUntilActive !== undefined) aws.dynamodb.describesUntilActive = opts.describesUntilActive
  return aws
}
