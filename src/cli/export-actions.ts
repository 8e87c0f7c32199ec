// What `infra export --openapi` does: the REST API's OpenAPI document exactly as step 04 sends it (PutRestApi), for
// API clients and docs. From config.json and the manifest only (no AWS call besides reading S3 state): the
// functions' alias ARNs and the user pool's come from the last lambda and cognito runs the manifest records; what it
// does not know yet is computed from config (an alias ARN) or left as "(known after apply)" (a user pool never
// deployed), and the result says so.
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { loadContext } from '../context/context.js'
import { ConfigError } from '../errors/index.js'
import type { Manifest } from '../manifest/types.js'
import { documentText, type OpenApiDocument } from '../resources/apigateway/rest-api-openapi.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { restApiPlan, restApiUpstream } from '../steps/rest-api-specs.js'
import type { Upstream } from '../steps/types.js'
import type { CommonOptions } from './actions.js'

export interface ExportRequest extends CommonOptions {
  /** Write the document to this file instead of stdout. */
  out?: string
}

export interface ExportResult {
  /** The environment exported (config.json's when --env is not given). */
  env: string
  document: OpenApiDocument
  /** The document as JSON, two-space indented, keys sorted (the text whose hash names the API's deployments). */
  text: string
  /** What the manifest did not know, for stderr. */
  notes: string[]
  file?: string
}

/** The outputs of the steps the document reads (lambda, cognito), as their last finished runs recorded them. */
function recordedUpstream(manifest: Manifest): Upstream {
  const upstream: Upstream = {}
  for (const id of ['lambda', 'cognito'] as const) {
    const record = manifest.steps[id]
    // The manifest holds what the step returned when it last finished: its StepOutputs shape.
    if (record?.status === 'done') Object.assign(upstream, { [id]: record.outputs })
  }
  return upstream
}

export async function exportOpenApi(req: ExportRequest): Promise<ExportResult> {
  const ctx = await loadContext({
    root: path.dirname(path.resolve(req.config)),
    env: req.env,
    profile: req.profile,
    region: req.region,
    command: 'export',
    mode: 'read',
  })
  try {
    const { config } = ctx
    const upstream = recordedUpstream(ctx.manifest.manifest)
    const plan = restApiPlan(config, restApiUpstream(config, upstream, true))
    if (!plan)
      throw new ConfigError(
        'NoRestApi',
        `exporting the REST API of ${config.env}: config.json has no rest_api section`,
        {
          hint: 'Add a rest_api section (endpoints, cors) to config.json; `infra init` writes an example.',
        },
      )
    const notes: string[] = []
    if (!upstream.lambda)
      notes.push(
        `the lambda step has not run in ${config.env}: the functions' alias ARNs are computed from config.json`,
      )
    if (config.sections.cognito && !upstream.cognito)
      notes.push(`the cognito step has not run in ${config.env}: the user pool's ARN reads "${KNOWN_AFTER_APPLY}"`)
    const text = `${JSON.stringify(JSON.parse(documentText(plan.document)), null, 2)}\n`
    if (!req.out) return { env: config.env, document: plan.document, text, notes }
    const file = path.resolve(req.out)
    await writeFileAtomic(file, text)
    return { env: config.env, document: plan.document, text, notes, file }
  } finally {
    await ctx.close()
  }
}
