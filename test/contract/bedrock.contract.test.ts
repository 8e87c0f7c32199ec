import { converge } from '../../src/resources/engine/converge.js'
import { guardrailKind } from '../../src/resources/bedrock/guardrail.js'
import { definitionHash, definitionOf, type GuardrailSpec } from '../../src/resources/bedrock/guardrail-diff.js'
import { guardrailVersionKind } from '../../src/resources/bedrock/guardrail-version.js'
import { invocationLoggingKind, type InvocationLoggingSpec } from '../../src/resources/bedrock/invocation-logging.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const GUARDRAIL: GuardrailSpec = {
  logicalId: 'guardrail',
  name: 'contract-guardrail',
  description: 'Content filtering for contract-svc',
  contentFilters: [
    { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
    { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
  ],
  deniedTopics: [{ name: 'Investment advice', definition: 'Recommendations about investments.', examples: [] }],
  words: ['badword'],
  profanity: true,
  pii: [{ type: 'EMAIL', action: 'ANONYMIZE' }],
  blockedInputMessaging: 'Sorry, I cannot help with that.',
  blockedOutputsMessaging: 'Sorry, I cannot answer that.',
  tags: OUR_TAGS,
}

contractSuite({
  kind: guardrailKind,
  spec: () => GUARDRAIL,
  changed: (spec): GuardrailSpec => ({
    ...spec,
    contentFilters: [{ type: 'HATE', inputStrength: 'LOW', outputStrength: 'LOW' }],
  }),
  updateCalls: ['UpdateGuardrail'],
  createCommand: 'CreateGuardrail',
  count: (aws, spec) => (aws.bedrock.byName(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => aws.bedrock.deleteGuardrailOutOfBand(aws.bedrock.byName(spec.name)!.id),
})

contractSuite({
  kind: guardrailVersionKind,
  async setup(ctx) {
    const made = await converge(ctx, guardrailKind, GUARDRAIL)
    return { id: made.result.id!, arn: made.result.arn! }
  },
  spec: (parents) => ({
    logicalId: 'guardrail',
    name: GUARDRAIL.name,
    guardrailId: parents.id!,
    guardrailArn: parents.arn!,
    definitionHash: definitionHash(definitionOf(GUARDRAIL)),
  }),
  // The guardrail's definition changed (the step updates the DRAFT first): a new version, never a changed one.
  changed: (spec) => ({ ...spec, definitionHash: '0123456789abcdef' }),
  updateCalls: ['CreateGuardrailVersion'],
  createCommand: 'CreateGuardrailVersion',
  alreadyExists: false,
  count: (aws, spec) => aws.bedrock.publishedVersions(spec.guardrailId!).length,
  deleteOutOfBand: (aws, spec) => {
    for (const v of aws.bedrock.publishedVersions(spec.guardrailId!))
      aws.bedrock.deleteGuardrailOutOfBand(spec.guardrailId!, v)
  },
})

const LOGGING: InvocationLoggingSpec = {
  logicalId: 'invocation-logging',
  name: 'Bedrock model invocation logging (us-east-1)',
  loggingConfig: {
    cloudWatchConfig: {
      logGroupName: '/aws/bedrock/contract-svc',
      roleArn: 'arn:aws:iam::887078546492:role/contract-svc-bedrock-role',
    },
    textDataDeliveryEnabled: true,
    imageDataDeliveryEnabled: false,
    embeddingDataDeliveryEnabled: false,
  },
  takeOver: false,
  takeOverCommand: 'infra step bedrock --env test --take-over-logging',
}

contractSuite({
  kind: invocationLoggingKind,
  spec: () => LOGGING,
  changed: (spec) => ({ ...spec, loggingConfig: { ...spec.loggingConfig, imageDataDeliveryEnabled: true } }),
  updateCalls: ['PutModelInvocationLoggingConfiguration'],
  createCommand: 'PutModelInvocationLoggingConfiguration',
  alreadyExists: false,
  count: (aws) => (aws.bedrock.loggingConfig ? 1 : 0),
  deleteOutOfBand: (aws) => {
    delete aws.bedrock.loggingConfig
  },
})
