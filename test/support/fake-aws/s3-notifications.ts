// FakeS3's bucket notification configuration (Get/PutBucketNotificationConfiguration): the whole configuration is
// replaced by each put, each Lambda destination is tested (S3 must be allowed to invoke it), and overlapping
// configurations are refused, as S3 does. What it models: s3.md.
import { randomBytes } from 'node:crypto'
import * as sdk from '@aws-sdk/client-s3'
import type { FilterRule, LambdaFunctionConfiguration, NotificationConfiguration } from '@aws-sdk/client-s3'
import type { LambdaStore } from './lambda-store.js'

/** May `service` invoke this function (ARN, maybe qualified), with this source ARN and account? Wired to FakeLambda. */
export type InvokeCheck = (functionArn: string, sourceArn: string, sourceAccount: string) => boolean

function invalidArgument(message: string): Error {
  return Object.assign(
    new sdk.S3ServiceException({
      name: 'InvalidArgument',
      message,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    } as any),
    { $metadata: { httpStatusCode: 400 } },
  )
}

const keyFilter = (c: LambdaFunctionConfiguration, name: string) =>
  c.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? ''

const eventFamily = (e: string) => e.replace(/:[^:]*$/, '')
const sharesEvent = (a: string[], b: string[]) =>
  a.some((x) => b.some((y) => x === y || (eventFamily(x) === eventFamily(y) && (x.endsWith('*') || y.endsWith('*')))))

function overlap(a: LambdaFunctionConfiguration, b: LambdaFunctionConfiguration): boolean {
  const [pa, pb, sa, sb] = [
    keyFilter(a, 'prefix'),
    keyFilter(b, 'prefix'),
    keyFilter(a, 'suffix'),
    keyFilter(b, 'suffix'),
  ]
  return (
    sharesEvent(a.Events ?? [], b.Events ?? []) &&
    (pa.startsWith(pb) || pb.startsWith(pa)) &&
    (sa.endsWith(sb) || sb.endsWith(sa))
  )
}

/** S3 answers filter rule names capitalised (`Prefix`, `Suffix`) whatever case they were put in. */
const capitalised = (rules: FilterRule[] = []): FilterRule[] =>
  rules.map((r) => ({ ...r, Name: (r.Name?.toLowerCase() === 'prefix' ? 'Prefix' : 'Suffix') as FilterRule['Name'] }))

/** The stored configuration after a put: validated, ids filled in. */
export function putNotifications(
  config: NotificationConfiguration,
  bucketArn: string,
  account: string,
  canInvoke: InvokeCheck | undefined,
  skipValidation: boolean,
): NotificationConfiguration {
  const lambdas = (config.LambdaFunctionConfigurations ?? []).map((c) => ({
    ...c,
    Id: c.Id ?? randomBytes(12).toString('base64'),
  }))
  lambdas.forEach((c, i) => {
    if (!c.LambdaFunctionArn || !(c.Events?.length ?? 0))
      throw invalidArgument('A function ARN and events are required')
    if (lambdas.slice(0, i).some((other) => overlap(other, c)))
      throw invalidArgument(
        'Configurations overlap. Configurations on the same bucket cannot share a common event type.',
      )
  })
  const unreachable = skipValidation
    ? []
    : lambdas.filter((c) => canInvoke && !canInvoke(c.LambdaFunctionArn!, bucketArn, account))
  if (unreachable.length > 0)
    throw invalidArgument(
      `Unable to validate the following destination configurations: ${unreachable.map((c) => c.LambdaFunctionArn).join(', ')}`,
    )
  return {
    ...config,
    LambdaFunctionConfigurations: lambdas.map((c) => ({
      ...c,
      ...(c.Filter?.Key && { Filter: { Key: { FilterRules: capitalised(c.Filter.Key.FilterRules) } } }),
    })),
  }
}

/** Empty lists are left out of the answer, as S3 does. */
export function getNotifications(config: NotificationConfiguration | undefined): NotificationConfiguration {
  return Object.fromEntries(
    Object.entries(config ?? {}).filter(([, v]) => !Array.isArray(v) || v.length > 0),
  ) as NotificationConfiguration
}

/** What S3's destination test finds: a statement of the function's (or alias's) policy letting S3 invoke it. */
export function s3InvokeCheck(lambda: LambdaStore): InvokeCheck {
  return (functionArn, sourceArn, sourceAccount) => {
    let ref: { name: string; qualifier?: string }
    try {
      ref = lambda.parseRef(functionArn)
    } catch {
      return false
    }
    const statements = lambda.functions[ref.name]?.policies[ref.qualifier ?? '$LATEST'] ?? []
    return statements.some((s) => {
      const principal = typeof s.Principal === 'string' ? s.Principal : s.Principal.Service
      const arn = s.Condition?.ArnLike?.['AWS:SourceArn']
      const account = s.Condition?.StringEquals?.['AWS:SourceAccount']
      return (
        (principal === 's3.amazonaws.com' || principal === '*') &&
        (arn === undefined || arn === sourceArn) &&
        (account === undefined || account === sourceAccount)
      )
    })
  }
}
