import { isCredentialsError } from '../aws/errors.js'
import { EndpointError } from '../aws/clients.js'
import { AwsAccessError, isInfraError, StateError } from '../errors/index.js'
import { ConditionFailed } from '../resources/s3/state-object.js'

/**
 * What a failed call to the state bucket means for the user: no credentials or no endpoint (exit 5, as anywhere
 * else), else a StateError naming the object and what to check. A failed condition stays as it is for the caller.
 */
export function stateFailure(doing: string, location: string, e: unknown, env: string): Error {
  if (e instanceof ConditionFailed) return e
  if (isCredentialsError(e))
    return new AwsAccessError('NoCredentials', `${doing} state (${location}): no usable AWS credentials`, {
      hint: 'Set AWS_PROFILE or pass --profile: the state lives in S3 (config "state"), so every command needs credentials.',
      cause: e,
    })
  if (e instanceof EndpointError)
    return new AwsAccessError(e.code, `${doing} state (${location}): ${e.message}`, { hint: e.hint, cause: e })
  if (isInfraError(e)) return e
  return new StateError('StateUnavailable', `${doing} state (${location}): ${(e as Error).message}`, {
    hint: `Check that the state bucket exists (\`infra state init --env ${env}\` creates it) and that these credentials may read and write it (README: State backends, the IAM policy), then rerun.`,
    cause: e,
  })
}
