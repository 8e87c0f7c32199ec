// What `infra outputs` does: the manifest's recorded values, no AWS call, in the format another tool reads.
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { loadContext } from '../context/context.js'
import { ConfigError } from '../errors/index.js'
import { collectOutputs, formatOutputs, type OutputFormat } from '../output/outputs.js'
import { neverDeployed } from '../output/status.js'
import { STEP_IDS } from '../steps/types.js'
import type { CommonOptions } from './actions.js'

export interface OutputsRequest extends CommonOptions {
  format: OutputFormat
  /** Write the values to this file instead of stdout. */
  output?: string
}

export interface OutputsResult {
  values: Record<string, string>
  text: string
  /** The file written, when --output was given. */
  file?: string
}

export async function showOutputs(req: OutputsRequest): Promise<OutputsResult> {
  const ctx = await loadContext({
    root: path.dirname(path.resolve(req.config)),
    env: req.env,
    profile: req.profile,
    region: req.region,
    command: 'outputs',
    mode: 'read',
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
    const values = collectOutputs(ctx.manifest.manifest, STEP_IDS)
    const text = formatOutputs(values, req.format)
    if (!req.output) return { values, text }
    const file = path.resolve(req.output)
    await writeFileAtomic(file, text)
    return { values, text, file }
  } finally {
    await ctx.close()
  }
}
