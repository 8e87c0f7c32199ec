// Benchmark: step 06's upload of a build folder whose 200 files did not change, against the fake AWS with 50 ms
// added to every call. Only reads are expected: one listing (the manifest vouches for each object's content hash).
// Run with `npx tsx bench/site-files.ts`; printed, never asserted.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { AwsClients } from '../src/aws/clients.js'
import { ManifestStore } from '../src/manifest/index.js'
import { converge } from '../src/resources/engine/converge.js'
import { siteFilesKind } from '../src/resources/s3/site-files.js'
import type { ResourceContext } from '../src/resources/types.js'
import { readSiteFolder } from '../src/steps/site-folder.js'
import { FAST_TIMING } from '../test/support/context.js'
import { createFakeAws } from '../test/support/fake-aws/index.js'

const FILES = 200
const LATENCY_MS = 50

export async function benchSiteFiles(): Promise<Array<{ label: string; value: string }>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'infra-bench-site-'))
  for (let i = 0; i < FILES; i++)
    writeFileSync(path.join(dir, `asset-${i}.3f9a1c${String(i).padStart(2, '0')}.js`), `x${i}`)
  const aws = createFakeAws().install()
  const manifest = await ManifestStore.open(mkdtempSync(path.join(tmpdir(), 'infra-bench-m-')), {
    service: 'bench',
    env: 'bench',
    region: aws.region,
  })
  await manifest.lock({ command: 'bench' })
  const ctx: ResourceContext = {
    aws: new AwsClients({ region: aws.region, dryRun: false }),
    dryRun: false,
    offline: false,
    adopt: false,
    timing: FAST_TIMING,
    record: manifest,
    stepId: 's3',
    identity: { service: 'bench', env: 'bench', region: aws.region, accountId: aws.account },
    log: () => undefined,
  }
  try {
    await ctx.aws.get(S3Client).send(new CreateBucketCommand({ Bucket: 'bench-frontend' }))
    const spec = {
      logicalId: 'site',
      name: 'bench-frontend',
      keepOldFiles: false,
      files: await readSiteFolder(dir, dir),
    }
    await converge(ctx, siteFilesKind, spec)
    aws.latencyMs = LATENCY_MS
    aws.resetCalls()
    const started = performance.now()
    const { result } = await converge(ctx, siteFilesKind, spec)
    const ms = performance.now() - started
    const reads = aws.calls.filter((c) => !c.write).length
    return [
      {
        label: `${FILES} unchanged site files, ${LATENCY_MS} ms per call`,
        value: `${ms.toFixed(0)} ms, ${result.action}, ${reads} reads, ${aws.writes().length} writes (target: reads only, < 1 s)`,
      },
    ]
  } finally {
    aws.restore()
    await manifest.unlock()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchSiteFiles()) console.log(`${row.label}: ${row.value}`)
}
