// Before the first write, the credentials must belong to the config's account.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { AccountMismatchError, AwsAccessError, isInfraError } from '../errors/index.js'
import { EndpointError, type AwsClients } from './clients.js'
import { awsReason, isCredentialsError } from './errors.js'

export interface CallerIdentity {
  account: string
  arn: string
}

const OFFLINE_HINT = 'A plan works without AWS: `infra plan --offline` plans from the manifest alone.'

/**
 * The caller's identity, or undefined when no credentials can be found (so `plan` can work offline). An endpoint that
 * cannot be reached, or that is not STS, is an AwsAccessError naming it.
 */
export async function findCallerIdentity(aws: AwsClients): Promise<CallerIdentity | undefined> {
  let out: { Account?: string; Arn?: string }
  try {
    out = await aws.get(STSClient).send(new GetCallerIdentityCommand({}))
  } catch (e) {
    if (isCredentialsError(e)) return undefined
    if (e instanceof EndpointError)
      throw new AwsAccessError(e.code, e.message, { hint: `${e.hint} ${OFFLINE_HINT}`, cause: e })
    throw e
  }
  // An endpoint that answers anything with 200 (an emulator's catch-all page) parses as an empty identity.
  if (!out.Account) {
    throw new AwsAccessError(
      'EndpointUnsupported',
      'the STS endpoint does not support sts:GetCallerIdentity (no account in its answer)',
      {
        hint: `Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS, then rerun. ${OFFLINE_HINT}`,
      },
    )
  }
  return { account: out.Account, arn: out.Arn ?? '' }
}

export async function verifyAccount(aws: AwsClients, expected: string, env: string): Promise<CallerIdentity> {
  let identity: CallerIdentity | undefined
  try {
    identity = await findCallerIdentity(aws)
  } catch (e) {
    if (isInfraError(e)) throw e
    throw new AwsAccessError('CredentialsRejected', `checking the AWS account: ${awsReason(e)}`, {
      hint: 'Refresh your credentials (e.g. `aws sso login --profile <name>`) and pass --profile, or set AWS_PROFILE.',
      cause: e,
    })
  }
  if (!identity) {
    throw new AwsAccessError(
      'NoCredentials',
      'no AWS credentials found (environment, profile, SSO, or instance role)',
      {
        hint: `Run \`aws configure sso\` or set AWS_PROFILE, then rerun; \`infra plan --env ${env}\` works without credentials.`,
      },
    )
  }
  if (identity.account !== expected) {
    throw new AccountMismatchError(expected, identity.account, {
      hint: `Use credentials for account ${expected} (--profile), or set AWS_ACCOUNT_ID in environments/${env}.env if this environment lives in account ${identity.account}.`,
    })
  }
  return identity
}
