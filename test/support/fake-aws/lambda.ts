// FakeLambda: functions, code and configuration updates, versions. Aliases and provisioned concurrency live
// in lambda-aliases.ts; permissions, tags and reserved concurrency in lambda-permissions.ts; request → stored
// configuration in lambda-config.ts; the state's shape and AWS's error shapes in lambda-model.ts; the store
// (resolution, rendering, transitions, toJSON/load) in lambda-store.ts. What it models: lambda.md.
import * as sdk from '@aws-sdk/client-lambda'
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionRequest,
  type DeleteFunctionRequest,
  type DeleteFunctionResponse,
  type FunctionConfiguration,
  type GetFunctionConfigurationRequest,
  type GetFunctionRequest,
  type GetFunctionResponse,
  type ListVersionsByFunctionRequest,
  type ListVersionsByFunctionResponse,
  type PublishVersionRequest,
  type UpdateFunctionCodeRequest,
  type UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda'
import { on, type ServiceFake } from './core.js'
import { aliasHandlers } from './lambda-aliases.js'
import { layerHandlers } from './lambda-layers.js'
import { permissionHandlers } from './lambda-permissions.js'
import { eventSourceHandlers } from './lambda-event-sources.js'
import { applyConfigUpdate, codeFrom, configFromCreate } from './lambda-config.js'
import {
  conflict,
  fingerprint,
  invalidParameter,
  isVersion,
  notFound,
  paginate,
  validateRole,
  validationError,
  type CodeState,
  type ConfigState,
  type Entry,
  type FunctionState,
  type LayerState,
  type VersionState,
} from './lambda-model.js'
import { LambdaStore } from './lambda-store.js'

export type { FakeLambdaOptions, FunctionState } from './lambda-model.js'

/** The image by digest, as Lambda resolves a tag when the function is created or its code updated. */
function resolvedImageUri(code: CodeState): string {
  if (code.source.includes('@sha256:')) return code.source
  const digest = Buffer.from(code.sha256, 'base64').toString('hex')
  return `${code.source.replace(/:[^:/]+$/, '')}@sha256:${digest}`
}

export class FakeLambda extends LambdaStore implements ServiceFake {
  readonly service = 'lambda'
  readonly client = LambdaClient
  readonly sdk = sdk

  handlers(): Entry[] {
    return [
      on(CreateFunctionCommand, (i) => this.createFunction(i)),
      on(GetFunctionCommand, (i) => this.getFunction(i)),
      on(GetFunctionConfigurationCommand, (i) => this.getFunctionConfiguration(i)),
      on(UpdateFunctionConfigurationCommand, (i) => this.updateConfiguration(i)),
      on(UpdateFunctionCodeCommand, (i) => this.updateCode(i)),
      on(PublishVersionCommand, (i) => this.publishVersion(i)),
      on(ListVersionsByFunctionCommand, (i) => this.listVersions(i)),
      on(DeleteFunctionCommand, (i) => this.deleteFunction(i)),
      ...aliasHandlers(this),
      ...permissionHandlers(this),
      ...eventSourceHandlers(this),
      ...layerHandlers(this),
    ]
  }

  /** A layer's versions, or undefined when none was ever published. */
  layer(name: string): LayerState | undefined {
    return this.layers[name]
  }

  /** The function's live state (configuration, versions, aliases, policies…), or undefined. */
  fn(name: string): FunctionState | undefined {
    return this.functions[name]
  }

  /** Drift: the function disappears without any API call. */
  deleteFunctionOutOfBand(name: string): void {
    delete this.functions[name]
  }

  /** Ends creation and any update at once, as if enough time had passed. */
  settle(name: string): void {
    const fn = this.fnOrThrow(name)
    fn.state = 'Active'
    fn.lastUpdateStatus = 'Successful'
  }

  private createFunction(input: CreateFunctionRequest): FunctionConfiguration {
    const { name, qualifier } = this.parseRef(input.FunctionName)
    if (qualifier) {
      throw validationError(
        `1 validation error detected: Value '${input.FunctionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`,
      )
    }
    if (this.functions[name]) throw conflict(`Function already exist: ${name}`)
    validateRole(input.Role)
    const code = codeFrom(input.Code)
    const config = configFromCreate(input, name)
    if (config.PackageType === 'Zip' && (!config.Runtime || !config.Handler)) {
      throw invalidParameter(
        'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
      )
    }
    this.checkRolePropagation(input.Role!)
    const latest: VersionState = {
      version: '$LATEST',
      code,
      config,
      revisionId: this.nextRevision(),
      lastModified: this.now(),
      fingerprint: fingerprint(code, config),
    }
    const pending = this.describesUntilActive > 0
    const fn: FunctionState = {
      name,
      latest,
      state: pending ? 'Pending' : 'Active',
      ...(!pending && { lastUpdateStatus: 'Successful' as const }),
      readsUntilActive: this.describesUntilActive,
      readsUntilUpdated: 0,
      versions: {},
      lastVersion: 0,
      aliases: {},
      policies: {},
      tags: { ...input.Tags },
      provisioned: {},
    }
    this.functions[name] = fn
    if (!input.Publish) return this.render(fn, latest)
    const v1 = this.publish(fn, undefined)
    return { ...this.render(fn, v1), ...this.stateFields(fn) }
  }

  private getFunction(input: GetFunctionRequest): GetFunctionResponse {
    const { name, qualifier } = this.parseRef(input.FunctionName, input.Qualifier)
    const fn = this.fnOrThrow(name, qualifier)
    this.observe(fn)
    const v = this.target(fn, qualifier)
    return {
      Configuration: this.render(fn, v, qualifier),
      Code:
        v.config.PackageType === 'Image'
          ? { RepositoryType: 'ECR', ImageUri: v.code.source, ResolvedImageUri: resolvedImageUri(v.code) }
          : {
              RepositoryType: 'S3',
              Location: `https://awslambda-${this.region}-tasks.s3.${this.region}.amazonaws.com/snapshots/${this.accountId}/${name}-${v.revisionId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600`,
            },
      ...(Object.keys(fn.tags).length > 0 && { Tags: { ...fn.tags } }),
      ...(fn.reservedConcurrency !== undefined && {
        Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency },
      }),
    }
  }

  private getFunctionConfiguration(input: GetFunctionConfigurationRequest): FunctionConfiguration {
    const { name, qualifier } = this.parseRef(input.FunctionName, input.Qualifier)
    const fn = this.fnOrThrow(name, qualifier)
    this.observe(fn)
    return this.render(fn, this.target(fn, qualifier), qualifier)
  }

  private updateConfiguration(input: UpdateFunctionConfigurationRequest): FunctionConfiguration {
    const fn = this.fnFor(input.FunctionName)
    this.checkRevision(fn.latest.revisionId, input.RevisionId)
    this.assertMutable(fn)
    const config = applyConfigUpdate(fn.latest.config, input, fn.name)
    if (input.Role !== undefined) this.checkRolePropagation(config.Role!)
    this.replaceLatest(fn, fn.latest.code, config)
    this.startUpdate(fn)
    return this.render(fn, fn.latest)
  }

  private updateCode(input: UpdateFunctionCodeRequest): FunctionConfiguration {
    const fn = this.fnFor(input.FunctionName)
    this.checkRevision(fn.latest.revisionId, input.RevisionId)
    this.assertMutable(fn)
    const code = codeFrom(input)
    const config = input.Architectures
      ? { ...fn.latest.config, Architectures: [...input.Architectures] }
      : fn.latest.config
    if (input.DryRun) return this.render(fn, { ...fn.latest, code, config })
    this.replaceLatest(fn, code, config)
    this.startUpdate(fn)
    if (!input.Publish) return this.render(fn, fn.latest)
    const v = this.publish(fn, undefined)
    return { ...this.render(fn, v, v.version), ...this.stateFields(fn) }
  }

  private replaceLatest(fn: FunctionState, code: CodeState, config: ConfigState): void {
    fn.latest = {
      version: '$LATEST',
      code,
      config,
      revisionId: this.nextRevision(),
      lastModified: this.now(),
      fingerprint: fingerprint(code, config),
    }
  }

  private publishVersion(input: PublishVersionRequest): FunctionConfiguration {
    const fn = this.fnFor(input.FunctionName)
    this.assertMutable(fn)
    this.checkRevision(fn.latest.revisionId, input.RevisionId)
    const current = fn.latest.code.sha256
    if (input.CodeSha256 && input.CodeSha256 !== current) {
      // Lambda answers a stale hash with InvalidParameterValueException, not PreconditionFailedException.
      throw invalidParameter(
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${current}). Please try again with the CodeSHA256 in $LATEST.`,
      )
    }
    const v = this.publish(fn, input.Description)
    return this.render(fn, v, v.version)
  }

  private listVersions(input: ListVersionsByFunctionRequest): ListVersionsByFunctionResponse {
    const fn = this.fnFor(input.FunctionName)
    const numbers = Object.keys(fn.versions).map(Number)
    numbers.sort((a, b) => a - b)
    const all = [fn.latest, ...numbers.map((n) => fn.versions[String(n)]!)]
    const { page, next } = paginate(all, input.Marker, input.MaxItems)
    return { Versions: page.map((v) => this.render(fn, v, v.version)), ...(next && { NextMarker: next }) }
  }

  private deleteFunction(input: DeleteFunctionRequest): DeleteFunctionResponse {
    const { name, qualifier } = this.parseRef(input.FunctionName, input.Qualifier)
    if (qualifier === '$LATEST') {
      throw invalidParameter('$LATEST version cannot be deleted without deleting the function.')
    }
    const fn = this.fnOrThrow(name)
    if (!qualifier) {
      delete this.functions[name]
      return { StatusCode: 204 }
    }
    if (!isVersion(qualifier) || !fn.versions[qualifier])
      throw notFound(`Function not found: ${this.arn(name, qualifier)}`)
    const aliases = Object.values(fn.aliases)
      .filter((a) => a.functionVersion === qualifier || a.weights?.[qualifier] !== undefined)
      .map((a) => a.name)
    if (aliases.length) {
      throw conflict(`Unable to delete version because the following aliases reference it: [${aliases.join(', ')}]`)
    }
    delete fn.versions[qualifier]
    delete fn.policies[qualifier]
    delete fn.provisioned[qualifier]
    return { StatusCode: 204 }
  }
}
