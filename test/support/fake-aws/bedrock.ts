// FakeBedrock (service 'bedrock'): the control plane infra calls — guardrails and their versions, tags, the
// account's model invocation logging configuration, and the region's foundation models and inference profiles.
// Definitions and their rendering are in bedrock-guardrails.ts. What it models: bedrock.md.
import { createHash } from 'node:crypto'
import * as sdk from '@aws-sdk/client-bedrock'
import {
  BedrockClient,
  ConflictException,
  CreateGuardrailCommand,
  CreateGuardrailVersionCommand,
  DeleteGuardrailCommand,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetGuardrailCommand,
  GetModelInvocationLoggingConfigurationCommand,
  ListFoundationModelsCommand,
  ListGuardrailsCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  PutModelInvocationLoggingConfigurationCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateGuardrailCommand,
  ValidationException,
  type CreateGuardrailRequest,
  type CreateGuardrailVersionRequest,
  type GuardrailSummary,
  type LoggingConfig,
  type UpdateGuardrailRequest,
} from '@aws-sdk/client-bedrock'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type ServiceFake } from './core.js'
import {
  checkDefinition,
  definitionOf,
  renderDefinition,
  type GuardrailState,
  type GuardrailVersionState,
} from './bedrock-guardrails.js'

export type { GuardrailState } from './bedrock-guardrails.js'

/** The foundation models every fake region offers unless a test sets `models`. */
export const DEFAULT_MODELS = [
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-sonnet-4-20250514-v1:0',
  'amazon.titan-text-express-v1',
  'amazon.titan-embed-text-v2:0',
  'meta.llama3-8b-instruct-v1:0',
]

const notFound = (id: string | undefined) =>
  awsError(ResourceNotFoundException, `The specified guardrail ${id ?? ''} does not exist.`)
const conflict = (message: string) => awsError(ConflictException, message)

export class FakeBedrock implements ServiceFake {
  readonly service = 'bedrock'
  readonly client = BedrockClient
  readonly sdk = sdk
  guardrails: Record<string, GuardrailState> = {}
  loggingConfig?: LoggingConfig
  /** The region's foundation model ids (ListFoundationModels). */
  models: string[] = [...DEFAULT_MODELS]
  /** GetGuardrail reads a created or changed guardrail (or a new version) stays CREATING/UPDATING/VERSIONING. */
  readsUntilReady = 1
  /** clientRequestToken → the guardrail (and version) the request made, with a hash of what it asked for. */
  private tokens: Record<string, { guardrailId: string; version: string; request: string }> = {}
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateGuardrailCommand, (i) => this.createGuardrail(i)),
      on(GetGuardrailCommand, (i) => this.getGuardrail(i.guardrailIdentifier, i.guardrailVersion)),
      on(UpdateGuardrailCommand, (i) => this.updateGuardrail(i)),
      on(CreateGuardrailVersionCommand, (i) => this.createVersion(i)),
      on(ListGuardrailsCommand, (i) => this.listGuardrails(i.guardrailIdentifier)),
      on(DeleteGuardrailCommand, (i) => this.deleteGuardrail(i.guardrailIdentifier, i.guardrailVersion)),
      on(TagResourceCommand, (i) => {
        const g = this.byArn(i.resourceARN)
        for (const t of i.tags ?? []) g.tags[t.key!] = t.value!
        return {}
      }),
      on(UntagResourceCommand, (i) => {
        const g = this.byArn(i.resourceARN)
        for (const k of i.tagKeys ?? []) delete g.tags[k]
        return {}
      }),
      on(ListTagsForResourceCommand, (i) => ({
        tags: Object.entries(this.byArn(i.resourceARN).tags).map(([key, value]) => ({ key, value })),
      })),
      on(GetModelInvocationLoggingConfigurationCommand, () =>
        this.loggingConfig ? { loggingConfig: this.loggingConfig } : {},
      ),
      on(PutModelInvocationLoggingConfigurationCommand, (i) => {
        const cw = i.loggingConfig?.cloudWatchConfig
        if (!i.loggingConfig || (!cw && !i.loggingConfig.s3Config))
          throw awsError(ValidationException, 'At least one destination (CloudWatch or S3) must be configured.')
        if (cw && (!cw.logGroupName || !cw.roleArn))
          throw awsError(ValidationException, 'CloudWatch configuration requires logGroupName and roleArn.')
        this.loggingConfig = i.loggingConfig
        return {}
      }),
      on(DeleteModelInvocationLoggingConfigurationCommand, () => {
        delete this.loggingConfig
        return {}
      }),
      on(ListFoundationModelsCommand, () => ({
        modelSummaries: this.models.map((modelId) => ({
          modelId,
          modelArn: `arn:aws:bedrock:${this.env.region}::foundation-model/${modelId}`,
          providerName: modelId.split('.')[0],
          modelLifecycle: { status: 'ACTIVE' },
        })),
      })),
      on(ListInferenceProfilesCommand, () => ({
        inferenceProfileSummaries: this.models.map((modelId) => {
          const id = `${this.env.region.split('-')[0]}.${modelId}`
          return {
            inferenceProfileId: id,
            inferenceProfileName: id,
            inferenceProfileArn: `arn:aws:bedrock:${this.env.region}:${this.env.account}:inference-profile/${id}`,
            models: [{ modelArn: `arn:aws:bedrock:${this.env.region}::foundation-model/${modelId}` }],
            status: 'ACTIVE',
            type: 'SYSTEM_DEFINED',
          }
        }),
      })),
    ]
  }

  /** The guardrail with that id, or undefined. */
  guardrail(id: string): GuardrailState | undefined {
    return this.guardrails[id]
  }

  byName(name: string): GuardrailState | undefined {
    return Object.values(this.guardrails).find((g) => g.name === name)
  }

  /** Published versions of the guardrail ('1', '2', …). */
  publishedVersions(id: string): string[] {
    return Object.keys(this.guardrails[id]?.versions ?? {}).filter((v) => v !== 'DRAFT')
  }

  deleteGuardrailOutOfBand(id: string, version?: string): void {
    if (version) delete this.guardrails[id]?.versions[version]
    else delete this.guardrails[id]
  }

  toJSON(): unknown {
    return structuredClone({ guardrails: this.guardrails, loggingConfig: this.loggingConfig, tokens: this.tokens })
  }

  load(state: any): void {
    this.guardrails = structuredClone(state?.guardrails ?? {})
    this.loggingConfig = structuredClone(state?.loggingConfig)
    this.tokens = structuredClone(state?.tokens ?? {})
  }

  private now(): number {
    return this.env.clock.now()
  }

  /** By id or ARN, as every guardrailIdentifier is accepted. */
  private find(identifier: string | undefined): GuardrailState {
    const id = identifier?.replace(/^arn:[^:]+:bedrock:[^:]+:\d+:guardrail\//, '')
    const g = id ? this.guardrails[id] : undefined
    if (!g) throw notFound(identifier)
    return g
  }

  private byArn(arn: string | undefined): GuardrailState {
    const g = Object.values(this.guardrails).find((x) => x.arn === arn)
    if (!g) throw awsError(ResourceNotFoundException, `The resource ${arn ?? ''} does not exist.`)
    return g
  }

  private version(g: GuardrailState, version = 'DRAFT'): GuardrailVersionState {
    const v = g.versions[version]
    if (!v) throw notFound(`${g.id} version ${version}`)
    return v
  }

  /** A token seen before returns what it made (or conflicts when the request differs), else undefined. */
  private replay(token: string | undefined, request: unknown, guardrailId?: string) {
    if (!token) return undefined
    const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex')
    const seen = this.tokens[token]
    if (!seen)
      return (made: { guardrailId: string; version: string }) => (this.tokens[token] = { ...made, request: hash })
    if (seen.request !== hash || (guardrailId && seen.guardrailId !== guardrailId))
      throw conflict('The request uses the same client request token as a previous, but non-identical request.')
    return seen
  }

  private createGuardrail(i: CreateGuardrailRequest) {
    const { clientRequestToken, ...request } = i
    const replay = this.replay(clientRequestToken, request)
    if (replay && 'guardrailId' in replay && this.guardrails[replay.guardrailId]) {
      const g = this.guardrails[replay.guardrailId]!
      return {
        guardrailId: g.id,
        guardrailArn: g.arn,
        version: 'DRAFT',
        createdAt: new Date(g.versions.DRAFT!.createdAt),
      }
    }
    const definition = definitionOf(i)
    checkDefinition(i.name, definition)
    if (this.byName(i.name!)) throw conflict(`A guardrail with the name ${i.name} already exists.`)
    const id = createHash('sha256')
      .update(`${i.name}:${this.now()}:${Object.keys(this.guardrails).length}`)
      .digest('hex')
      .slice(0, 12)
    const arn = `arn:aws:bedrock:${this.env.region}:${this.env.account}:guardrail/${id}`
    const at = this.now()
    this.guardrails[id] = {
      id,
      arn,
      name: i.name!,
      tags: Object.fromEntries((i.tags ?? []).map((t) => [t.key!, t.value!])),
      versions: {
        DRAFT: { definition, status: 'CREATING', readsLeft: this.readsUntilReady, createdAt: at, updatedAt: at },
      },
      nextVersion: 1,
    }
    if (typeof replay === 'function') replay({ guardrailId: id, version: 'DRAFT' })
    return { guardrailId: id, guardrailArn: arn, version: 'DRAFT', createdAt: new Date(at) }
  }

  private getGuardrail(identifier: string | undefined, version?: string) {
    const g = this.find(identifier)
    const v = this.version(g, version)
    if (v.readsLeft > 0) v.readsLeft -= 1
    else if (v.status !== 'READY' && v.status !== 'FAILED') v.status = 'READY'
    return {
      name: g.name,
      guardrailId: g.id,
      guardrailArn: g.arn,
      version: version ?? 'DRAFT',
      status: v.status,
      createdAt: new Date(v.createdAt),
      updatedAt: new Date(v.updatedAt),
      ...renderDefinition(v.definition),
    }
  }

  private updateGuardrail(i: UpdateGuardrailRequest) {
    const g = this.find(i.guardrailIdentifier)
    const draft = this.version(g)
    if (draft.status !== 'READY' && draft.status !== 'FAILED')
      throw conflict(`The guardrail ${g.id} is ${draft.status}; try again once it is READY.`)
    const definition = definitionOf(i)
    checkDefinition(i.name, definition)
    if (i.name !== g.name && this.byName(i.name!)) throw conflict(`A guardrail with the name ${i.name} already exists.`)
    g.name = i.name!
    Object.assign(draft, { definition, status: 'UPDATING', readsLeft: this.readsUntilReady, updatedAt: this.now() })
    return { guardrailId: g.id, guardrailArn: g.arn, version: 'DRAFT', updatedAt: new Date(draft.updatedAt) }
  }

  private createVersion(i: CreateGuardrailVersionRequest) {
    const g = this.find(i.guardrailIdentifier)
    const replay = this.replay(i.clientRequestToken, { identifier: g.id, description: i.description }, g.id)
    if (replay && 'version' in replay && g.versions[replay.version])
      return { guardrailId: g.id, version: replay.version }
    const draft = this.version(g)
    if (draft.status !== 'READY')
      throw conflict(`The guardrail ${g.id} is ${draft.status}; try again once it is READY.`)
    const version = String(g.nextVersion++)
    const at = this.now()
    g.versions[version] = {
      // A version keeps the DRAFT's policies with its own description.
      definition: { ...structuredClone(draft.definition), description: i.description },
      status: 'VERSIONING',
      readsLeft: this.readsUntilReady,
      createdAt: at,
      updatedAt: at,
    }
    if (typeof replay === 'function') replay({ guardrailId: g.id, version })
    return { guardrailId: g.id, version }
  }

  private listGuardrails(identifier?: string): { guardrails: GuardrailSummary[] } {
    const summary = (g: GuardrailState, version: string): GuardrailSummary => {
      const v = g.versions[version]!
      return {
        id: g.id,
        arn: g.arn,
        name: g.name,
        version,
        status: v.status,
        ...(v.definition.description !== undefined && { description: v.definition.description }),
        createdAt: new Date(v.createdAt),
        updatedAt: new Date(v.updatedAt),
      }
    }
    // Without an identifier: every guardrail's DRAFT; with one: every version of that guardrail.
    if (!identifier) return { guardrails: Object.values(this.guardrails).map((g) => summary(g, 'DRAFT')) }
    const g = this.find(identifier)
    return { guardrails: Object.keys(g.versions).map((v) => summary(g, v)) }
  }

  private deleteGuardrail(identifier: string | undefined, version?: string) {
    const g = this.find(identifier)
    if (version === undefined) delete this.guardrails[g.id]
    else {
      this.version(g, version)
      delete g.versions[version]
    }
    return {}
  }
}
