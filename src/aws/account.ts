// Before the first write, the credentials must belong to the config's account.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { AccountMismatchError, ConfigError } from '../errors/index.js'
import type { AwsClients } from './clients.js'
import { awsReason, isCredentialsError } from './errors.js'

export interface CallerIdentity {
  account: string
  arn: string
}

/** The caller's identity, or undefined when no credentials can be found (so `plan` can work offline). */
export async function findCallerIdentity(aws: AwsClients): Promise<CallerIdentity | undefined> {
  try {
    const out = await aws.get(STSClient).send(new GetCallerIdentityCommand({}))
    return { account: out.Account ?? '', arn: out.Arn ?? '' }
  } catch (e) {
    if (isCredentialsError(e)) return undefined
    throw e
  }
}

export async function verifyAccount(aws: AwsClients, expected: string, env: string): Promise<CallerIdentity> {
  let identity: CallerIdentity | undefined
  try {
    identity = await findCallerIdentity(aws)
  } catch (e) {
    throw new ConfigError('CredentialsRejected', `checking the AWS account: ${awsReason(e)}`, {
      hint: 'Refresh your credentials (e.g. `aws sso login --profile <name>`) and pass --profile, or set AWS_PROFILE.',
      cause: e,
    })
  }
  if (!identity) {
    throw new ConfigError('NoCredentials', 'no AWS credentials found (environment, profile, SSO, or instance role)', {
      hint: `Run \`aws configure sso\` or set AWS_PROFILE, then rerun; \`infra plan --env ${env}\` works without credentials.`,
    })
  }
  if (identity.account !== expected) {
    throw new AccountMismatchError(expected, identity.account, {
      hint: `Use credentials for account ${expected} (--profile), or set AWS_ACCOUNT_ID in environments/${env}.env if this environment lives in account ${identity.account}.`,
    })
  }
  return identity
}
