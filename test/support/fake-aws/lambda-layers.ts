// FakeLambda's layers (PublishLayerVersion, ListLayerVersions, GetLayerVersion, DeleteLayerVersion) and function URLs
// (Create/Get/Update/DeleteFunctionUrlConfig). What it models: lambda.md.
import { createHash } from 'node:crypto'
import {
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  DeleteLayerVersionCommand,
  GetFunctionUrlConfigCommand,
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  UpdateFunctionUrlConfigCommand,
  type CreateFunctionUrlConfigRequest,
  type DeleteFunctionUrlConfigRequest,
  type DeleteLayerVersionRequest,
  type GetFunctionUrlConfigRequest,
  type GetLayerVersionRequest,
  type GetLayerVersionResponse,
  type LayerVersionsListItem,
  type ListLayerVersionsRequest,
  type ListLayerVersionsResponse,
  type PublishLayerVersionRequest,
  type UpdateFunctionUrlConfigRequest,
} from '@aws-sdk/client-lambda'
import { on } from './core.js'
import {
  conflict,
  invalidParameter,
  isVersion,
  notFound,
  paginate,
  validationError,
  type Entry,
  type FunctionUrlState,
  type LayerVersionState,
} from './lambda-model.js'
import type { LambdaStore } from './lambda-store.js'

const LAYER_NAME = /^[a-zA-Z0-9-_]{1,140}$/
const MAX_DESCRIPTION = 256

export function layerHandlers(store: LambdaStore): Entry[] {
  const layerArn = (name: string) => `arn:aws:lambda:${store.region}:${store.accountId}:layer:${name}`
  const checkName = (name: string | undefined): string => {
    if (!name || !LAYER_NAME.test(name))
      throw validationError(
        `1 validation error detected: Value '${name}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`,
      )
    return name
  }
  const render = (name: string, v: LayerVersionState) => ({
    LayerArn: layerArn(name),
    LayerVersionArn: `${layerArn(name)}:${v.version}`,
    Description: v.description,
    CreatedDate: v.createdDate,
    Version: v.version,
    CompatibleRuntimes: [...v.compatibleRuntimes],
    CompatibleArchitectures: [...v.compatibleArchitectures],
  })

  const publish = (i: PublishLayerVersionRequest): GetLayerVersionResponse => {
    const name = checkName(i.LayerName)
    if (!i.Content?.ZipFile) throw invalidParameter('Please provide a source for layer code.')
    if ((i.Description ?? '').length > MAX_DESCRIPTION)
      throw validationError(
        `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DESCRIPTION}`,
      )
    const bytes = typeof i.Content.ZipFile === 'string' ? Buffer.from(i.Content.ZipFile) : i.Content.ZipFile
    const layer = (store.layers[name] ??= { lastVersion: 0, versions: {} })
    // Version numbers are never reused, even once every version was deleted.
    const version: LayerVersionState = {
      version: ++layer.lastVersion,
      description: i.Description ?? '',
      codeSha256: createHash('sha256').update(bytes).digest('base64'),
      codeSize: bytes.byteLength,
      compatibleRuntimes: [...(i.CompatibleRuntimes ?? [])],
      compatibleArchitectures: [...(i.CompatibleArchitectures ?? [])],
      createdDate: store.now(),
    }
    layer.versions[String(version.version)] = version
    return { ...render(name, version), Content: contentOf(name, version) }
  }

  const contentOf = (name: string, v: LayerVersionState) => ({
    Location: `https://awslambda-${store.region}-layers.s3.${store.region}.amazonaws.com/snapshots/${store.accountId}/${name}-${v.version}`,
    CodeSha256: v.codeSha256,
    CodeSize: v.codeSize,
  })

  const list = (i: ListLayerVersionsRequest): ListLayerVersionsResponse => {
    const name = checkName(i.LayerName)
    const versions = Object.values(store.layers[name]?.versions ?? {})
      .filter((v) => !i.CompatibleRuntime || v.compatibleRuntimes.includes(i.CompatibleRuntime))
      .filter((v) => !i.CompatibleArchitecture || v.compatibleArchitectures.includes(i.CompatibleArchitecture))
      .sort((a, b) => b.version - a.version)
    const { page, next } = paginate(versions, i.Marker, i.MaxItems)
    const items: LayerVersionsListItem[] = page.map((v) => render(name, v))
    return { LayerVersions: items, ...(next && { NextMarker: next }) }
  }

  const get = (i: GetLayerVersionRequest): GetLayerVersionResponse => {
    const name = checkName(i.LayerName)
    const v = store.layers[name]?.versions[String(i.VersionNumber)]
    if (!v) throw notFound('The resource you requested does not exist.')
    return { ...render(name, v), Content: contentOf(name, v) }
  }

  // Lambda answers a delete of a version that does not exist with success.
  const remove = (i: DeleteLayerVersionRequest) => {
    const name = checkName(i.LayerName)
    delete store.layers[name]?.versions[String(i.VersionNumber)]
    return {}
  }

  return [
    on(PublishLayerVersionCommand, publish),
    on(ListLayerVersionsCommand, list),
    on(GetLayerVersionCommand, get),
    on(DeleteLayerVersionCommand, remove),
    ...urlHandlers(store),
  ]
}

function urlHandlers(store: LambdaStore): Entry[] {
  /** The function and the qualifier a URL hangs on: an alias or nothing ($LATEST), never a version number. */
  const target = (ref: string | undefined, qualifier: string | undefined) => {
    const parsed = store.parseRef(ref, qualifier)
    const fn = store.fnOrThrow(parsed.name, parsed.qualifier)
    const key = parsed.qualifier ?? '$LATEST'
    if (isVersion(key)) throw invalidParameter('Function URLs are not supported on a published version.')
    if (key !== '$LATEST' && !fn.aliases[key]) throw notFound(`Function not found: ${store.arn(fn.name, key)}`)
    fn.urls ??= {}
    return { fn, key, arn: store.arn(fn.name, parsed.qualifier) }
  }
  const render = (arn: string, u: FunctionUrlState) => ({
    FunctionUrl: u.url,
    FunctionArn: arn,
    AuthType: u.authType,
    ...(u.cors && { Cors: structuredClone(u.cors) }),
    CreationTime: u.creationTime,
    LastModifiedTime: u.lastModifiedTime,
    InvokeMode: u.invokeMode,
  })
  const checkAuth = (auth: string | undefined) => {
    if (auth !== 'AWS_IAM' && auth !== 'NONE')
      throw validationError(
        `1 validation error detected: Value '${auth}' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]`,
      )
    return auth
  }

  const create = (i: CreateFunctionUrlConfigRequest) => {
    const { fn, key, arn } = target(i.FunctionName, i.Qualifier)
    if (fn.urls![key])
      throw conflict(
        `Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      )
    const id = createHash('sha256').update(arn).digest('hex').slice(0, 32)
    const now = store.now()
    const url: FunctionUrlState = {
      url: `https://${id}.lambda-url.${store.region}.on.aws/`,
      authType: checkAuth(i.AuthType),
      ...(i.Cors && { cors: structuredClone(i.Cors) }),
      invokeMode: i.InvokeMode ?? 'BUFFERED',
      creationTime: now,
      lastModifiedTime: now,
    }
    fn.urls![key] = url
    const { LastModifiedTime: _, ...created } = render(arn, url)
    return created
  }
  const existing = (ref: string | undefined, qualifier: string | undefined) => {
    const t = target(ref, qualifier)
    const url = t.fn.urls![t.key]
    if (!url) throw notFound('The resource you requested does not exist.')
    return { ...t, url }
  }
  const get = (i: GetFunctionUrlConfigRequest) => {
    const { arn, url } = existing(i.FunctionName, i.Qualifier)
    return render(arn, url)
  }
  const update = (i: UpdateFunctionUrlConfigRequest) => {
    const { arn, url } = existing(i.FunctionName, i.Qualifier)
    if (i.AuthType !== undefined) url.authType = checkAuth(i.AuthType)
    // Cors given replaces the old settings; an empty object clears them.
    if (i.Cors !== undefined) url.cors = Object.keys(i.Cors).length > 0 ? structuredClone(i.Cors) : undefined
    if (i.InvokeMode !== undefined) url.invokeMode = i.InvokeMode
    url.lastModifiedTime = store.now()
    return render(arn, url)
  }
  const remove = (i: DeleteFunctionUrlConfigRequest) => {
    const { fn, key } = existing(i.FunctionName, i.Qualifier)
    delete fn.urls![key]
    return {}
  }
  return [
    on(CreateFunctionUrlConfigCommand, create),
    on(GetFunctionUrlConfigCommand, get),
    on(UpdateFunctionUrlConfigCommand, update),
    on(DeleteFunctionUrlConfigCommand, remove),
  ]
}
