// FakeBedrock's guardrail model: a request's definition checked as CreateGuardrail/UpdateGuardrail check it, and
// rendered as GetGuardrail answers it (with the defaults AWS fills in). What it models: bedrock.md.
import {
  ValidationException,
  type CreateGuardrailRequest,
  type GetGuardrailResponse,
  type GuardrailStatus,
} from '@aws-sdk/client-bedrock'
import { awsError } from './core.js'

/** What a guardrail's DRAFT or one of its versions holds: the request's policy configs, as sent. */
export type Definition = Pick<
  CreateGuardrailRequest,
  | 'description'
  | 'contentPolicyConfig'
  | 'topicPolicyConfig'
  | 'wordPolicyConfig'
  | 'sensitiveInformationPolicyConfig'
  | 'blockedInputMessaging'
  | 'blockedOutputsMessaging'
>

export interface GuardrailVersionState {
  definition: Definition
  status: GuardrailStatus
  /** GetGuardrail reads left before a transitional status becomes READY. */
  readsLeft: number
  createdAt: number
  updatedAt: number
}

export interface GuardrailState {
  id: string
  arn: string
  name: string
  tags: Record<string, string>
  /** 'DRAFT' and the published versions '1', '2', … */
  versions: Record<string, GuardrailVersionState>
  nextVersion: number
}

const NAME = /^[0-9a-zA-Z_-]{1,50}$/
const invalid = (message: string) => awsError(ValidationException, message)

/** CreateGuardrail's and UpdateGuardrail's checks of the definition. */
export function checkDefinition(name: string | undefined, d: Definition): void {
  if (!name || !NAME.test(name))
    throw invalid(
      `1 validation error detected: Value '${name ?? null}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_]+$`,
    )
  for (const [field, text] of [
    ['blockedInputMessaging', d.blockedInputMessaging],
    ['blockedOutputsMessaging', d.blockedOutputsMessaging],
  ] as const) {
    if (!text || text.length > 500)
      throw invalid(
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between 1 and 500`,
      )
  }
  const filters = d.contentPolicyConfig?.filtersConfig ?? []
  if (new Set(filters.map((f) => f.type)).size !== filters.length)
    throw invalid('The content policy has duplicate filter types.')
  const promptAttack = filters.find((f) => f.type === 'PROMPT_ATTACK')
  if (promptAttack && promptAttack.outputStrength !== 'NONE')
    throw invalid('PromptAttack filter output strength must be NONE.')
  for (const t of d.topicPolicyConfig?.topicsConfig ?? []) {
    if (t.type !== 'DENY') throw invalid(`Topic ${t.name}: type must be DENY.`)
  }
  for (const m of d.wordPolicyConfig?.managedWordListsConfig ?? []) {
    if (m.type !== 'PROFANITY') throw invalid(`Managed word list type ${m.type} is not supported.`)
  }
  const anyPolicy =
    filters.length > 0 ||
    (d.topicPolicyConfig?.topicsConfig ?? []).length > 0 ||
    (d.wordPolicyConfig?.wordsConfig ?? []).length > 0 ||
    (d.wordPolicyConfig?.managedWordListsConfig ?? []).length > 0 ||
    (d.sensitiveInformationPolicyConfig?.piiEntitiesConfig ?? []).length > 0 ||
    (d.sensitiveInformationPolicyConfig?.regexesConfig ?? []).length > 0
  if (!anyPolicy) throw invalid('At least one policy must be configured for a guardrail.')
}

const actionDefaults = { inputEnabled: true, outputEnabled: true }

/** The definition as GetGuardrail answers it: `…Config` lists renamed, defaults AWS fills in added. */
export function renderDefinition(d: Definition): Partial<GetGuardrailResponse> {
  const filters = d.contentPolicyConfig?.filtersConfig ?? []
  const topics = d.topicPolicyConfig?.topicsConfig ?? []
  const words = d.wordPolicyConfig?.wordsConfig ?? []
  const managed = d.wordPolicyConfig?.managedWordListsConfig ?? []
  const pii = d.sensitiveInformationPolicyConfig?.piiEntitiesConfig ?? []
  const regexes = d.sensitiveInformationPolicyConfig?.regexesConfig ?? []
  return {
    ...(d.description !== undefined && { description: d.description }),
    ...(filters.length > 0 && {
      contentPolicy: {
        filters: filters.map((f) => ({
          inputModalities: ['TEXT'],
          outputModalities: ['TEXT'],
          inputAction: 'BLOCK',
          outputAction: 'BLOCK',
          ...actionDefaults,
          ...f,
        })),
        tier: { tierName: 'CLASSIC' },
      },
    }),
    ...(topics.length > 0 && {
      topicPolicy: {
        topics: topics.map((t) => ({ inputAction: 'BLOCK', outputAction: 'BLOCK', ...actionDefaults, ...t })),
        tier: { tierName: 'CLASSIC' },
      },
    }),
    ...((words.length > 0 || managed.length > 0) && {
      wordPolicy: {
        words: words.map((w) => ({ inputAction: 'BLOCK', outputAction: 'BLOCK', ...actionDefaults, ...w })),
        managedWordLists: managed.map((m) => ({
          inputAction: 'BLOCK',
          outputAction: 'BLOCK',
          ...actionDefaults,
          ...m,
        })),
      },
    }),
    ...((pii.length > 0 || regexes.length > 0) && {
      sensitiveInformationPolicy: {
        piiEntities: pii.map((p) => ({ inputAction: p.action, outputAction: p.action, ...actionDefaults, ...p })),
        regexes: regexes.map((r) => ({ ...r })),
      },
    }),
    blockedInputMessaging: d.blockedInputMessaging,
    blockedOutputsMessaging: d.blockedOutputsMessaging,
  } as Partial<GetGuardrailResponse>
}

/** The definition fields of a create or update request. */
export function definitionOf(i: Definition): Definition {
  return {
    ...(i.description !== undefined && { description: i.description }),
    ...(i.contentPolicyConfig && { contentPolicyConfig: i.contentPolicyConfig }),
    ...(i.topicPolicyConfig && { topicPolicyConfig: i.topicPolicyConfig }),
    ...(i.wordPolicyConfig && { wordPolicyConfig: i.wordPolicyConfig }),
    ...(i.sensitiveInformationPolicyConfig && {
      sensitiveInformationPolicyConfig: i.sensitiveInformationPolicyConfig,
    }),
    blockedInputMessaging: i.blockedInputMessaging,
    blockedOutputsMessaging: i.blockedOutputsMessaging,
  }
}
