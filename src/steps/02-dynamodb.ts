import { ensureTable } from '../resources/dynamodb/table.js'
import type { TableOutput } from './outputs.js'
import type { Step } from './types.js'

export const dynamodbStep: Step<'dynamodb'> = {
  id: 'dynamodb',
  number: 2,
  title: 'DynamoDB tables',
  needs: [],
  inputs: (config) => config.tables,
  async run(ctx) {
    const tables: Record<string, TableOutput> = {}
    // Tables are independent: converge them in parallel (DynamoDB allows 500 concurrent table operations).
    await Promise.all(
      ctx.config.tables.map(async (spec) => {
        const result = await ensureTable(ctx, spec)
        ctx.report(result)
        const streamArn = ctx.record.manifest.resources[result.key]?.attributes?.streamArn
        tables[spec.logicalId] = {
          name: spec.name,
          arn: result.arn,
          ...(typeof streamArn === 'string' ? { streamArn } : {}),
        }
      }),
    )
    return { tables }
  },
}
