// The only place that recognises AWS errors. Matched by the SDK's error name; where a message text is
// unavoidable it is a named constant, as short as possible.
import { StepError } from '../errors/index.js'

interface AwsErrorLike {
  name?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
}

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'NoSuchEntityException',
  'NoSuchEntity',
  'NotFoundException',
  'NotFound',
  'NoSuchBucket',
  'NoSuchKey',
  'ParameterNotFound',
  'ProvisionedConcurrencyConfigNotFoundException',
  'NoSuchDistribution',
  'NoSuchOriginAccessControl',
  'NoSuchInvalidation',
  'NoSuchFunctionExists',
  'NoSuchHostedZone',
  // SQS (the JSON protocol's name, and the query protocol's code)
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
])
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
])
const ALREADY_EXISTS = new Set([
  'EntityAlreadyExistsException',
  'ResourceAlreadyExistsException',
  'ResourceInUseException',
  'ParameterAlreadyExists',
  'OriginAccessControlAlreadyExists',
  'FunctionAlreadyExists',
  // Route 53's answer to a CreateHostedZone sent again with the same CallerReference.
  'HostedZoneAlreadyExists',
  // SQS CreateQueue: the name exists with other attributes (AWS's code QueueAlreadyExists)
  'QueueNameExists',
])

// Lambda's words for "the new role is not visible to Lambda yet" (terraform-provider-aws lambda/function.go).
const ROLE_NOT_ASSUMABLE = 'cannot be assumed by Lambda'
const ROLE_NOT_PERMITTED = 'execution role does not have permissions'
// JS v3's standard strategy fails fast once its retry token bucket is empty.
const RETRY_QUOTA_EXHAUSTED = 'No retry token available'
// DynamoDB's transient LimitExceededException texts; other LimitExceeded messages are hard quotas.
const DDB_TRANSIENT_LIMITS = [
  'can be created, updated, or deleted simultaneously',
  'indexed tables that can be created simultaneously',
]
const UPDATE_IN_PROGRESS = 'in progress'
// DynamoDB UpdateTimeToLive: once per table per hour, and not while a previous change is still being applied.
const TTL_DEFERRED = ['multiple times within a fixed interval', 'being enabled', 'being disabled']
// API Gateway v1 and v2 (terraform-provider-aws apigateway/apigatewayv2 service_package.go); v2 sometimes
// sends it untyped, so the text is matched too.
const CONCURRENT_MODIFICATION = 'concurrent modification'
// Lambda refuses any change while a new function is still being created.
const FUNCTION_PENDING = "state: 'Pending'"

function asAws(e: unknown): AwsErrorLike {
  return typeof e === 'object' && e !== null ? (e as AwsErrorLike) : {}
}

export const errorName = (e: unknown): string => asAws(e).name ?? 'Error'

export function isNotFound(e: unknown): boolean {
  const err = asAws(e)
  return NOT_FOUND.has(err.name ?? '') || (err.name === 'NoSuchEntity' && err.$metadata?.httpStatusCode === 404)
}

export function isAlreadyExists(e: unknown): boolean {
  return (
    ALREADY_EXISTS.has(errorName(e)) ||
    isLambdaAlreadyExists(e) ||
    isApiGatewayAlreadyExists(e) ||
    isBedrockNameTaken(e)
  )
}

// Node and the SDK's names for a request that left but whose answer never came back.
const CONNECTION_LOST = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'socket hang up',
])

/**
 * A create's outcome is unknown: AWS failed on its side (5xx) or the connection dropped after the request left.
 * The resource may exist now, so it is looked for before anything is sent again.
 */
export function isCreateOutcomeUnknown(e: unknown): boolean {
  const err = asAws(e) as AwsErrorLike & { $fault?: string; code?: string }
  if (isThrottled(e)) return false
  if (err.$fault === 'server' || (err.$metadata?.httpStatusCode ?? 0) >= 500) return true
  return CONNECTION_LOST.has(err.name ?? '') || CONNECTION_LOST.has(err.code ?? '')
}

export function isThrottled(e: unknown): boolean {
  const err = asAws(e)
  if (THROTTLED.has(err.name ?? '')) return true
  if (err.name === 'LimitExceededException') return DDB_TRANSIENT_LIMITS.some((t) => err.message?.includes(t))
  return false
}

export function isRetryQuotaExhausted(e: unknown): boolean {
  return asAws(e).message?.includes(RETRY_QUOTA_EXHAUSTED) ?? false
}

/** Transient on any call: throttling that outlived the SDK's own retries, or its exhausted retry quota. */
export function isTransient(e: unknown): boolean {
  return isThrottled(e) || isRetryQuotaExhausted(e)
}

export function isRolePropagationError(e: unknown): boolean {
  const err = asAws(e)
  if (err.name !== 'InvalidParameterValueException') return false
  return !!err.message && (err.message.includes(ROLE_NOT_ASSUMABLE) || err.message.includes(ROLE_NOT_PERMITTED))
}

/** Lambda: another update of the same function has not finished. */
export function isUpdateInProgress(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'ResourceConflictException' && (err.message?.includes(UPDATE_IN_PROGRESS) ?? false)
}

/** Lambda: the function is still being created or updated; any change must wait (reliability rules, rule 11). */
export function isFunctionBusy(e: unknown): boolean {
  const err = asAws(e)
  return (
    isUpdateInProgress(e) ||
    (err.name === 'ResourceConflictException' && (err.message?.includes(FUNCTION_PENDING) ?? false))
  )
}

/** A RevisionId (Lambda) or ETag precondition no longer matches: someone changed the resource since we read it. */
export function isPreconditionFailed(e: unknown): boolean {
  const name = errorName(e)
  return name === 'PreconditionFailedException' || name === 'PreconditionFailed'
}

/** S3 GetObject (or a conditional PutObject's If-Match) on a key that has no current version. */
export function isNoSuchKey(e: unknown): boolean {
  return errorName(e) === 'NoSuchKey'
}

/** S3 conditional write: another conditional write to the same key was in flight; S3 asks to retry it. */
export function isConditionalRequestConflict(e: unknown): boolean {
  return errorName(e) === 'ConditionalRequestConflict'
}

/** DynamoDB: the table or one of its indexes is still changing. */
export function isTableBusy(e: unknown): boolean {
  return errorName(e) === 'ResourceInUseException' || isThrottled(e)
}

export function isCredentialsError(e: unknown): boolean {
  const name = errorName(e)
  return name === 'CredentialsProviderError' || name === 'TokenProviderError' || name === 'ExpiredTokenException'
}

export function awsReason(e: unknown): string {
  const err = asAws(e)
  if (!err.name && !err.message) return String(e)
  return err.message && err.message !== err.name ? `${err.name}: ${err.message}` : (err.name ?? 'Error')
}

export interface FailureContext {
  /** PascalCase, asserted by tests: 'TableCreateFailed'. */
  code: string
  /** 'creating', 'updating', … */
  doing: string
  /** 'DynamoDB table', 'IAM role', … */
  kind: string
  name: string
  hint?: string
}

/** Wraps an AWS error in the user's terms: `<verb-ing> <kind> (<name>): <AWS reason>`. Ours pass through. */
export function awsFailure(e: unknown, at: FailureContext): Error {
  if (e instanceof StepError) return e
  return new StepError(at.code, `${at.doing} ${at.kind} (${at.name}): ${awsReason(e)}`, { hint: at.hint, cause: e })
}

/** API Gateway: "Unable to complete operation due to concurrent modification. Please try again later." */
export function isConcurrentModification(e: unknown): boolean {
  const err = asAws(e)
  return (
    (err.name === 'ConflictException' || err.name === 'BadRequestException' || !err.name) &&
    (err.message?.includes(CONCURRENT_MODIFICATION) ?? false)
  )
}

/** What an API Gateway call may retry: throttling (TooManyRequests) and concurrent modification, never a hard quota. */
export function isApiGatewayTransient(e: unknown): boolean {
  return isThrottled(e) || isConcurrentModification(e)
}

/** Lambda AddPermission right after the function or alias changed (terraform-provider-aws lambda/permission.go). */
export function isPermissionPropagating(e: unknown): boolean {
  return ['ResourceConflictException', 'ResourceNotFoundException'].includes(errorName(e))
}

// API Gateway's UpdateAccount while a new CloudWatch role is not visible to it yet
// (terraform-provider-aws apigateway/account.go retries this text for the IAM propagation timeout).
const ROLE_LACKS_PERMISSIONS = 'role ARN does not have required permissions'

/** API Gateway: the CloudWatch role just created is not usable yet (IAM propagation). */
export function isApiGatewayRoleNotReady(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'BadRequestException' && (err.message?.includes(ROLE_LACKS_PERMISSIONS) ?? false)
}

// Cognito CreateUserPoolDomain: the prefix is held by another user pool, in this account or any other.
const COGNITO_DOMAIN_TAKEN = 'already associated with another user pool'

/** Cognito: a prefix domain someone else holds (prefixes are unique per region across all accounts). */
export function isCognitoDomainTaken(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'InvalidParameterException' && (err.message?.includes(COGNITO_DOMAIN_TAKEN) ?? false)
}

/** DynamoDB refuses a TTL change for now (hourly limit, or the last change still in progress): try again later. */
export function isTtlChangeDeferred(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'ValidationException' && TTL_DEFERRED.some((t) => err.message?.includes(t))
}

/** IAM: the role still has a policy (or IAM does not see yet that the last one was removed). */
export function isDeleteConflict(e: unknown): boolean {
  return errorName(e) === 'DeleteConflictException' || errorName(e) === 'DeleteConflict'
}

// Lambda's ResourceConflictException also means "busy" (an update in progress, a function still Pending); only these
// words mean that the function, alias or statement id exists ("Function already exist: x", "Alias already exists").
const LAMBDA_ALREADY_EXISTS = 'already exist'

/** Lambda: what a create asked for exists already (a lost response, retried). */
export function isLambdaAlreadyExists(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'ResourceConflictException' && (err.message?.includes(LAMBDA_ALREADY_EXISTS) ?? false)
}

// API Gateway's answer to access log settings while the account has no CloudWatch role.
const LOG_ROLE_MISSING = 'CloudWatch Logs role ARN must be set'

/** API Gateway: access logs need the account-wide CloudWatch role (apigateway UpdateAccount) first. */
export function isApiGatewayLogRoleMissing(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'BadRequestException' && (err.message?.includes(LOG_ROLE_MISSING) ?? false)
}

// API Gateway's ConflictException also means "concurrent modification" (retried where the call is made); only these
// words mean that what a create asked for exists ("Stage already exists", "Method already exists for this resource",
// "Another resource with the same parent already has this name", "Route already exists for this API").
const APIGATEWAY_ALREADY_EXISTS = 'already'

/** API Gateway (v1 and v2): what a create asked for exists already (a lost response, retried). */
export function isApiGatewayAlreadyExists(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'ConflictException' && (err.message?.includes(APIGATEWAY_ALREADY_EXISTS) ?? false)
}

// Node's codes for a request that never reached an endpoint: the name did not resolve, nothing listens there, or
// there is no route. Nothing was sent, so nothing can have changed (unlike a connection lost mid-request).
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'])

/** The errno code when the endpoint could not be reached at all (DNS, refused connection, no route). */
export function unreachableCode(e: unknown): string | undefined {
  const code = (asAws(e) as { code?: unknown }).code
  return typeof code === 'string' && UNREACHABLE.has(code) ? code : undefined
}

// The SDK's words when a response body is not in the service's format (an HTML page from a proxy or an emulator).
const NOT_DESERIALIZABLE = 'Deserialization error'

/**
 * The endpoint answered, but not as the service does: it does not implement the operation (an emulator, a wrong
 * AWS_ENDPOINT_URL). AWS's own transient failures (5xx, 429) are not this, except 501 Not Implemented.
 */
export function isNotServiceResponse(e: unknown): boolean {
  const err = asAws(e)
  const status = err.$metadata?.httpStatusCode ?? 0
  const transient = status === 429 || (status >= 500 && status !== 501)
  return !transient && (err.message?.includes(NOT_DESERIALIZABLE) ?? false)
}

// CloudWatch names "not found" per API: DeleteAlarms `ResourceNotFound`, GetDashboard/DeleteDashboards
// `DashboardNotFoundError` (both the wire code `ResourceNotFound`).
const CLOUDWATCH_NOT_FOUND = new Set(['ResourceNotFound', 'DashboardNotFoundError'])

/** CloudWatch: the alarm or dashboard does not exist (besides the usual names isNotFound knows). */
export function isCloudWatchNotFound(e: unknown): boolean {
  return CLOUDWATCH_NOT_FOUND.has(errorName(e)) || isNotFound(e)
}

// S3 answers a read of a bucket setting that was never set with its own NoSuch…/…NotFoundError code.
const S3_SETTING_MISSING = new Set([
  'NoSuchBucketPolicy',
  'NoSuchTagSet',
  'NoSuchLifecycleConfiguration',
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchCORSConfiguration',
  'NoSuchWebsiteConfiguration',
])

export function isS3SettingMissing(e: unknown): boolean {
  return S3_SETTING_MISSING.has(errorName(e))
}

/** CreateBucket: the name belongs to another account (S3's namespace is global). */
export function isBucketNameTaken(e: unknown): boolean {
  return errorName(e) === 'BucketAlreadyExists'
}

/** CreateBucket outside us-east-1 on a bucket this account already owns. */
export function isBucketAlreadyOwnedByYou(e: unknown): boolean {
  return errorName(e) === 'BucketAlreadyOwnedByYou'
}

/** HeadBucket 403: another account owns the name, or this identity may not read the bucket. */
export function isBucketForbidden(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'Forbidden' || err.name === 'AccessDenied' || err.$metadata?.httpStatusCode === 403
}

// Bedrock answers a create whose name is taken (a guardrail) with a ConflictException; its other conflicts (a busy
// guardrail, a reused client token with another request) say otherwise. The wording is not documented: matched loosely.
const BEDROCK_NAME_TAKEN = 'already exists'

export function isBedrockNameTaken(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'ConflictException' && (err.message?.includes(BEDROCK_NAME_TAKEN) ?? false)
}

// What an endpoint without an operation answers: emulators (LocalStack's community edition has no Bedrock control
// plane) or a proxy.
const UNKNOWN_OPERATION = new Set(['UnknownOperationException', 'UnknownOperation', 'NotImplemented', 'InvalidAction'])

/** The endpoint does not offer this service's control plane: unreachable, unknown operation, or not AWS's answer. */
export function isServiceNotOffered(e: unknown): boolean {
  const err = asAws(e) as AwsErrorLike & { code?: unknown }
  // The client's endpoint middleware (clients.ts) reports an unreachable endpoint and a non-AWS answer by these codes.
  if (err.code === 'EndpointUnreachable' || err.code === 'EndpointUnsupported') return true
  return UNKNOWN_OPERATION.has(err.name ?? '') || err.$metadata?.httpStatusCode === 501
}

/** ACM: a certificate still attached to a CloudFront distribution or an API custom domain (released with a delay). */
export function isCertificateInUse(e: unknown): boolean {
  return errorName(e) === 'ResourceInUseException'
}

/** SQS CreateQueue within 60 s of deleting a queue of the same name. */
export function isQueueDeletedRecently(e: unknown): boolean {
  return errorName(e) === 'QueueDeletedRecently'
}

// Cost Explorer answers these when the caller may not use it, it was never enabled for the account (AccessDenied:
// "User not enabled for cost explorer access"), or it has no data yet; emulators answer the last three for a service
// they do not emulate (LocalStack: InternalFailure "…has not yet been emulated").
const COST_EXPLORER_UNAVAILABLE = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'DataUnavailableException',
  'OptInRequired',
  'InternalFailure',
  'UnknownOperationException',
  'NotImplemented',
])

/** Cost Explorer cannot answer for this caller: the report goes on with the estimate alone. */
export function isCostExplorerUnavailable(e: unknown): boolean {
  return COST_EXPLORER_UNAVAILABLE.has(errorName(e))
}

// S3 PutBucketNotificationConfiguration tests each destination; a Lambda permission just added may not be visible
// to it yet (its InvalidArgument names every destination it could not reach).
const DESTINATION_NOT_VALIDATED = 'Unable to validate the following destination configurations'

export function isS3DestinationNotValidated(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'InvalidArgument' && (err.message?.includes(DESTINATION_NOT_VALIDATED) ?? false)
}

// EventBridge Scheduler cannot assume a role IAM has not propagated yet (its ValidationException says so).
const SCHEDULER_ROLE_NOT_ASSUMABLE = 'must allow AWS EventBridge Scheduler to assume the role'

export function isSchedulerRolePropagating(e: unknown): boolean {
  const err = asAws(e)
  return err.name === 'ValidationException' && (err.message?.includes(SCHEDULER_ROLE_NOT_ASSUMABLE) ?? false)
}

// ECR: the repository, or the image (tag or digest) in it, does not exist.
const ECR_IMAGE_MISSING = new Set(['RepositoryNotFoundException', 'ImageNotFoundException'])

export function isEcrImageMissing(e: unknown): boolean {
  return ECR_IMAGE_MISSING.has(errorName(e))
}
