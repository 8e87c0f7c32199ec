// `infra outputs --to-ssm <prefix>`: every recorded output written as a String parameter `<prefix>/<KEY>` (the same
// kind as the parameters section), recorded under "outputs" so that destroy removes them and a later --to-ssm with the
// same prefix removes what is no longer an output. Unchanged values send nothing.
import { resourceContext, type Context } from '../context/context.js'
import { ConfigError, StepError } from '../errors/index.js'
import { PARAMETER_KIND } from '../resources/ssm/parameter.js'
import type { Ensured } from '../resources/types.js'
import { removeRecords } from '../runner/prune.js'
import { ensureParameters } from '../steps/parameters-specs.js'

/** The manifest's step id for what --to-ssm writes (not a step: runs never prune it). */
export const OUTPUTS_RECORD_STEP = 'outputs'

const PREFIX = /^(\/[A-Za-z0-9_.-]+)+$/

export function checkSsmPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '')
  if (!PREFIX.test(trimmed) || /^\/(aws|ssm)/i.test(trimmed))
    throw new ConfigError('InvalidSsmPrefix', `--to-ssm ${JSON.stringify(prefix)} is not a parameter path`, {
      hint: 'Give a path such as /my-service/production: / then letters, digits, . - _, not starting with /aws or /ssm.',
    })
  return trimmed
}

/** Writes each value under the prefix and removes what an earlier --to-ssm wrote there that is no output now. */
export async function writeOutputsToSsm(
  ctx: Context,
  values: Record<string, string>,
  prefix: string,
): Promise<Ensured[]> {
  const rctx = resourceContext(ctx, OUTPUTS_RECORD_STEP, () => undefined)
  const specs = Object.entries(values)
    .filter(([, value]) => value !== '') // SSM refuses an empty value
    .map(([key, value]) => ({
      logicalId: `${prefix}/${key}`,
      name: `${prefix}/${key}`,
      value,
      description: `infra outputs of ${ctx.config.serviceName} (${ctx.config.env})`,
      tags: ctx.config.tags,
    }))
  const written = await ensureParameters(rctx, specs)
  const live = new Set(written.map((r) => r.key))
  const stale = Object.entries(ctx.manifest.manifest.resources)
    .filter(
      ([key, r]) =>
        r.step === OUTPUTS_RECORD_STEP &&
        r.kind === PARAMETER_KIND &&
        r.name.startsWith(`${prefix}/`) &&
        !live.has(key),
    )
    .sort(([, a], [, b]) => b.createdAt.localeCompare(a.createdAt))
  const results = [...written, ...(await removeRecords(rctx, stale))]
  const strangers = results.filter((r) => r.action === 'unmanaged').map((r) => r.name)
  if (strangers.length > 0)
    throw new StepError(
      'ResourceNotManaged',
      `writing outputs to SSM: ${strangers.join(', ')} ${strangers.length === 1 ? 'exists' : 'exist'} without this service's infra tags and ${strangers.length === 1 ? 'was' : 'were'} left alone`,
      { hint: 'Choose another --to-ssm prefix, or delete those parameters if they are stale, then rerun.' },
    )
  return results
}

/** One line per parameter: `+ /svc/prod/API_URL (created)`. */
export function formatSsmResults(results: Ensured[]): string {
  const mark: Record<string, string> = { created: '+', updated: '~', deleted: '-', unchanged: '=' }
  return results.map((r) => `${mark[r.action] ?? '!'} ${r.name} (${r.action})\n`).join('')
}
