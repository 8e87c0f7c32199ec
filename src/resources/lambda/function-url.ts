// A function URL on the environment's alias, as an engine kind with no tags of its own (ours because the function
// is). A public URL (AuthType NONE) also needs the function's resource policy to allow anyone: since October 2025
// both lambda:InvokeFunctionUrl and lambda:InvokeFunction (the latter only through the URL), so those two statements
// are part of it, added and removed with it. https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type Cors,
} from '@aws-sdk/client-lambda'
import type { FunctionUrlConfig } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceRecord } from '../../manifest/types.js'
import { converge } from '../engine/converge.js'
import type { ResourceKind } from '../engine/kind.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const FUNCTION_URL_KIND = 'lambda-function-url'

export interface FunctionUrlSpec extends FunctionUrlConfig {
  /** Manifest key `lambda-function-url:<function logical id>`. */
  logicalId: string
  /** `<function>:<alias>`. */
  name: string
  functionName: string
  /** The alias the URL invokes. */
  qualifier: string
}

export interface ObservedFunctionUrl {
  url: string
  auth: string
  cors?: Cors
  /** Which of the public-access statements the alias's policy has. */
  publicStatements: string[]
}

type UrlRef = Pick<FunctionUrlSpec, 'functionName' | 'qualifier'>

// The statement ids the Lambda console uses for the same two statements.
const PUBLIC_STATEMENTS = [
  {
    StatementId: 'FunctionURLAllowPublicAccess',
    Action: 'lambda:InvokeFunctionUrl',
    FunctionUrlAuthType: 'NONE' as const,
  },
  { StatementId: 'FunctionURLAllowInvokeAction', Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true },
]
const PUBLIC_IDS = PUBLIC_STATEMENTS.map((s) => s.StatementId)

/** Pure: the CORS settings as Lambda takes them (undefined: none). */
export function toCors(cors: FunctionUrlConfig['cors']): Cors | undefined {
  return (
    cors && {
      AllowOrigins: cors.allowOrigins,
      AllowMethods: cors.allowMethods,
      AllowHeaders: cors.allowHeaders,
      ExposeHeaders: cors.exposeHeaders,
      AllowCredentials: cors.allowCredentials,
      MaxAge: cors.maxAgeS,
    }
  )
}

// Lambda answers with the lists it was given and leaves out what is empty or false: compare on that footing.
function normalCors(cors: Cors | undefined): string {
  const list = (l: string[] | undefined) => [...(l ?? [])].sort()
  if (!cors) return ''
  const n = {
    o: list(cors.AllowOrigins),
    m: list(cors.AllowMethods),
    h: list(cors.AllowHeaders).map((h) => h.toLowerCase()),
    e: list(cors.ExposeHeaders).map((h) => h.toLowerCase()),
    c: cors.AllowCredentials ?? false,
    a: cors.MaxAge ?? 0,
  }
  const empty = !n.o.length && !n.m.length && !n.h.length && !n.e.length && !n.c && !n.a
  return empty ? '' : JSON.stringify(n)
}

const wantedStatements = (spec: FunctionUrlSpec) => (spec.auth === 'NONE' ? PUBLIC_IDS : [])

/** Pure: what differs between the URL (and its public-access statements) and the spec. */
export function diffFunctionUrl(have: ObservedFunctionUrl, want: FunctionUrlSpec): Change[] {
  const changes: Change[] = []
  if (have.auth !== want.auth) changes.push({ field: 'AuthType', from: have.auth, to: want.auth })
  const cors = toCors(want.cors)
  if (normalCors(have.cors) !== normalCors(cors)) changes.push({ field: 'Cors', from: have.cors, to: cors })
  const statements = wantedStatements(want)
  if (have.publicStatements.slice().sort().join() !== statements.slice().sort().join())
    changes.push({ field: 'PublicAccess', from: have.publicStatements, to: statements })
  return changes
}

async function findPublicStatements(ctx: ResourceContext, ref: UrlRef): Promise<string[]> {
  try {
    const out = await ctx.aws
      .get(LambdaClient)
      .send(new GetPolicyCommand({ FunctionName: ref.functionName, Qualifier: ref.qualifier }))
    const policy = JSON.parse(out.Policy ?? '{}') as { Statement?: Array<{ Sid?: string }> }
    return (policy.Statement ?? []).flatMap((s) => (s.Sid && PUBLIC_IDS.includes(s.Sid) ? [s.Sid] : []))
  } catch (e) {
    if (isNotFound(e)) return []
    throw e
  }
}

async function findUrl(ctx: ResourceContext, ref: UrlRef): Promise<ObservedFunctionUrl | undefined> {
  try {
    const out = await ctx.aws
      .get(LambdaClient)
      .send(new GetFunctionUrlConfigCommand({ FunctionName: ref.functionName, Qualifier: ref.qualifier }))
    return {
      url: out.FunctionUrl ?? '',
      auth: out.AuthType ?? '',
      ...(out.Cors ? { cors: out.Cors } : {}),
      publicStatements: await findPublicStatements(ctx, ref),
    }
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Adds the wanted public-access statements that are missing and removes the others. */
async function syncStatements(ctx: ResourceContext, ref: UrlRef, have: string[], want: string[]): Promise<void> {
  const lambda = ctx.aws.get(LambdaClient)
  for (const s of PUBLIC_STATEMENTS) {
    const target = { FunctionName: ref.functionName, Qualifier: ref.qualifier, StatementId: s.StatementId }
    if (want.includes(s.StatementId) && !have.includes(s.StatementId))
      await lambda.send(new AddPermissionCommand({ ...target, ...s, Principal: '*' }))
    if (!want.includes(s.StatementId) && have.includes(s.StatementId))
      await lambda.send(new RemovePermissionCommand(target))
  }
}

const refOf = (record: ResourceRecord): UrlRef => {
  const a = record.attributes as Partial<UrlRef> | undefined
  const [functionName = '', qualifier = ''] = record.name.split(':')
  return { functionName: a?.functionName ?? functionName, qualifier: a?.qualifier ?? qualifier }
}

export const functionUrlKind: ResourceKind<FunctionUrlSpec, ObservedFunctionUrl> = {
  kind: FUNCTION_URL_KIND,
  label: 'Lambda function URL',
  codePrefix: 'FunctionUrl',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    const found = await findUrl(ctx, spec)
    return found ? [{ observed: found, arn: found.url }] : []
  },
  diff: diffFunctionUrl,
  async create(ctx, spec) {
    const out = await ctx.aws.get(LambdaClient).send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: spec.functionName,
        Qualifier: spec.qualifier,
        AuthType: spec.auth,
        ...(spec.cors ? { Cors: toCors(spec.cors) } : {}),
      }),
    )
    // The public-access statements follow from the engine's diff right after; some may have outlived a URL
    // deleted behind infra's back.
    const observed = { url: out.FunctionUrl ?? '', auth: spec.auth, ...(out.Cors ? { cors: out.Cors } : {}) }
    return { observed: { ...observed, publicStatements: await findPublicStatements(ctx, spec) }, arn: observed.url }
  },
  async apply(ctx, observed, spec, changes) {
    if (changes.some((c) => c.field === 'AuthType' || c.field === 'Cors')) {
      await ctx.aws.get(LambdaClient).send(
        new UpdateFunctionUrlConfigCommand({
          FunctionName: spec.functionName,
          Qualifier: spec.qualifier,
          AuthType: spec.auth,
          // An empty object clears what an earlier config set.
          Cors: toCors(spec.cors) ?? {},
        }),
      )
    }
    await syncStatements(ctx, spec, observed.publicStatements, wantedStatements(spec))
    const cors = toCors(spec.cors)
    return {
      observed: { ...observed, auth: spec.auth, ...(cors ? { cors } : {}), publicStatements: wantedStatements(spec) },
    }
  },
  async delete(ctx, record) {
    const ref = refOf(record)
    await syncStatements(ctx, ref, await findPublicStatements(ctx, ref), [])
    await ctx.aws
      .get(LambdaClient)
      .send(new DeleteFunctionUrlConfigCommand({ FunctionName: ref.functionName, Qualifier: ref.qualifier }))
  },
  attributes: (o, spec) => ({ functionName: spec.functionName, qualifier: spec.qualifier, url: o.url }),
  describe: (spec) => `${spec.auth === 'NONE' ? 'public' : 'IAM-signed'} URL on ${spec.qualifier}`,
}

export async function ensureFunctionUrl(
  ctx: ResourceContext,
  spec: FunctionUrlSpec,
): Promise<{ result: Ensured; url?: string }> {
  const { result, observed } = await converge(ctx, functionUrlKind, spec)
  return { result, ...(observed?.url ? { url: observed.url } : {}) }
}
