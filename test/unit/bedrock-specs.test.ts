// Step 10's pure parts: config → guardrail spec (filter strengths, PROMPT_ATTACK input-only, topics, words, PII), the
// definition hash (order-free), and the guardrail diff (AWS's added defaults are not a change).
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import {
  definitionHash,
  definitionOf,
  definitionRequest,
  diffGuardrail,
  type GuardrailSpec,
} from '../../src/resources/bedrock/guardrail-diff.js'
import { guardrailSpec, invocationLogGroupSpec } from '../../src/steps/bedrock-specs.js'
import { REPO_ROOT } from '../support/context.js'

const staging = () => loadConfig({ root: REPO_ROOT, env: 'staging' })
const withGuardrail = (config: ResolvedConfig, guardrail: Record<string, unknown>): ResolvedConfig => ({
  ...config,
  sections: {
    ...config.sections,
    bedrock: { ...config.sections.bedrock!, guardrail: { ...config.sections.bedrock!.guardrail!, ...guardrail } },
  },
})

describe('guardrailSpec', () => {
  test("the repo's guardrail: expanded name, one strength for both directions, PROMPT_ATTACK input only", async () => {
    const spec = guardrailSpec(await staging())!
    expect(spec.name).toBe('new-service-staging-guardrail')
    expect(spec.description).toBe('Content filtering for new-service-staging')
    expect(spec.contentFilters).toContainEqual({ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' })
    expect(spec.contentFilters).toContainEqual({ type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' })
    expect(spec.tags).toMatchObject({ 'managed-by': 'infra', 'infra:env': 'staging' })
  })

  test('input and output strengths, topics, words, the profanity list and PII reach the request', async () => {
    const spec = guardrailSpec(
      withGuardrail(await staging(), {
        content_filters: { VIOLENCE: { input: 'HIGH', output: 'LOW' } },
        denied_topics: [{ name: 'Investments', definition: 'Advice on what to invest in.', examples: [] }],
        word_filters: ['foo'],
        profanity_filter: true,
        pii_entities: { EMAIL: 'ANONYMIZE' },
      }),
    )!
    expect(definitionRequest(definitionOf(spec))).toMatchObject({
      contentPolicyConfig: { filtersConfig: [{ type: 'VIOLENCE', inputStrength: 'HIGH', outputStrength: 'LOW' }] },
      topicPolicyConfig: { topicsConfig: [{ name: 'Investments', type: 'DENY' }] },
      wordPolicyConfig: { wordsConfig: [{ text: 'foo' }], managedWordListsConfig: [{ type: 'PROFANITY' }] },
      sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'EMAIL', action: 'ANONYMIZE' }] },
    })
  })

  test('a PROMPT_ATTACK output strength is refused before any AWS call', async () => {
    const config = withGuardrail(await staging(), {
      content_filters: { PROMPT_ATTACK: { input: 'HIGH', output: 'LOW' } },
    })
    expect(() => guardrailSpec(config)).toThrow(/PROMPT_ATTACK: prompt attacks are filtered in input only/)
  })

  test('the invocation log group: the resolved name, retention 30 days by default', async () => {
    expect(invocationLogGroupSpec(await staging())).toMatchObject({
      name: '/aws/bedrock/new-service-staging',
      retentionDays: 30,
    })
  })
})

describe('definition hash and diff', () => {
  test('the hash ignores order; any policy change changes it', async () => {
    const spec = guardrailSpec(await staging())!
    const reversed: GuardrailSpec = { ...spec, contentFilters: [...spec.contentFilters].reverse() }
    expect(definitionHash(definitionOf(reversed))).toBe(definitionHash(definitionOf(spec)))
    expect(definitionHash(definitionOf({ ...spec, words: ['x'] }))).not.toBe(definitionHash(definitionOf(spec)))
  })

  test('what AWS adds (actions, modalities, tiers) is not a change; a strength is, named by its policy', async () => {
    const spec = guardrailSpec(await staging())!
    const filters = spec.contentFilters.map((f) => ({
      ...f,
      inputAction: 'BLOCK' as const,
      inputModalities: ['TEXT' as const],
    }))
    const observed = {
      guardrail: {
        name: spec.name,
        description: spec.description,
        contentPolicy: { filters, tier: { tierName: 'CLASSIC' as const } },
        blockedInputMessaging: spec.blockedInputMessaging,
        blockedOutputsMessaging: spec.blockedOutputsMessaging,
      } as never,
      tags: spec.tags,
    }
    expect(diffGuardrail(observed, spec)).toEqual([])
    const stricter: GuardrailSpec = {
      ...spec,
      contentFilters: spec.contentFilters.map((f) => (f.type === 'VIOLENCE' ? { ...f, inputStrength: 'HIGH' } : f)),
    }
    expect(diffGuardrail(observed, stricter).map((c) => c.field)).toEqual(['contentPolicy'])
  })
})
