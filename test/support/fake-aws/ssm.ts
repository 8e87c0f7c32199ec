// FakeSsm: Parameter Store parameters (put, get, describe, delete). What it models: logs-ssm.md.
import * as sdk from '@aws-sdk/client-ssm'
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  InvalidFilterOption,
  InvalidNextToken,
  InvalidResourceId,
  InvalidResourceType,
  ListTagsForResourceCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  ParameterPatternMismatchException,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
  type AddTagsToResourceRequest,
  type DeleteParameterRequest,
  type DescribeParametersRequest,
  type DescribeParametersResult,
  type GetParameterRequest,
  type GetParameterResult,
  type GetParametersRequest,
  type GetParametersResult,
  type ListTagsForResourceRequest,
  type ListTagsForResourceResult,
  type Parameter,
  type ParameterMetadata,
  type ParameterType,
  type PutParameterRequest,
  type PutParameterResult,
} from '@aws-sdk/client-ssm'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type Clock, type FakeEnv, type ServiceFake } from './core.js'

export interface ParameterState {
  name: string
  type: ParameterType
  value: string
  version: number
  lastModified: number
  description?: string
  keyId?: string
  allowedPattern?: string
  tags: Record<string, string>
}

/** accountId, region and clock, when given, win over the FakeAws the fake is registered in. */
export interface FakeSsmOptions {
  accountId?: string
  region?: string
  clock?: Clock
}

const DEFAULT_KEY_ID = 'alias/aws/ssm'
const DESCRIBE_PAGE = 10
const GET_PARAMETERS_MAX = 10
const MAX_TAGS = 50

/** SSM's ValidationException has no SDK class: the deserializer builds an SSMServiceException. */
function validationError(message: string): SSMServiceException {
  return new SSMServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  })
}

// SSM sends ParameterNotFound without a message; the SDK then sets 'UnknownError'.
const parameterNotFound = () => awsError(ParameterNotFound, 'UnknownError')

export class FakeSsm implements ServiceFake {
  readonly service = 'ssm'
  readonly sdk = sdk
  readonly client = SSMClient
  /** Internal state; tests read it through `parameter(name)`. */
  parameters: Record<string, ParameterState> = {}

  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  constructor(private readonly fixed: FakeSsmOptions = {}) {}

  /** FakeAws calls this once: from then on account, region and clock are read from it (unless given to the constructor). */
  attach(env: FakeEnv): void {
    this.env = env
  }

  get accountId(): string {
    return this.fixed.accountId ?? this.env.account
  }

  get region(): string {
    return this.fixed.region ?? this.env.region
  }

  get clock(): Clock {
    return this.fixed.clock ?? this.env.clock
  }

  handlers() {
    return [
      on(PutParameterCommand, (i) => this.putParameter(i)),
      on(GetParameterCommand, (i) => this.getParameter(i)),
      on(GetParametersCommand, (i) => this.getParameters(i)),
      on(DescribeParametersCommand, (i) => this.describeParameters(i)),
      on(DeleteParameterCommand, (i) => this.deleteParameter(i)),
      on(AddTagsToResourceCommand, (i) => this.addTags(i)),
      on(ListTagsForResourceCommand, (i) => this.listTags(i)),
    ]
  }

  parameter(name: string): ParameterState | undefined {
    return this.parameters[name]
  }

  deleteParameterOutOfBand(name: string): void {
    delete this.parameters[name]
  }

  /** `/a/b` → arn:…:parameter/a/b and `a` → arn:…:parameter/a, as SSM builds them. */
  arn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`
  }

  toJSON(): unknown {
    return structuredClone({ parameters: this.parameters })
  }

  load(state: any): void {
    this.parameters = structuredClone(state?.parameters ?? {})
  }

  /** A name or the parameter's ARN. */
  private find(ref: string | undefined): ParameterState | undefined {
    if (!ref) return undefined
    const prefix = `arn:aws:ssm:${this.region}:${this.accountId}:parameter/`
    if (!ref.startsWith(prefix)) return this.parameters[ref]
    const rest = ref.slice(prefix.length)
    return this.parameters[`/${rest}`] ?? this.parameters[rest]
  }

  private validateName(name: string): void {
    if (/^\/?(aws|ssm)/i.test(name)) {
      throw validationError('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).')
    }
    if (name.includes('/') && !name.startsWith('/')) {
      throw validationError('Parameter name must be a fully qualified name.')
    }
  }

  private putParameter(i: PutParameterRequest): PutParameterResult {
    const name = i.Name ?? ''
    this.validateName(name)
    const existing = this.parameters[name]
    if (i.Overwrite && i.Tags?.length) {
      throw validationError(
        "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
      )
    }
    if (existing && !i.Overwrite) {
      throw awsError(
        ParameterAlreadyExists,
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      )
    }
    const type = i.Type ?? existing?.type
    if (!type) throw validationError('A parameter type is required when you create a parameter.')
    const value = i.Value ?? ''
    if (!value) {
      throw validationError(
        "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      )
    }
    const allowedPattern = i.AllowedPattern ?? existing?.allowedPattern
    if (allowedPattern && !new RegExp(allowedPattern).test(value)) {
      throw awsError(
        ParameterPatternMismatchException,
        `Parameter value, ${value}, failed to satisfy constraint specified in allowed pattern: ${allowedPattern}`,
      )
    }
    const description = i.Description ?? existing?.description
    this.parameters[name] = {
      name,
      type,
      value,
      version: (existing?.version ?? 0) + 1,
      lastModified: this.clock.now(),
      ...(description !== undefined && { description }),
      ...(type === 'SecureString' && { keyId: i.KeyId ?? existing?.keyId ?? DEFAULT_KEY_ID }),
      ...(allowedPattern && { allowedPattern }),
      tags: existing?.tags ?? Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!])),
    }
    return { Version: this.parameters[name]!.version, Tier: 'Standard' }
  }

  private render(p: ParameterState, withDecryption: boolean | undefined): Parameter {
    // Without decryption a SecureString comes back as KMS ciphertext; the fake's is recognisably not the value.
    const value =
      p.type === 'SecureString' && !withDecryption
        ? Buffer.from(`fake-kms:${p.keyId}:${p.value}`, 'utf8').toString('base64')
        : p.value
    return {
      Name: p.name,
      Type: p.type,
      Value: value,
      Version: p.version,
      LastModifiedDate: new Date(p.lastModified),
      ARN: this.arn(p.name),
      DataType: 'text',
    }
  }

  private getParameter(i: GetParameterRequest): GetParameterResult {
    const p = this.find(i.Name)
    if (!p) throw parameterNotFound()
    return { Parameter: this.render(p, i.WithDecryption) }
  }

  private getParameters(i: GetParametersRequest): GetParametersResult {
    const names = i.Names ?? []
    if (names.length < 1 || names.length > GET_PARAMETERS_MAX) {
      throw validationError(
        `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to ${GET_PARAMETERS_MAX}`,
      )
    }
    const found: Parameter[] = []
    const invalid: string[] = []
    for (const name of [...new Set(names)]) {
      const p = this.find(name)
      if (p) found.push(this.render(p, i.WithDecryption))
      else invalid.push(name)
    }
    return { Parameters: found, InvalidParameters: invalid }
  }

  private describeParameters(i: DescribeParametersRequest): DescribeParametersResult {
    if (i.Filters?.length) throw new Error('FakeSsm: DescribeParameters Filters (the old form) not modelled')
    let names = Object.keys(this.parameters).sort()
    for (const f of i.ParameterFilters ?? []) {
      const values = f.Values ?? []
      const option = f.Option ?? 'Equals'
      if (f.Key === 'Name') {
        if (option === 'Equals') names = names.filter((n) => values.includes(n))
        else if (option === 'BeginsWith') names = names.filter((n) => values.some((v) => n.startsWith(v)))
        else if (option === 'Contains') names = names.filter((n) => values.some((v) => n.includes(v)))
        else throw awsError(InvalidFilterOption, `The option ${option} is not valid for the key Name.`)
      } else if (f.Key === 'Type') {
        names = names.filter((n) => values.includes(this.parameters[n]!.type))
      } else {
        throw new Error(`FakeSsm: DescribeParameters filter key ${f.Key} not modelled`)
      }
    }
    let start = 0
    if (i.NextToken) {
      start = Number(Buffer.from(i.NextToken, 'base64url').toString('utf8'))
      if (!Number.isInteger(start) || start < 0) throw awsError(InvalidNextToken, 'The specified token is not valid.')
    }
    const end = start + (i.MaxResults ?? DESCRIBE_PAGE)
    return {
      Parameters: names.slice(start, end).map((n) => this.metadata(this.parameters[n]!)),
      ...(end < names.length && { NextToken: Buffer.from(String(end), 'utf8').toString('base64url') }),
    }
  }

  private metadata(p: ParameterState): ParameterMetadata {
    return {
      Name: p.name,
      ARN: this.arn(p.name),
      Type: p.type,
      ...(p.keyId && { KeyId: p.keyId }),
      LastModifiedDate: new Date(p.lastModified),
      LastModifiedUser: `arn:aws:iam::${this.accountId}:user/fake`,
      ...(p.description !== undefined && { Description: p.description }),
      ...(p.allowedPattern && { AllowedPattern: p.allowedPattern }),
      Version: p.version,
      Tier: 'Standard',
      Policies: [],
      DataType: 'text',
    }
  }

  /** Tagging addresses a parameter by ResourceType 'Parameter' and its name; other types are not modelled. */
  private tagged(type: string | undefined, id: string | undefined): ParameterState {
    if (type !== 'Parameter') {
      if (type === undefined) throw validationError('ResourceType is required.')
      throw awsError(InvalidResourceType, `FakeSsm: ResourceType ${type} not modelled`)
    }
    const p = this.parameters[id ?? '']
    if (!p) throw awsError(InvalidResourceId, 'UnknownError')
    return p
  }

  private addTags(i: AddTagsToResourceRequest) {
    const p = this.tagged(i.ResourceType, i.ResourceId)
    const tags = { ...p.tags, ...Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!])) }
    if (Object.keys(tags).length > MAX_TAGS) throw validationError(`A resource can have at most ${MAX_TAGS} tags.`)
    p.tags = tags
    return {}
  }

  private listTags(i: ListTagsForResourceRequest): ListTagsForResourceResult {
    const p = this.tagged(i.ResourceType, i.ResourceId)
    return { TagList: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })) }
  }

  private deleteParameter(i: DeleteParameterRequest) {
    const p = this.find(i.Name)
    if (!p) throw parameterNotFound()
    delete this.parameters[p.name]
    return {}
  }
}
