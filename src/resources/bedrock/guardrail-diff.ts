// Pure: a guardrail's definition as config wants it, as CreateGuardrail/UpdateGuardrail take it, and as GetGuardrail
// answers it (with the defaults AWS adds), compared field by field; and the hash a published version is named by.
import { createHash } from 'node:crypto'
import type {
  CreateGuardrailRequest,
  GetGuardrailResponse,
  GuardrailContentFilterType,
  GuardrailFilterStrength,
  GuardrailPiiEntityType,
} from '@aws-sdk/client-bedrock'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

export interface GuardrailDefinition {
  description?: string
  contentFilters: Array<{
    type: GuardrailContentFilterType
    inputStrength: GuardrailFilterStrength
    outputStrength: GuardrailFilterStrength
  }>
  deniedTopics: Array<{ name: string; definition: string; examples: string[] }>
  words: string[]
  /** AWS's managed profanity word list. */
  profanity: boolean
  pii: Array<{ type: GuardrailPiiEntityType; action: 'BLOCK' | 'ANONYMIZE' }>
  blockedInputMessaging: string
  blockedOutputsMessaging: string
}

export interface GuardrailSpec extends GuardrailDefinition {
  /** Manifest key `bedrock-guardrail:<logicalId>`. */
  logicalId: string
  name: string
  tags: Tags
}

type DefinitionRequest = Omit<CreateGuardrailRequest, 'name' | 'tags' | 'clientRequestToken'>

/** The definition in CreateGuardrail's and UpdateGuardrail's terms (both replace the whole definition). */
export function definitionRequest(d: GuardrailDefinition): DefinitionRequest {
  return {
    ...(d.description !== undefined ? { description: d.description } : {}),
    ...(d.contentFilters.length > 0 ? { contentPolicyConfig: { filtersConfig: d.contentFilters } } : {}),
    ...(d.deniedTopics.length > 0
      ? { topicPolicyConfig: { topicsConfig: d.deniedTopics.map((t) => ({ ...t, type: 'DENY' as const })) } }
      : {}),
    ...(d.words.length > 0 || d.profanity
      ? {
          wordPolicyConfig: {
            ...(d.words.length > 0 ? { wordsConfig: d.words.map((text) => ({ text })) } : {}),
            ...(d.profanity ? { managedWordListsConfig: [{ type: 'PROFANITY' as const }] } : {}),
          },
        }
      : {}),
    ...(d.pii.length > 0 ? { sensitiveInformationPolicyConfig: { piiEntitiesConfig: d.pii } } : {}),
    blockedInputMessaging: d.blockedInputMessaging,
    blockedOutputsMessaging: d.blockedOutputsMessaging,
  }
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b))

/** Pure: the definition in config's order-free form, so the same config always hashes and compares the same. */
export function canonicalDefinition(d: GuardrailDefinition): GuardrailDefinition {
  return {
    ...(d.description !== undefined ? { description: d.description } : {}),
    contentFilters: [...d.contentFilters].sort(byKey((f) => f.type)),
    deniedTopics: [...d.deniedTopics].sort(byKey((t) => t.name)),
    words: [...d.words].sort(),
    profanity: d.profanity,
    pii: [...d.pii].sort(byKey((p) => p.type)),
    blockedInputMessaging: d.blockedInputMessaging,
    blockedOutputsMessaging: d.blockedOutputsMessaging,
  }
}

/** What GetGuardrail answered, in the spec's terms: only the fields infra sets (AWS adds modalities and actions). */
export function observedDefinition(g: GetGuardrailResponse): GuardrailDefinition {
  return canonicalDefinition({
    ...(g.description !== undefined ? { description: g.description } : {}),
    contentFilters: (g.contentPolicy?.filters ?? []).map((f) => ({
      type: f.type!,
      inputStrength: f.inputStrength!,
      outputStrength: f.outputStrength!,
    })),
    deniedTopics: (g.topicPolicy?.topics ?? []).map((t) => ({
      name: t.name!,
      definition: t.definition!,
      examples: t.examples ?? [],
    })),
    words: (g.wordPolicy?.words ?? []).map((w) => w.text!),
    profanity: (g.wordPolicy?.managedWordLists ?? []).some((m) => m.type === 'PROFANITY'),
    pii: (g.sensitiveInformationPolicy?.piiEntities ?? []).map((p) => ({
      type: p.type!,
      action: p.action as 'BLOCK' | 'ANONYMIZE',
    })),
    blockedInputMessaging: g.blockedInputMessaging ?? '',
    blockedOutputsMessaging: g.blockedOutputsMessaging ?? '',
  })
}

/** A short, stable name for a definition: a published version carries it in its description. */
export function definitionHash(d: GuardrailDefinition): string {
  return createHash('sha256')
    .update(JSON.stringify(canonicalDefinition(d)))
    .digest('hex')
    .slice(0, 16)
}

/** The spec's definition alone (without its name, logical id and tags). */
export function definitionOf(spec: GuardrailSpec): GuardrailDefinition {
  const { logicalId: _id, name: _name, tags: _tags, ...definition } = spec
  return definition
}

const FIELDS: Array<[field: string, pick: (d: GuardrailDefinition) => unknown]> = [
  ['description', (d) => d.description],
  ['contentPolicy', (d) => d.contentFilters],
  ['topicPolicy', (d) => d.deniedTopics],
  ['wordPolicy.words', (d) => d.words],
  ['wordPolicy.managedWordLists', (d) => (d.profanity ? ['PROFANITY'] : [])],
  ['sensitiveInformationPolicy', (d) => d.pii],
  ['blockedInputMessaging', (d) => d.blockedInputMessaging],
  ['blockedOutputsMessaging', (d) => d.blockedOutputsMessaging],
]

/** Pure: what must change for the observed DRAFT to match the spec (one entry per policy), tags last. */
export function diffGuardrail(have: { guardrail: GetGuardrailResponse; tags: Tags }, want: GuardrailSpec): Change[] {
  const from = observedDefinition(have.guardrail)
  const to = canonicalDefinition(definitionOf(want))
  const changes: Change[] = []
  if (have.guardrail.name !== want.name) changes.push({ field: 'name', from: have.guardrail.name, to: want.name })
  for (const [field, pick] of FIELDS) {
    if (JSON.stringify(pick(from)) !== JSON.stringify(pick(to))) changes.push({ field, from: pick(from), to: pick(to) })
  }
  return [...changes, ...diffTags(have.tags, want.tags)]
}
