// Step 02: the data stores. DynamoDB tables, and the SQS queues: both are what functions (step 03) read and write, and
// neither needs anything else, so the functions' dead-letter queues and their queue triggers find them made.
import type { TableDescription } from '@aws-sdk/client-dynamodb'
import { settleAll } from '../aws/concurrency.js'
import type { TableConfig } from '../config/types.js'
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

/**
 * A table's outputs once they are final: right after CreateTable for a new one (`created`), else once converged. A
 * table whose stream a trigger reads is handed over only once converged: step 03 maps that stream, which Lambda reads
 * when the mapping is made, so the mapping never depends on a stream still being enabled.
 */
function convergeTable(ctx: StepContext, spec: TableConfig, streamRead: boolean) {
  let known!: (output: TableOutput) => void
  const early = new Promise<TableOutput>((resolve) => (known = resolve))
  const output = (arn: string | undefined, streamArn: unknown): TableOutput => ({
    name: spec.name,
    arn,
    ...(typeof streamArn === 'string' ? { streamArn } : {}),
  })
  const created = (table: TableDescription) => known(output(table.TableArn, table.LatestStreamArn))
  const done = ensureTable(ctx, spec, streamRead ? undefined : created).then(({ result }) => {
    ctx.report(result)
    known(output(result.arn, ctx.record.manifest.resources[result.key]?.attributes?.streamArn))
  })
  // The outputs as first known: what the step publishes and returns alike.
  return { output: Promise.race([early, done]).then(() => early), done }
}

export const dynamodbStep: Step<'dynamodb'> = {
  id: 'dynamodb',
  number: 2,
  title: 'DynamoDB tables and SQS queues',
  needs: [],
  // Without queues the inputs are the tables alone, as before queues existed: an upgrade does not look like a change.
  inputs: (config) => (config.queues.length > 0 ? { tables: config.tables, queues: config.queues } : config.tables),
  async run(ctx) {
    const streamsRead = new Set(
      ctx.config.functions.flatMap((f) => f.triggers.flatMap((t) => (t.type === 'stream' ? [t.table] : []))),
    )
    // Tables are independent: converge them in parallel (DynamoDB allows 500 concurrent table operations).
    const tables = ctx.config.tables.map((spec) => convergeTable(ctx, spec, streamsRead.has(spec.logicalId)))
    const queues = convergeQueues(ctx)
    // Published as soon as every table's name and ARNs are known: the functions (step 03) are made while the new
    // tables become ACTIVE and get their TTL and backups.
    const outputs = Promise.all([Promise.all(tables.map((t) => t.output)), queues]).then(([known, queueOutputs]) => {
      const out: DynamoDbOutputs = {
        tables: Object.fromEntries(ctx.config.tables.map((spec, i) => [spec.logicalId, known[i]!])),
      }
      return ctx.config.queues.length > 0 ? { ...out, queues: queueOutputs } : out
    })
    void outputs.then(
      (o) => ctx.publish?.(o),
      () => undefined,
    )
    // The step ends once every table and queue has converged, and fails with the first that failed.
    await settleAll([...tables.map((t) => t.done), queues])
    return outputs
  },
}
