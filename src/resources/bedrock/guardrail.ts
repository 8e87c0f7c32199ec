// Bedrock guardrail: its DRAFT is created and updated here (with a persisted clientRequestToken, so a retried create
// returns the same guardrail) and waited for until READY. Functions never use the DRAFT: guardrail-version.ts
// publishes the numbered version they use.
import { randomUUID } from 'node:crypto'
import {
  BedrockClient,
  CreateGuardrailCommand,
  DeleteGuardrailCommand,
  GetGuardrailCommand,
  ListGuardrailsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateGuardrailCommand,
  type GetGuardrailResponse,
} from '@aws-sdk/client-bedrock'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { changedTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'
import { definitionOf, definitionRequest, diffGuardrail, type GuardrailSpec } from './guardrail-diff.js'

export const GUARDRAIL_KIND = 'bedrock-guardrail'
// A guardrail is usually READY within seconds; minutes mean something is wrong on AWS's side.
const READY_MS = 10 * 60_000
const TRANSITIONAL = new Set(['CREATING', 'UPDATING', 'VERSIONING', 'DELETING'])

export interface ObservedGuardrail {
  guardrail: GetGuardrailResponse
  tags: Tags
}

const bedrock = (ctx: ResourceContext) => ctx.aws.get(BedrockClient)

async function readGuardrail(
  ctx: ResourceContext,
  id: string,
  version?: string,
): Promise<GetGuardrailResponse | undefined> {
  try {
    return await bedrock(ctx).send(
      new GetGuardrailCommand({ guardrailIdentifier: id, ...(version ? { guardrailVersion: version } : {}) }),
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function observe(ctx: ResourceContext, id: string): Promise<Observation<ObservedGuardrail> | undefined> {
  const guardrail = await readGuardrail(ctx, id)
  if (!guardrail) return undefined
  const { tags } = await bedrock(ctx).send(new ListTagsForResourceCommand({ resourceARN: guardrail.guardrailArn }))
  const tagMap = Object.fromEntries((tags ?? []).map((t) => [t.key ?? '', t.value ?? '']))
  return { observed: { guardrail, tags: tagMap }, id, arn: guardrail.guardrailArn, tags: tagMap }
}

/** Ids of the guardrails named `name` (ListGuardrails without an identifier lists each guardrail's DRAFT). */
async function idsNamed(ctx: ResourceContext, name: string): Promise<string[]> {
  const ids: string[] = []
  let nextToken: string | undefined
  do {
    const page = await bedrock(ctx).send(new ListGuardrailsCommand({ maxResults: 100, nextToken }))
    ids.push(...(page.guardrails ?? []).filter((g) => g.name === name && g.id).map((g) => g.id!))
    nextToken = page.nextToken
  } while (nextToken)
  return ids
}

/** Waits until the guardrail (or one of its versions) is READY; FAILED stops the wait with AWS's reasons. */
export async function waitForGuardrail(
  ctx: ResourceContext,
  id: string,
  label: string,
  version?: string,
): Promise<GetGuardrailResponse> {
  const read = await pollUntil({
    read: () => readGuardrail(ctx, id, version),
    judge: (g) => {
      if (!g) return { failed: 'it no longer exists' }
      if (g.status === 'READY') return 'done'
      if (TRANSITIONAL.has(g.status ?? '')) return 'waiting'
      return { failed: `status ${g.status}${g.statusReasons?.length ? `: ${g.statusReasons.join('; ')}` : ''}` }
    },
    describe: (g) => `status ${g?.status ?? 'gone'}`,
    label: `waiting for ${label} to be READY`,
    timeoutMs: READY_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: label.replace(/^Bedrock /, ''), state: 'READY' },
  })
  return read!
}

/** The recorded guardrail while it exists, else every one of the name. */
async function findGuardrails(ctx: ResourceContext, name: string, recordedId: string | undefined) {
  const byId = recordedId ? await observe(ctx, recordedId) : undefined
  if (byId) return [byId]
  const found = await Promise.all((await idsNamed(ctx, name)).map((id) => observe(ctx, id)))
  return found.filter((o): o is Observation<ObservedGuardrail> => o !== undefined)
}

export const guardrailKind: ResourceKind<GuardrailSpec, ObservedGuardrail> = {
  kind: GUARDRAIL_KIND,
  label: 'Bedrock guardrail',
  codePrefix: 'Guardrail',
  identity: 'token',
  find: (ctx, spec, recorded) => findGuardrails(ctx, spec.name, recorded?.id),
  early: { service: 'bedrock', read: (ctx, recorded) => findGuardrails(ctx, recorded.name, recorded.id) },
  diff: diffGuardrail,
  async create(ctx, spec, token) {
    const made = await bedrock(ctx).send(
      new CreateGuardrailCommand({
        name: spec.name,
        ...definitionRequest(definitionOf(spec)),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
        ...(token ? { clientRequestToken: token } : {}),
      }),
    )
    const guardrail: GetGuardrailResponse = {
      name: spec.name,
      guardrailId: made.guardrailId,
      guardrailArn: made.guardrailArn,
      version: made.version,
      status: 'CREATING',
      createdAt: made.createdAt,
      updatedAt: made.createdAt,
      blockedInputMessaging: spec.blockedInputMessaging,
      blockedOutputsMessaging: spec.blockedOutputsMessaging,
    }
    return { observed: { guardrail, tags: spec.tags }, id: made.guardrailId, arn: made.guardrailArn, tags: spec.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const id = observed.guardrail.guardrailId!
    let guardrail = observed.guardrail
    if (changes.some((c) => !c.field.startsWith('Tags['))) {
      await bedrock(ctx).send(
        new UpdateGuardrailCommand({
          guardrailIdentifier: id,
          name: spec.name,
          ...definitionRequest(definitionOf(spec)),
        }),
      )
      guardrail = await waitForGuardrail(ctx, id, `Bedrock guardrail ${spec.name}`)
    }
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0) {
      await bedrock(ctx).send(
        new TagResourceCommand({
          resourceARN: guardrail.guardrailArn,
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        }),
      )
    }
    return { observed: { guardrail, tags: { ...observed.tags, ...tags } } }
  },
  busy: (observed) => TRANSITIONAL.has(observed.guardrail.status ?? ''),
  async waitFor(ctx, observed, spec) {
    const guardrail = await waitForGuardrail(ctx, observed.guardrail.guardrailId!, `Bedrock guardrail ${spec.name}`)
    return { ...observed, guardrail }
  },
  async delete(ctx, record) {
    if (record.id) await bedrock(ctx).send(new DeleteGuardrailCommand({ guardrailIdentifier: record.id }))
  },
  describe: (spec) =>
    `${spec.contentFilters.length} content filter(s), ${spec.deniedTopics.length} denied topic(s), ${spec.words.length} word filter(s)${spec.profanity ? ' + profanity list' : ''}, ${spec.pii.length} PII type(s)`,
  // A fresh token per create, persisted by the engine before the call: a retry reuses it, a later re-create (after
  // the guardrail was deleted) does not get the old guardrail back from the token.
  token: () => randomUUID(),
}
