// What the region offers: foundation models and inference profiles, read to check the configured model ids before
// anything is written (a model that is not offered only fails when a function invokes it).
import { BedrockClient, ListFoundationModelsCommand, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock'
import type { ResourceContext } from '../types.js'

/** The configured ids the region offers neither as a foundation model nor as an inference profile. */
export async function modelsNotOffered(ctx: ResourceContext, ids: string[]): Promise<string[]> {
  // Read even when no model is configured: it is also the step's first Bedrock call, which finds an endpoint without it.
  const bedrock = ctx.aws.get(BedrockClient)
  const { modelSummaries } = await bedrock.send(new ListFoundationModelsCommand({}))
  const models = new Set((modelSummaries ?? []).flatMap((m) => [m.modelId, m.modelArn]))
  const rest = ids.filter((id) => !models.has(id))
  if (rest.length === 0) return []
  const profiles = new Set<string | undefined>()
  let nextToken: string | undefined
  do {
    const page = await bedrock.send(new ListInferenceProfilesCommand({ maxResults: 1000, nextToken }))
    for (const p of page.inferenceProfileSummaries ?? []) profiles.add(p.inferenceProfileId).add(p.inferenceProfileArn)
    nextToken = page.nextToken
  } while (nextToken)
  return rest.filter((id) => !profiles.has(id))
}
