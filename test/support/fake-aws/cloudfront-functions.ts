// CloudFront Functions for FakeCloudFront: a DEVELOPMENT stage that CreateFunction/UpdateFunction write and a LIVE
// stage that PublishFunction copies it to, each with its own ETag; writes need the DEVELOPMENT ETag (If-Match).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DescribeFunctionCommand,
  FunctionAlreadyExists,
  FunctionInUse,
  GetFunctionCommand,
  InvalidArgument,
  InvalidIfMatchVersion,
  NoSuchFunctionExists,
  PreconditionFailed,
  PublishFunctionCommand,
  UpdateFunctionCommand,
  type FunctionConfig,
  type FunctionStage,
} from '@aws-sdk/client-cloudfront'
import { awsError, on } from './core.js'

interface StageState {
  etag: string
  config: FunctionConfig
  code: string
  lastModified: number
}

export interface FunctionState {
  name: string
  arn: string
  created: number
  development: StageState
  live?: StageState
}

const NAME = /^[a-zA-Z0-9-_]{1,64}$/
const RUNTIMES = ['cloudfront-js-1.0', 'cloudfront-js-2.0']

export class FakeCloudFrontFunctions {
  functions: Record<string, FunctionState> = {}

  constructor(
    private readonly deps: {
      account: () => string
      now: () => number
      nextId: (prefix: string) => string
      /** A distribution whose config associates this ARN, if any. */
      userOf: (arn: string) => string | undefined
    },
  ) {}

  handlers() {
    return [
      on(CreateFunctionCommand, (i) => this.create(i.Name, i.FunctionConfig, i.FunctionCode)),
      on(DescribeFunctionCommand, (i) => {
        const [f, stage] = this.stage(i.Name, i.Stage)
        return { FunctionSummary: this.summary(f, i.Stage ?? 'DEVELOPMENT', stage), ETag: stage.etag }
      }),
      on(GetFunctionCommand, (i) => {
        const [, stage] = this.stage(i.Name, i.Stage)
        return {
          FunctionCode: new TextEncoder().encode(stage.code),
          ETag: stage.etag,
          ContentType: 'application/octet-stream',
        }
      }),
      on(UpdateFunctionCommand, (i) => {
        const f = this.fn(i.Name)
        checkIfMatch(i.IfMatch, f.development.etag)
        f.development = this.stageOf(i.FunctionConfig, i.FunctionCode)
        return { FunctionSummary: this.summary(f, 'DEVELOPMENT', f.development), ETag: f.development.etag }
      }),
      on(PublishFunctionCommand, (i) => {
        const f = this.fn(i.Name)
        checkIfMatch(i.IfMatch, f.development.etag)
        f.live = { ...f.development, etag: this.deps.nextId('ETF') }
        return { FunctionSummary: this.summary(f, 'LIVE', f.live) }
      }),
      on(DeleteFunctionCommand, (i) => {
        const f = this.fn(i.Name)
        checkIfMatch(i.IfMatch, f.development.etag)
        const user = this.deps.userOf(f.arn)
        if (user) throw awsError(FunctionInUse, `The function is associated with distribution ${user}.`)
        delete this.functions[f.name]
        return {}
      }),
    ]
  }

  /** Whether an association may name this ARN: only a published function runs for viewers. */
  isLive(arn: string): boolean {
    return Object.values(this.functions).some((f) => f.arn === arn && f.live)
  }

  private create(name: string | undefined, config: FunctionConfig | undefined, code: Uint8Array | undefined) {
    if (!name || !NAME.test(name)) throw awsError(InvalidArgument, 'Name: 1-64 of a-z A-Z 0-9 - _.')
    if (this.functions[name]) throw awsError(FunctionAlreadyExists, `A function named ${name} already exists.`)
    const development = this.stageOf(config, code)
    const f: FunctionState = {
      name,
      arn: `arn:aws:cloudfront::${this.deps.account()}:function/${name}`,
      created: this.deps.now(),
      development,
    }
    this.functions[name] = f
    return {
      FunctionSummary: this.summary(f, 'DEVELOPMENT', development),
      ETag: development.etag,
      Location: `https://cloudfront.amazonaws.com/2020-05-31/function/${f.arn}`,
    }
  }

  private stageOf(config: FunctionConfig | undefined, code: Uint8Array | undefined): StageState {
    if (!config?.Runtime || !RUNTIMES.includes(config.Runtime) || config.Comment === undefined || !code?.length)
      throw awsError(InvalidArgument, 'FunctionConfig (Comment, Runtime) and FunctionCode are required.')
    return {
      etag: this.deps.nextId('ETF'),
      config: { ...config },
      code: new TextDecoder().decode(code),
      lastModified: this.deps.now(),
    }
  }

  private fn(name: string | undefined): FunctionState {
    const f = this.functions[name ?? '']
    if (!f) throw awsError(NoSuchFunctionExists, 'The function does not exist.', { $metadata: { httpStatusCode: 404 } })
    return f
  }

  private stage(name: string | undefined, stage: FunctionStage | undefined): [FunctionState, StageState] {
    const f = this.fn(name)
    const s = stage === 'LIVE' ? f.live : f.development
    if (!s)
      throw awsError(NoSuchFunctionExists, 'The function has no LIVE stage.', { $metadata: { httpStatusCode: 404 } })
    return [f, s]
  }

  private summary(f: FunctionState, stage: FunctionStage, s: StageState) {
    const published =
      f.live && f.live.code === f.development.code && f.live.config.Comment === f.development.config.Comment
    return {
      Name: f.name,
      Status: published ? 'UNASSOCIATED' : 'UNPUBLISHED',
      FunctionConfig: s.config,
      FunctionMetadata: {
        FunctionARN: f.arn,
        Stage: stage,
        CreatedTime: new Date(f.created),
        LastModifiedTime: new Date(s.lastModified),
      },
    }
  }
}

/** CloudFront's optimistic locking: every update or delete names the ETag it read (IfMatch). */
export function checkIfMatch(ifMatch: string | undefined, etag: string): void {
  if (!ifMatch) throw awsError(InvalidIfMatchVersion, 'The If-Match version is missing or not valid for the resource.')
  if (ifMatch !== etag)
    throw awsError(
      PreconditionFailed,
      'The precondition given in one or more of the request-header fields evaluated to false.',
    )
}
