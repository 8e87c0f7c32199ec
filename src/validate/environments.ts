// `infra validate`: every environment (or the one asked for) loaded and checked offline. No credentials are read
// and no AWS client is built: what a deploy would find before its first write, without deploying.
import { listEnvironments, loadConfig } from '../config/index.js'
import { ConfigError } from '../errors/index.js'
import { validateLocally, type LocalValidation } from './index.js'
import type { PackageCheckOptions } from './package-functions.js'

export interface ValidationReport {
  /** Every environment checked, each valid (a failure throws). */
  environments: LocalValidation[]
}

/** Checks `env`, or every environment in environments/; one ConfigError (exit code 2) for all that fail. */
export async function validateEnvironments(
  opts: { root: string; env?: string } & PackageCheckOptions,
): Promise<ValidationReport> {
  const envs = opts.env !== undefined ? [opts.env] : await listEnvironments(opts.root)
  // None at all: loading config.json's default environment says what is missing.
  const names: Array<string | undefined> = envs.length > 0 ? envs : [undefined]
  const valid: LocalValidation[] = []
  const failures: Array<{ env: string | undefined; error: ConfigError }> = []
  for (const env of names) {
    try {
      valid.push(await validateLocally(await loadConfig({ root: opts.root, env }), opts))
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e
      failures.push({ env, error: e })
    }
  }
  if (failures.length > 0) throw combined(failures, names.length)
  return { environments: valid }
}

/** A mistake in config.json fails every environment alike: each distinct message once, with the environments. */
function combined(failures: Array<{ env: string | undefined; error: ConfigError }>, checked: number): ConfigError {
  const first = failures[0]!.error
  if (checked === 1) return first
  const byMessage = new Map<string, string[]>()
  for (const { env, error } of failures)
    byMessage.set(error.message, [...(byMessage.get(error.message) ?? []), env ?? '(default)'])
  const message = [...byMessage]
    .map(([text, envs]) => `${envs.length === checked ? 'every environment' : envs.join(', ')}:\n${text}`)
    .join('\n')
  return new ConfigError(first.code, message, { hint: first.hint })
}

export function formatValidation(report: ValidationReport): string {
  return report.environments
    .map(
      (v) =>
        `✔ ${v.env}: config.json, environments/${v.env}.env and ${v.functions} handler${v.functions === 1 ? '' : 's'} (${v.runtimes.join(', ') || 'none'}) are valid`,
    )
    .join('\n')
}
