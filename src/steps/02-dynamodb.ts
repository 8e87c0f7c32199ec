// Step 02: the data stores. DynamoDB tables, and the SQS queues: both are what functions (step 03) read and write, and
// neither needs anything else, so the functions' dead-letter queues and their queue triggers find them made.
import { ensureTable } from '../resources/dynamodb/table.js'
import { converge } from '../resources/engine/converge.js'
import { queueKind } from '../resources/sqs/queue.js'
import type { DynamoDbOutputs, QueueOutput, TableOutput } from './outputs.js'
import { queueOutput, queueSpec, queueWaves } from './queue-specs.js'
import type { Step, StepContext } from './types.js'

async function convergeQueues(ctx: StepContext): Promise<Record<string, QueueOutput>> {
  const queues: Record<string, QueueOutput> = {}
  for (const wave of queueWaves(ctx.config)) {
    await Promise.all(
      wave.map(async (queue) => {
        const { result, observed } = await converge(ctx, queueKind, queueSpec(ctx.config, queue))
        ctx.report(result)
        const known = queueOutput(ctx.config, queue)
        queues[queue.logicalId] = { ...known, url: observed?.url ?? known.url, arn: result.arn ?? known.arn }
      }),
    )
  }
  return queues
}

export const dynamodbStep: Step<'dynamodb'> = {
  id: 'dynamodb',
  number: 2,
  title: 'DynamoDB tables and SQS queues',
  needs: [],
  // Without queues the inputs are the tables alone, as before queues existed: an upgrade does not look like a change.
  inputs: (config) => (config.queues.length > 0 ? { tables: config.tables, queues: config.queues } : config.tables),
  async run(ctx) {
    const tables: Record<string, TableOutput> = {}
    // Tables are independent: converge them in parallel (DynamoDB allows 500 concurrent table operations).
    const convergeTables = Promise.all(
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
    const [, queues] = await Promise.all([convergeTables, convergeQueues(ctx)])
    const outputs: DynamoDbOutputs = { tables }
    return ctx.config.queues.length > 0 ? { ...outputs, queues } : outputs
  },
}
