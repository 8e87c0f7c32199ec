// A REST API's deployments, as the stage (rest-api-stage.ts) and `infra rollback --stage` use them. A deployment's
// description carries the hash of the definition it snapshots (rest-api-diff.ts), so the deployment of a definition
// is found again instead of made twice.
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  type Deployment,
} from '@aws-sdk/client-api-gateway'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { ResourceContext } from '../types.js'
import { allPages, callApi } from './call.js'
import { deploymentDescription, hashOfDeployment } from './rest-api-diff.js'

/** Left by `infra rollback --stage`: the definition rolled back from, which deploys do not bring back by themselves. */
export interface StageHold {
  deploymentId: string
  definitionHash: string
}

/** Every deployment of the API, oldest first. */
export async function listDeployments(ctx: ResourceContext, restApiId: string): Promise<Deployment[]> {
  const client = ctx.aws.get(APIGatewayClient)
  const all = await allPages((position) =>
    callApi(ctx, 'listing deployments', () =>
      client.send(new GetDeploymentsCommand({ restApiId, limit: 500, position })),
    ),
  )
  return all.sort((a, b) => (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0))
}

/** The definition hash of the deployment a stage serves: the manifest's when it recorded that deployment. */
export async function servedHash(
  ctx: ResourceContext,
  restApiId: string,
  deploymentId: string | undefined,
  recorded: ResourceRecord | undefined,
): Promise<string | undefined> {
  if (!deploymentId) return undefined
  const known = recorded?.attributes
  if (known?.deploymentId === deploymentId && typeof known.definitionHash === 'string') return known.definitionHash
  try {
    const d = await callApi(ctx, 'reading a deployment', () =>
      ctx.aws.get(APIGatewayClient).send(new GetDeploymentCommand({ restApiId, deploymentId })),
    )
    return hashOfDeployment(d.description)
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** The newest deployment of this definition, else a new one (at once for an API created by this run: it has none). */
export async function deploymentFor(
  ctx: ResourceContext,
  restApiId: string,
  definitionHash: string,
  newApi = false,
): Promise<string> {
  const existing = newApi
    ? undefined
    : (await listDeployments(ctx, restApiId)).reverse().find((d) => hashOfDeployment(d.description) === definitionHash)
  if (existing?.id) {
    ctx.log(`reusing deployment ${existing.id} (definition ${definitionHash})`)
    return existing.id
  }
  const created = await callApi(ctx, 'creating a deployment', () =>
    ctx.aws
      .get(APIGatewayClient)
      .send(new CreateDeploymentCommand({ restApiId, description: deploymentDescription(definitionHash) })),
  )
  ctx.log(`created deployment ${created.id} (definition ${definitionHash})`)
  return created.id ?? ''
}

/** A move back to an older deployment holds the definition it left; a move forward (or to the same definition) none. */
export function holdFor(leaving: Deployment | undefined, going: Deployment): StageHold | null {
  const left = hashOfDeployment(leaving?.description)
  if (!leaving?.id || !left || left === hashOfDeployment(going.description)) return null
  const older = (d: Deployment) => d.createdDate?.getTime() ?? 0
  return older(going) <= older(leaving) ? { deploymentId: leaving.id, definitionHash: left } : null
}
