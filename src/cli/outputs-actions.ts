// What `infra outputs` does: the manifest's recorded values, no AWS call, in the format another tool reads.
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { loadContext } from '../context/context.js'
import { ConfigError } from '../errors/index.js'
import { collectOutputs, formatOutputs, type OutputFormat } from '../output/outputs.js'
import { neverDeployed } from '../output/status.js'
import { STEP_IDS } from '../steps/types.js'
import type { CommonOptions } from './actions.js'
import { checkSsmPrefix, formatSsmResults, writeOutputsToSsm } from './outputs-to-ssm.js'
import type { Ensured } from '../resources/types.js'

export interface OutputsRequest extends CommonOptions {
  format: OutputFormat
  /** Write the values to this file instead of stdout. */
  output?: string
  /** Also write every value to SSM Parameter Store under this path (`/svc/prod` → `/svc/prod/API_URL`). */
  toSsm?: string
}

export interface OutputsResult {
  values: Record<string, string>
  text: string
  /** The file written, when --output was given. */
  file?: string
  /** With --to-ssm: what was written (or removed) in Parameter Store, and its lines for the user. */
  ssm?: { prefix: string; results: Ensured[]; text: string }
}

export async function showOutputs(req: OutputsRequest): Promise<OutputsResult> {
  const prefix = req.toSsm === undefined ? undefined : checkSsmPrefix(req.toSsm)
  const ctx = await loadContext({
    root: path.dirname(path.resolve(req.config)),
    env: req.env,
    profile: req.profile,
    region: req.region,
    command: 'outputs',
    // --to-ssm writes: the account is checked and the manifest locked, as for a deploy (no code is built).
    ...(prefix === undefined ? { mode: 'read' } : { mode: 'apply', localChecks: false }),
  })
  try {
    if (!ctx.manifest.exists)
      throw new ConfigError(
        'NotDeployed',
        `reading the outputs of environment ${ctx.config.env}: nothing is recorded`,
        {
          hint: neverDeployed(ctx.config.env),
        },
      )
    // The parameters step's outputs are the ARNs of parameters: not copied into more parameters.
    const values = collectOutputs(
      ctx.manifest.manifest,
      STEP_IDS.filter((id) => id !== 'parameters'),
    )
    const text = formatOutputs(values, req.format)
    const results = prefix === undefined ? undefined : await writeOutputsToSsm(ctx, values, prefix)
    const ssm = results && prefix !== undefined ? { ssm: { prefix, results, text: formatSsmResults(results) } } : {}
    if (!req.output) return { values, text, ...ssm }
    const file = path.resolve(req.output)
    await writeFileAtomic(file, text)
    return { values, text, file, ...ssm }
  } finally {
    await ctx.close()
  }
}
