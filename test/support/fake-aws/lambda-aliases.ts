// FakeLambda's aliases (with weighted routing) and provisioned concurrency. What it models: lambda.md.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand,
  GetProvisionedConcurrencyConfigCommand,
  ListAliasesCommand,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  type AliasConfiguration,
  type CreateAliasRequest,
  type DeleteAliasRequest,
  type DeleteProvisionedConcurrencyConfigRequest,
  type GetAliasRequest,
  type GetProvisionedConcurrencyConfigRequest,
  type GetProvisionedConcurrencyConfigResponse,
  type ListAliasesRequest,
  type ListAliasesResponse,
  type PutProvisionedConcurrencyConfigRequest,
  type PutProvisionedConcurrencyConfigResponse,
  type UpdateAliasRequest,
} from '@aws-sdk/client-lambda'
import { awsError, on } from './core.js'
import {
  conflict,
  invalidParameter,
  isVersion,
  notFound,
  paginate,
  validationError,
  type AliasState,
  type Entry,
  type FunctionState,
  type ProvisionedState,
} from './lambda-model.js'
import { type LambdaStore } from './lambda-store.js'

const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]+$/
/** Lambda keeps this much of the account's concurrency unreserved. */
export const MINIMUM_UNRESERVED_CONCURRENCY = 100

/**
 * Concurrency the account has set aside: each function's reserved concurrency, else its provisioned total.
 * `skip` leaves out a whole function (no qualifier) or one provisioned config, the one about to be replaced.
 */
export function concurrencyInUse(store: LambdaStore, skip?: { fn: string; qualifier?: string }): number {
  let used = 0
  for (const fn of Object.values(store.functions)) {
    if (skip && fn.name === skip.fn && skip.qualifier === undefined) continue
    if (fn.reservedConcurrency !== undefined) {
      used += fn.reservedConcurrency
      continue
    }
    for (const [q, p] of Object.entries(fn.provisioned)) {
      if (!(skip && fn.name === skip.fn && q === skip.qualifier)) used += p.requested
    }
  }
  return used
}

export function aliasHandlers(store: LambdaStore): Entry[] {
  const render = (fn: FunctionState, a: AliasState): AliasConfiguration => ({
    AliasArn: store.arn(fn.name, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(a.weights && { RoutingConfig: { AdditionalVersionWeights: { ...a.weights } } }),
    RevisionId: a.revisionId,
  })

  const aliasOrThrow = (fn: FunctionState, name: string | undefined): AliasState => {
    const alias = name ? fn.aliases[name] : undefined
    if (!alias) throw notFound(`Cannot find alias arn: ${store.arn(fn.name, name)}`)
    return alias
  }

  const checkVersion = (fn: FunctionState, version: string | undefined): string => {
    if (!version || (version !== '$LATEST' && !isVersion(version))) {
      throw validationError(
        `1 validation error detected: Value '${version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)`,
      )
    }
    store.target(fn, version)
    return version
  }

  const routing = (fn: FunctionState, functionVersion: string, weights: Record<string, number> | undefined) => {
    const entries = Object.entries(weights ?? {})
    if (entries.length === 0) return undefined
    if (entries.length > 1)
      throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1')
    const [version, weight] = entries[0]!
    if (!(weight >= 0 && weight <= 1)) {
      throw validationError(
        `1 validation error detected: Value '{${version}=${weight}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]`,
      )
    }
    if (version === functionVersion) {
      throw invalidParameter(
        `Invalid function version ${version}. Function version ${version} is already included in routing configuration.`,
      )
    }
    if (functionVersion === '$LATEST') {
      throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version')
    }
    if (!isVersion(version)) {
      throw validationError(
        `1 validation error detected: Value '{${version}=${weight}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]`,
      )
    }
    if (!fn.versions[version]) throw notFound(`Function not found: ${store.arn(fn.name, version)}`)
    return { [version]: weight }
  }

  const createAlias = (i: CreateAliasRequest): AliasConfiguration => {
    const fn = store.fnFor(i.FunctionName)
    if (!i.Name || !ALIAS_NAME.test(i.Name)) {
      throw validationError(
        `1 validation error detected: Value '${i.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
      )
    }
    const version = checkVersion(fn, i.FunctionVersion)
    if (fn.aliases[i.Name]) throw conflict(`Alias already exists: ${store.arn(fn.name, i.Name)}`)
    const alias: AliasState = {
      name: i.Name,
      functionVersion: version,
      description: i.Description ?? '',
      weights: routing(fn, version, i.RoutingConfig?.AdditionalVersionWeights),
      revisionId: store.nextRevision(),
    }
    fn.aliases[i.Name] = alias
    return render(fn, alias)
  }

  const getAlias = (i: GetAliasRequest): AliasConfiguration => {
    const fn = store.fnFor(i.FunctionName)
    return render(fn, aliasOrThrow(fn, i.Name))
  }

  const updateAlias = (i: UpdateAliasRequest): AliasConfiguration => {
    const fn = store.fnFor(i.FunctionName)
    const alias = aliasOrThrow(fn, i.Name)
    store.checkRevision(alias.revisionId, i.RevisionId)
    const version = i.FunctionVersion === undefined ? alias.functionVersion : checkVersion(fn, i.FunctionVersion)
    // Weights not given are kept, and must still make sense with the new primary version.
    const weights = i.RoutingConfig === undefined ? alias.weights : i.RoutingConfig.AdditionalVersionWeights
    alias.weights = routing(fn, version, weights)
    alias.functionVersion = version
    if (i.Description !== undefined) alias.description = i.Description
    alias.revisionId = store.nextRevision()
    return render(fn, alias)
  }

  const deleteAlias = (i: DeleteAliasRequest) => {
    const fn = store.fnFor(i.FunctionName)
    const alias = aliasOrThrow(fn, i.Name)
    delete fn.aliases[alias.name]
    delete fn.policies[alias.name]
    delete fn.provisioned[alias.name]
    delete fn.urls?.[alias.name]
    return {}
  }

  const listAliases = (i: ListAliasesRequest): ListAliasesResponse => {
    const fn = store.fnFor(i.FunctionName)
    const aliases = Object.values(fn.aliases)
      .filter((a) => i.FunctionVersion === undefined || a.functionVersion === i.FunctionVersion)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
    const { page, next } = paginate(aliases, i.Marker, i.MaxItems)
    return { Aliases: page.map((a) => render(fn, a)), ...(next && { NextMarker: next }) }
  }

  // Provisioned concurrency: on an alias or a published version, never on $LATEST.
  const provisionedTarget = (ref: string | undefined, q: string | undefined, onLatest: string) => {
    const { name, qualifier } = store.parseRef(ref, q)
    if (!qualifier) {
      throw validationError(
        "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null",
      )
    }
    if (qualifier === '$LATEST') throw invalidParameter(onLatest)
    const fn = store.fnOrThrow(name)
    if (isVersion(qualifier)) store.target(fn, qualifier)
    else aliasOrThrow(fn, qualifier)
    return { fn, qualifier }
  }

  const renderProvisioned = (p: ProvisionedState): GetProvisionedConcurrencyConfigResponse => ({
    RequestedProvisionedConcurrentExecutions: p.requested,
    AvailableProvisionedConcurrentExecutions: p.status === 'READY' ? p.requested : 0,
    AllocatedProvisionedConcurrentExecutions: p.status === 'READY' ? p.requested : 0,
    Status: p.status,
    LastModified: p.lastModified,
  })

  const putProvisioned = (i: PutProvisionedConcurrencyConfigRequest): PutProvisionedConcurrencyConfigResponse => {
    const requested = i.ProvisionedConcurrentExecutions ?? 0
    if (requested < 1) {
      throw validationError(
        `1 validation error detected: Value '${requested}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1`,
      )
    }
    const { fn, qualifier } = provisionedTarget(
      i.FunctionName,
      i.Qualifier,
      'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
    )
    if (isVersion(qualifier)) {
      const viaAlias = Object.values(fn.aliases).some((a) => a.functionVersion === qualifier && fn.provisioned[a.name])
      if (viaAlias) throw conflict('Version is pointed by a Provisioned Concurrency alias')
    } else if (fn.provisioned[fn.aliases[qualifier]!.functionVersion]) {
      throw conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
    }
    const others = Object.entries(fn.provisioned)
      .filter(([q]) => q !== qualifier)
      .reduce((sum, [, p]) => sum + p.requested, 0)
    if (fn.reservedConcurrency !== undefined && others + requested > fn.reservedConcurrency) {
      throw invalidParameter(
        'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function',
      )
    }
    const inUse = concurrencyInUse(store, { fn: fn.name, qualifier })
    if (
      fn.reservedConcurrency === undefined &&
      store.accountConcurrencyLimit - inUse - requested < MINIMUM_UNRESERVED_CONCURRENCY
    ) {
      throw invalidParameter(
        `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MINIMUM_UNRESERVED_CONCURRENCY}].`,
      )
    }
    const ready = store.describesUntilProvisioned <= 0
    const config: ProvisionedState = {
      requested,
      lastModified: store.now(),
      status: ready ? 'READY' : 'IN_PROGRESS',
      readsUntilReady: store.describesUntilProvisioned,
    }
    fn.provisioned[qualifier] = config
    return renderProvisioned(config)
  }

  const getProvisioned = (i: GetProvisionedConcurrencyConfigRequest): GetProvisionedConcurrencyConfigResponse => {
    const { fn, qualifier } = provisionedTarget(
      i.FunctionName,
      i.Qualifier,
      'The function resource provided must be an alias or a published version.',
    )
    const config = fn.provisioned[qualifier]
    if (!config) {
      throw awsError(
        ProvisionedConcurrencyConfigNotFoundException,
        'No Provisioned Concurrency Config found for this function',
        {
          Type: 'User',
        },
      )
    }
    if (config.status === 'IN_PROGRESS' && --config.readsUntilReady <= 0) config.status = 'READY'
    return renderProvisioned(config)
  }

  const deleteProvisioned = (i: DeleteProvisionedConcurrencyConfigRequest) => {
    const { fn, qualifier } = provisionedTarget(
      i.FunctionName,
      i.Qualifier,
      'The function resource provided must be an alias or a published version.',
    )
    delete fn.provisioned[qualifier]
    return {}
  }

  return [
    on(CreateAliasCommand, createAlias),
    on(GetAliasCommand, getAlias),
    on(UpdateAliasCommand, updateAlias),
    on(DeleteAliasCommand, deleteAlias),
    on(ListAliasesCommand, listAliases),
    on(PutProvisionedConcurrencyConfigCommand, putProvisioned),
    on(GetProvisionedConcurrencyConfigCommand, getProvisioned),
    on(DeleteProvisionedConcurrencyConfigCommand, deleteProvisioned),
  ]
}
