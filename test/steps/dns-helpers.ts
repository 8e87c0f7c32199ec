// Step 09's neighbours for its tests: a REST API with a stage, a WebSocket API with a stage and a CloudFront
// distribution made in the fake up front, and stand-in steps 04, 05 and 07 that return their outputs, so the dns step
// runs alone and its write log is its own.
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway'
import { ApiGatewayV2Client, CreateApiCommand, CreateStageCommand } from '@aws-sdk/client-apigatewayv2'
import { CloudFrontClient, CreateDistributionWithTagsCommand } from '@aws-sdk/client-cloudfront'
import { toDistributionConfig } from '../../src/resources/cloudfront/distribution-config.js'
import type { Step } from '../../src/steps/types.js'

export const STAGE = 'staging'

export interface Neighbours {
  restApiId: string
  websocketApiId: string
  distributionId: string
  distributionDomain: string
}

export async function makeNeighbours(region: string): Promise<Neighbours> {
  const v1 = new APIGatewayClient({ region })
  const rest = await v1.send(new CreateRestApiCommand({ name: 'dns-test-rest' }))
  const method = { restApiId: rest.id, resourceId: rest.rootResourceId, httpMethod: 'GET' }
  await v1.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }))
  await v1.send(new PutIntegrationCommand({ ...method, type: 'MOCK' }))
  await v1.send(new CreateDeploymentCommand({ restApiId: rest.id, stageName: STAGE }))
  const ws = await new ApiGatewayV2Client({ region }).send(
    new CreateApiCommand({
      Name: 'dns-test-ws',
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    }),
  )
  await new ApiGatewayV2Client({ region }).send(new CreateStageCommand({ ApiId: ws.ApiId, StageName: STAGE }))
  const config = toDistributionConfig(
    {
      logicalId: 'frontend',
      name: 'dns-test',
      originDomain: 'dns-test.s3.us-east-1.amazonaws.com',
      originAccessControlId: '',
      defaultRootObject: 'index.html',
      priceClass: 'PriceClass_100',
      comment: 'dns test',
      tags: {},
    },
    'dns-test-reference',
  )
  const d = await new CloudFrontClient({ region }).send(
    new CreateDistributionWithTagsCommand({
      DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: [] } },
    }),
  )
  return {
    restApiId: rest.id!,
    websocketApiId: ws.ApiId!,
    distributionId: d.Distribution!.Id!,
    distributionDomain: d.Distribution!.DomainName!,
  }
}

/** Steps 04, 05 and 07 as the dns step sees them: their outputs. */
export function standIns(n: () => Neighbours): Step[] {
  const stand = <Id extends 'api' | 'websocket' | 'cloudfront'>(id: Id, number: number, outputs: () => object) =>
    ({
      id,
      number,
      title: `${id} (stand-in)`,
      needs: [],
      inputs: () => null,
      run: async () => outputs(),
    }) as unknown as Step
  return [
    stand('api', 4, () => ({ restApiId: n().restApiId, stage: STAGE })),
    stand('websocket', 5, () => ({ websocketApiId: n().websocketApiId, stage: STAGE })),
    stand('cloudfront', 7, () => ({ distributionId: n().distributionId, domainName: n().distributionDomain })),
  ]
}
