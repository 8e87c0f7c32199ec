// A guardrail's published version: what functions use (the DRAFT never serves traffic). A new one is published only
// when the guardrail's definition changed: each version carries its definition's hash in its description, so the
// newest version is found again after a crash and a rerun with nothing changed publishes nothing.
import { randomUUID } from 'node:crypto'
import {
  BedrockClient,
  CreateGuardrailVersionCommand,
  DeleteGuardrailCommand,
  ListGuardrailsCommand,
} from '@aws-sdk/client-bedrock'
import { isNotFound } from '../../aws/errors.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'
import { waitForGuardrail } from './guardrail.js'

export const GUARDRAIL_VERSION_KIND = 'bedrock-guardrail-version'
const HASH_NOTE = /definition ([0-9a-f]{16})/

export interface GuardrailVersionSpec {
  /** Manifest key `bedrock-guardrail-version:<logicalId>` (the guardrail's logical id). */
  logicalId: string
  /** The guardrail's name. */
  name: string
  /** Undefined while the guardrail is only planned. */
  guardrailId?: string
  guardrailArn?: string
  /** definitionHash() of the definition the version must hold. */
  definitionHash: string
}

export interface ObservedGuardrailVersion {
  guardrailId: string
  version: string
  status: string
  /** From the version's description; undefined for a version infra did not publish. */
  definitionHash?: string
}

const bedrock = (ctx: ResourceContext) => ctx.aws.get(BedrockClient)

/** The newest published version of the guardrail, or undefined (none, or the guardrail is gone). */
async function newestVersion(ctx: ResourceContext, guardrailId: string): Promise<ObservedGuardrailVersion | undefined> {
  const versions: ObservedGuardrailVersion[] = []
  let nextToken: string | undefined
  try {
    do {
      const page = await bedrock(ctx).send(
        new ListGuardrailsCommand({ guardrailIdentifier: guardrailId, maxResults: 100, nextToken }),
      )
      for (const g of page.guardrails ?? []) {
        if (!g.version || !/^\d+$/.test(g.version)) continue
        const hash = HASH_NOTE.exec(g.description ?? '')?.[1]
        versions.push({
          guardrailId,
          version: g.version,
          status: g.status ?? '',
          ...(hash ? { definitionHash: hash } : {}),
        })
      }
      nextToken = page.nextToken
    } while (nextToken)
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
  return versions.sort((a, b) => Number(b.version) - Number(a.version))[0]
}

async function publish(
  ctx: ResourceContext,
  spec: GuardrailVersionSpec,
  token?: string,
): Promise<ObservedGuardrailVersion> {
  const made = await bedrock(ctx).send(
    new CreateGuardrailVersionCommand({
      guardrailIdentifier: spec.guardrailId,
      description: `Published by infra for ${ctx.identity.service}/${ctx.identity.env}: definition ${spec.definitionHash}`,
      ...(token ? { clientRequestToken: token } : {}),
    }),
  )
  ctx.log(`published version ${made.version} of Bedrock guardrail ${spec.name}`)
  return {
    guardrailId: spec.guardrailId!,
    version: made.version!,
    status: 'VERSIONING',
    definitionHash: spec.definitionHash,
  }
}

async function untilReady(ctx: ResourceContext, v: ObservedGuardrailVersion, spec: GuardrailVersionSpec) {
  const read = await waitForGuardrail(
    ctx,
    v.guardrailId,
    `version ${v.version} of Bedrock guardrail ${spec.name}`,
    v.version,
  )
  return { ...v, status: read.status ?? 'READY' }
}

async function findNewest(
  ctx: ResourceContext,
  guardrailId: string | undefined,
  guardrailArn: string | undefined,
): Promise<Array<Observation<ObservedGuardrailVersion>>> {
  if (!guardrailId) return []
  const newest = await newestVersion(ctx, guardrailId)
  return newest ? [{ observed: newest, id: guardrailId, ...(guardrailArn ? { arn: guardrailArn } : {}) }] : []
}

export const guardrailVersionKind: ResourceKind<GuardrailVersionSpec, ObservedGuardrailVersion> = {
  kind: GUARDRAIL_VERSION_KIND,
  label: 'Bedrock guardrail version',
  codePrefix: 'GuardrailVersion',
  identity: 'token',
  // A version has no tags: it is ours because its guardrail is.
  ownership: 'parent',
  find: (ctx, spec) => findNewest(ctx, spec.guardrailId, spec.guardrailArn),
  // Recorded under its guardrail's id and ARN.
  early: {
    service: 'bedrock',
    read: (ctx, recorded) => findNewest(ctx, recorded.id, recorded.arn),
    covers: (recorded, spec) => recorded.id === spec.guardrailId && recorded.arn === spec.guardrailArn,
  },
  diff: (observed, spec) =>
    observed.definitionHash === spec.definitionHash
      ? []
      : [
          {
            field: 'version',
            from: `${observed.version} (definition ${observed.definitionHash ?? 'unknown'})`,
            to: `a new version (definition ${spec.definitionHash})`,
          },
        ],
  async create(ctx, spec, token) {
    const made = await publish(ctx, spec, token)
    return { observed: made, id: made.guardrailId, ...(spec.guardrailArn ? { arn: spec.guardrailArn } : {}) }
  },
  // A version cannot change: a changed definition is a new version (the SDK fills in and reuses its token on retries).
  async apply(ctx, _observed, spec) {
    return { observed: await untilReady(ctx, await publish(ctx, spec), spec) }
  },
  busy: (observed) => observed.status !== 'READY',
  waitFor: untilReady,
  async delete(ctx, record) {
    const version = record.attributes?.version
    if (!record.id || typeof version !== 'string') return
    await bedrock(ctx).send(new DeleteGuardrailCommand({ guardrailIdentifier: record.id, guardrailVersion: version }))
  },
  attributes: (observed) => ({ version: observed.version, definitionHash: observed.definitionHash }),
  describe: (spec) => `a numbered version of definition ${spec.definitionHash}`,
  token: () => randomUUID(),
}
