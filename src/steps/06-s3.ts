// Step 06 (the manual's "S3 프론트엔드 버킷"): a private bucket for the frontend and the site's files in it. Unlike the
// manual there is no website hosting and no public policy: step 07's CloudFront reads the bucket through an origin
// access control, and the bucket policy that allows it is step 07's. The manual's public website is an opt-in
// (`frontend.public_website`), warned about at each run. The general buckets of config (`buckets`) are
// converged here too, with the notifications that trigger functions (after the functions: it needs step 03).
import { converge } from '../resources/engine/converge.js'
import { bucketKind } from '../resources/s3/bucket.js'
import {
  DELETE,
  UPLOAD,
  keyOfField,
  siteFilesKind,
  type SiteFile,
  type SiteFilesSpec,
} from '../resources/s3/site-files.js'
import type { Ensured } from '../resources/types.js'
import {
  bucketSpec,
  frontendConfig,
  runtimeConfigFile,
  runtimeConfigValues,
  s3Outputs,
  siteFilesSpec,
  type S3Outputs,
} from './s3-specs.js'
import { readSiteFolder, runBuild } from './site-folder.js'
import { convergeGeneralBuckets, generalBucketsInputs } from './s3-buckets.js'
import type { Step } from './types.js'

/** What prepare() hands to run(): the build folder's files, read (and built) before any AWS call. */
interface PreparedSite {
  files: Record<string, SiteFile>
}

/** URL paths of what this run uploaded or deleted; a create uploaded every file. */
function changedPaths(result: Ensured, spec: SiteFilesSpec): string[] {
  if (result.action === 'created')
    return Object.keys(spec.files)
      .sort()
      .map((key) => `/${key}`)
  return result.changes.filter((c) => c.to === UPLOAD || c.to === DELETE).map((c) => `/${keyOfField(c.field)}`)
}

export const s3Step: Step<'s3'> = {
  id: 's3',
  number: 6,
  title: 'S3 buckets',
  // config.js carries the REST and WebSocket URLs and the Cognito ids.
  needs: ['api', 'websocket', 'cognito'],
  // S3 notifications invoke the functions' aliases (their ARNs are known from config): when the lambda step runs too,
  // this one waits for it, so the functions exist when S3 tests the destinations.
  softNeeds: ['lambda'],
  inputs: (config, prepared) => ({
    ...generalBucketsInputs(config),
    frontend: config.sections.frontend ?? null,
    files: Object.fromEntries(
      Object.entries((prepared as PreparedSite | undefined)?.files ?? {}).map(([k, f]) => [k, f.sha256]),
    ),
  }),
  preflight(config) {
    frontendConfig(config)
    generalBucketsInputs(config)
  },
  async prepare(ctx): Promise<PreparedSite | undefined> {
    const frontend = frontendConfig(ctx.config)
    // An offline plan reads the manifest only: it neither builds nor reads the folder.
    if (!frontend?.source || ctx.offline) return undefined
    if (frontend.build) await runBuild(frontend.build, ctx.config.files.root, ctx.log)
    return { files: await readSiteFolder(frontend.source.dir, frontend.source.configured, frontend.build) }
  },
  async run(ctx) {
    const buckets = await convergeGeneralBuckets(ctx)
    const withBuckets = (outputs: S3Outputs): S3Outputs => (buckets ? { ...outputs, buckets } : outputs)
    const frontend = frontendConfig(ctx.config)
    if (!frontend) return withBuckets({ changedPaths: [] })
    if (frontend.publicWebsite)
      ctx.log(
        `warning: frontend.public_website is on: bucket ${frontend.bucketName} and every file in it are readable by anyone on the internet, over plain HTTP too`,
      )
    const bucket = await converge(ctx, bucketKind, bucketSpec(ctx.config, frontend))
    ctx.report(bucket.result)
    const prepared = ctx.prepared as PreparedSite | undefined
    // A same-named bucket left alone (no --adopt) is not ours: nothing is uploaded into it.
    if (!bucket.managed || !frontend.source) return withBuckets(s3Outputs(ctx.config, frontend, []))
    const runtimeConfig =
      frontend.runtimeConfigKey &&
      runtimeConfigFile(frontend.runtimeConfigKey, runtimeConfigValues(ctx.identity.region, ctx.upstream))
    // --keep-old-files asks for this deploy what frontend.keep_old_files asks for every deploy.
    const keeping = ctx.keepOldFiles ? { ...frontend, keepOldFiles: true } : frontend
    const spec = {
      ...siteFilesSpec(keeping, prepared?.files ?? {}, runtimeConfig || undefined),
      ...(bucket.result.action === 'created' ? { newBucket: true } : {}),
    }
    const files = await converge(ctx, siteFilesKind, spec)
    ctx.report(files.result)
    return withBuckets(s3Outputs(ctx.config, frontend, changedPaths(files.result, spec)))
  },
}
