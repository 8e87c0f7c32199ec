// The fake AWS with every service fake registered. Adding a service is one line in SERVICE_FAKES.
import { FakeApiGateway } from './apigateway.js'
import { FakeApiGatewayV2 } from './apigatewayv2.js'
import { FakeBedrock } from './bedrock.js'
import { FakeCloudWatch } from './cloudwatch.js'
import { FakeCloudFront } from './cloudfront.js'
import { FakeCognito } from './cognito.js'
import { FakeCognitoIdentity } from './cognito-identity.js'
import { FakeCostExplorer } from './cost-explorer.js'
import { FakeAws, type ServiceFake } from './core.js'
import { FakeDynamoDB } from './dynamodb.js'
import { FakeEcr } from './ecr.js'
import { FakeIam } from './iam.js'
import { FakeLambda } from './lambda.js'
import { FakeLogs } from './logs.js'
import { FakeS3 } from './s3.js'
import { s3InvokeCheck } from './s3-notifications.js'
import { FakeSns } from './sns.js'
import { FakeSqs } from './sqs.js'
import { FakeScheduler } from './scheduler.js'
import { FakeSsm } from './ssm.js'
import { FakeSts } from './sts.js'
import { FakeTagging } from './tagging.js'
import { FakeAcm } from './acm.js'
import { FakeRoute53 } from './route53.js'

export * from './core.js'
export { FakeDynamoDB } from './dynamodb.js'
export { FakeEcr, type RepositoryState } from './ecr.js'
export type { IndexRecord, TableRecord } from './dynamodb-model.js'
export { FakeIam, type RoleRecord } from './iam.js'
export { FakeSts } from './sts.js'
export { FakeLambda, type FunctionState } from './lambda.js'
export { FakeLogs } from './logs.js'
export { FakeS3, type BucketState } from './s3.js'
export { FakeSsm } from './ssm.js'
export { FakeSqs, type QueueState } from './sqs.js'
export { FakeScheduler, type ScheduleState } from './scheduler.js'
export { FakeCloudWatch, type AlarmState } from './cloudwatch.js'
export { FakeSns, PENDING_CONFIRMATION, type TopicState } from './sns.js'
export { FakeApiGateway, type ApiState } from './apigateway.js'
export { FakeBedrock, type GuardrailState } from './bedrock.js'
export { FakeCognito, type ClientState, type DomainState, type PoolState } from './cognito.js'
export { FakeCognitoIdentity, type IdentityPoolState } from './cognito-identity.js'
export { FakeAcm, type CertificateState } from './acm.js'
export { FakeRoute53, type ZoneState } from './route53.js'
export { FakeCostExplorer, type CostExplorerState, type DailyCost } from './cost-explorer.js'

/** One factory per service; each FakeAws gets fresh instances. */
export const SERVICE_FAKES: Array<() => ServiceFake> = [
  () => new FakeSts(),
  () => new FakeIam(),
  () => new FakeDynamoDB(),
  () => new FakeLambda(),
  () => new FakeLogs(),
  () => new FakeSsm(),
  () => new FakeCognito(),
  () => new FakeCognitoIdentity(),
  () => new FakeApiGatewayV2(),
  () => new FakeApiGateway(),
  () => new FakeTagging(),
  () => new FakeCloudFront(),
  () => new FakeBedrock(),
  () => new FakeCloudWatch(),
  () => new FakeCostExplorer(),
  () => new FakeSns(),
  () => new FakeS3(),
  () => new FakeRoute53(),
  () => new FakeAcm(),
  () => new FakeSqs(),
  () => new FakeEcr(),
  () => new FakeScheduler(),
]

export interface FakeAwsOptions {
  account?: string
  region?: string
  /** Added to every call, in ms. */
  latencyMs?: number
  /** Reads a new or changed resource shows a transitional status for (DynamoDB tables, Lambda functions). */
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
  get lambda(): FakeLambda {
    return this.service<FakeLambda>('lambda')
  }
  get logs(): FakeLogs {
    return this.service<FakeLogs>('logs')
  }
  get ssm(): FakeSsm {
    return this.service<FakeSsm>('ssm')
  }
  get cognito(): FakeCognito {
    return this.service<FakeCognito>('cognito-idp')
  }
  get cognitoIdentity(): FakeCognitoIdentity {
    return this.service<FakeCognitoIdentity>('cognito-identity')
  }
  get apigateway(): FakeApiGateway {
    return this.service<FakeApiGateway>('apigateway')
  }
  get apigatewayv2(): FakeApiGatewayV2 {
    return this.service<FakeApiGatewayV2>('apigatewayv2')
  }
  get bedrock(): FakeBedrock {
    return this.service<FakeBedrock>('bedrock')
  }
  get cloudwatch(): FakeCloudWatch {
    return this.service<FakeCloudWatch>('cloudwatch')
  }
  get costExplorer(): FakeCostExplorer {
    return this.service<FakeCostExplorer>('ce')
  }
  get sns(): FakeSns {
    return this.service<FakeSns>('sns')
  }
  get s3(): FakeS3 {
    return this.service<FakeS3>('s3')
  }
  get route53(): FakeRoute53 {
    return this.service<FakeRoute53>('route53')
  }
  get acm(): FakeAcm {
    return this.service<FakeAcm>('acm')
  }
  get sqs(): FakeSqs {
    return this.service<FakeSqs>('sqs')
  }
  get ecr(): FakeEcr {
    return this.service<FakeEcr>('ecr')
  }
  get scheduler(): FakeScheduler {
    return this.service<FakeScheduler>('scheduler')
  }
}

/** Every service fake, not installed yet: call `.install()` to route the SDK clients to it, `.restore()` after. */
export function createFakeAws(opts: FakeAwsOptions = {}): AllFakes {
  const aws = new AllFakes(SERVICE_FAKES.map((make) => make()))
  // S3 tests a notification's Lambda destination against the function's policy.
  aws.s3.canInvoke = s3InvokeCheck(aws.lambda)
  // ACM validates against public DNS (the fake zones) and refuses to delete a certificate something still uses.
  aws.acm.world = {
    publicCname: (name) => aws.route53.publicCname(name),
    usersOf: (arn) => [
      ...Object.values(aws.service<FakeCloudFront>('cloudfront').distributions)
        .filter((d) => d.config.ViewerCertificate?.ACMCertificateArn === arn)
        .map((d) => `arn:aws:cloudfront::${aws.account}:distribution/${d.id}`),
      ...Object.values(aws.apigateway.state.domainNames ?? {})
        .filter((d) => d.regionalCertificateArn === arn)
        .map((d) => `arn:aws:apigateway:${aws.region}::/domainnames/${d.domainName}`),
      ...Object.values(aws.apigatewayv2.state.domainNames ?? {})
        .filter((d) => d.CertificateArn === arn)
        .map((d) => `arn:aws:apigateway:${aws.region}::/domainnames/${d.DomainName}`),
    ],
  }
  if (opts.account !== undefined) aws.account = opts.account
  if (opts.region !== undefined) aws.region = opts.region
  if (opts.latencyMs !== undefined) aws.latencyMs = opts.latencyMs
  if (opts.describesUntilActive !== undefined) {
    aws.dynamodb.describesUntilActive = opts.describesUntilActive
    aws.lambda.describesUntilActive = opts.describesUntilActive
  }
  return aws
}
