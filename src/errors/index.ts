// One error class per kind, each with an exit code and a hint that names the next command.
// Exit codes: 1 a step failed, 2 usage or config error, 3 state locked or corrupt, 4 wrong account,
// 5 AWS not reachable or no usable credentials (before any change).

export interface ErrorDetails {
  hint?: string
  cause?: unknown
}

export class InfraError extends Error {
  readonly exitCode: number = 1
  readonly hint?: string

  constructor(
    readonly code: string,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message, { cause: details.cause })
    this.name = new.target.name
    this.hint = details.hint
  }
}

/** Bad config.json, env file or flags. Reported before any AWS call. */
export class ConfigError extends InfraError {
  override readonly exitCode = 2
}

/** The manifest is locked by another run, corrupt, or from another account/region. */
export class StateError extends InfraError {
  override readonly exitCode = 3
}

/** The credentials belong to another account than config.json's account_id. */
export class AccountMismatchError extends InfraError {
  override readonly exitCode = 4
  constructor(
    readonly expected: string,
    readonly actual: string,
    details: ErrorDetails = {},
  ) {
    super(
      'AccountMismatch',
      `the AWS credentials belong to account ${actual}, but the config deploys to account ${expected}`,
      details,
    )
  }
}

/** AWS could not be asked: no credentials, credentials refused, or the endpoint unreachable. Nothing was changed. */
export class AwsAccessError extends InfraError {
  override readonly exitCode = 5
}

/** A step failed while talking to AWS; the message names the operation and the resource. */
export class StepError extends InfraError {
  override readonly exitCode = 1
}

export function isInfraError(e: unknown): e is InfraError {
  return e instanceof InfraError
}
