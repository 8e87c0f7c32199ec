// Reads config.json and environments/<env>.env, validates both, and resolves them with the flags.
// Order: config.json (syntax, then schema) → flags → the environment exists → its env file → resolution.
import { statSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../errors/index.js'
import { parseEnvFile, type EnvFile } from './env-file.js'
import { CONFIG_HINT, closest, didYouMean, issuesError, type ConfigIssue, type Locate } from './issues.js'
import { parseJsonSource } from './json-source.js'
import { isKnownRegion, knownRegions } from './regions.js'
import { resolveConfig } from './resolve.js'
import { configSchema } from './schema.js'
import type { ConfigFlags, ResolvedConfig } from './types.js'
import { zodIssues } from './zod-issues.js'

export interface LoadOptions {
  /** The folder holding config.json and environments/. */
  root: string
  /** The name of a file in environments/ (without .env); default: config.json's `environment`. */
  env?: string
  flags?: ConfigFlags
}

export const ENVIRONMENTS_DIR = 'environments'

/** The environments that exist: the names of environments/*.env, sorted. */
export async function listEnvironments(root: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(path.join(root, ENVIRONMENTS_DIR))
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return []
    throw unreadable(path.join(root, ENVIRONMENTS_DIR), e)
  }
  return names
    .filter((n) => n.endsWith('.env') && n.length > '.env'.length)
    .map((n) => n.slice(0, -'.env'.length))
    .sort()
}

/** Loads, validates and resolves the config of one environment; every failure is a ConfigError (exit code 2). */
export async function loadConfig(opts: LoadOptions): Promise<ResolvedConfig> {
  const root = path.resolve(opts.root)
  const flags = opts.flags ?? {}
  const configPath = path.join(root, 'config.json')
  const configFile = shown(configPath)

  const parsed = parseJsonSource(await readText(configPath, 'ConfigNotFound'), configFile)
  if ('issues' in parsed) throw issuesError('InvalidConfig', parsed.issues, CONFIG_HINT)
  const result = configSchema.safeParse(parsed.value, { reportInput: true })
  if (!result.success) {
    const ctx = { schema: configSchema, value: parsed.value, locate: parsed.locate, file: configFile }
    throw issuesError('InvalidConfig', zodIssues(result.error.issues, ctx), CONFIG_HINT)
  }
  checkFlags(flags)

  const env = opts.env ?? result.data.environment
  const environments = await listEnvironments(root)
  if (!environments.includes(env)) throw unknownEnvironment(env, environments, opts.env === undefined)
  const envPath = path.join(root, ENVIRONMENTS_DIR, `${env}.env`)
  const envFile = parseEnvFile(await readText(envPath, 'UnknownEnvironment'), shown(envPath))

  const config = resolveConfig({
    raw: result.data,
    env,
    envFile,
    flags,
    files: { root, config: configPath, envFile: envPath },
    configFile,
    locate: parsed.locate,
    fileExists: isFileOrFolder,
  })
  checkRegionExists(config.region, { flags, envFile, configFile, locate: parsed.locate })
  return config
}

/** A well-formed region the SDK does not list is refused where it was set (flag, env file line, config.json). */
function checkRegionExists(
  region: string,
  from: { flags: ConfigFlags; envFile: EnvFile; configFile: string; locate: Locate },
): void {
  if (isKnownRegion(region)) return
  const line = from.envFile.lines.AWS_REGION
  const where: Omit<ConfigIssue, 'message'> =
    from.flags.region !== undefined
      ? { file: '--region' }
      : line !== undefined
        ? { file: from.envFile.file, position: { line }, field: 'AWS_REGION' }
        : { file: from.configFile, position: from.locate(['region']), field: 'region' }
  const message = `"${region}" is not an AWS region (${didYouMean(region, knownRegions())}the AWS SDK lists ${knownRegions().length} regions, e.g. us-east-1, eu-west-1)`
  throw issuesError('UnknownRegion', [{ ...where, message }], "Set a region from the AWS SDK's list, then rerun.")
}

/**
 * Other environments that would collide with this one: the same SERVICE_NAME in the same account (every resource
 * gets the same name), or the same ENVIRONMENT (a copied env file: aliases and stages named after another one).
 * Environments whose own files do not load are skipped: `infra validate` reports them.
 */
export async function sharedNameWarnings(config: ResolvedConfig): Promise<string[]> {
  const root = config.files.root
  const others = (await listEnvironments(root)).filter((e) => e !== config.env)
  const loaded = await Promise.all(others.map((env) => loadConfig({ root, env }).catch(() => undefined)))
  const file = (env: string) => `${ENVIRONMENTS_DIR}/${env}.env`
  return loaded.flatMap((other) => {
    if (!other) return []
    if (other.serviceName === config.serviceName && other.accountId === config.accountId)
      return [
        `${file(config.env)} and ${file(other.env)} share SERVICE_NAME ${config.serviceName} in account ${config.accountId}: their resources get the same names. Give each environment its own SERVICE_NAME.`,
      ]
    if (other.environment === config.environment)
      return [
        `${file(config.env)} and ${file(other.env)} share ENVIRONMENT=${config.environment} (a copied file?): Lambda aliases and API stages are named after it. Set ENVIRONMENT=${config.env} in ${file(config.env)}.`,
      ]
    return []
  })
}

function checkFlags(flags: ConfigFlags): void {
  const issues: ConfigIssue[] = []
  if (flags.region !== undefined) {
    const region = configSchema.shape.region.safeParse(flags.region)
    if (!region.success) {
      issues.push({ file: '--region', message: `"${flags.region}" is not valid (${region.error.issues[0]?.message})` })
    }
  }
  if (flags.profile !== undefined && !/^\S+$/.test(flags.profile)) {
    issues.push({ file: '--profile', message: `"${flags.profile}" is not valid (a profile name from ~/.aws/config)` })
  }
  if (issues.length > 0) {
    throw issuesError('InvalidFlag', issues, 'Fix the flag, or leave it out to use the env file and config.json.')
  }
}

function unknownEnvironment(env: string, environments: string[], fromConfig: boolean): ConfigError {
  const near = closest(env, environments)
  const source = fromConfig ? ` (config.json's "environment", used when --env is not given)` : ''
  const existing =
    environments.length > 0 ? `environments: ${environments.join(', ')}` : `${ENVIRONMENTS_DIR}/ has no .env files`
  const guess = near ? `did you mean ${near}? ` : ''
  const file = `${ENVIRONMENTS_DIR}/${env}.env`
  return new ConfigError('UnknownEnvironment', `environment "${env}"${source} does not exist (${guess}${existing})`, {
    hint:
      environments.length > 0
        ? `Pass --env ${near ?? `with one of ${environments.join(', ')}`}, or create ${file} (copy an existing one and edit it).`
        : `Create ${file} with SERVICE_NAME, ENVIRONMENT and AWS_REGION, then rerun.`,
  })
}

async function readText(file: string, missingCode: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') {
      throw new ConfigError(missingCode, `reading ${path.basename(file)} (${file}): no such file`, {
        hint: `Run infra from the folder that holds config.json and ${ENVIRONMENTS_DIR}/, or create ${file}.`,
        cause: e,
      })
    }
    throw unreadable(file, e)
  }
}

function unreadable(file: string, e: unknown): ConfigError {
  const reason = errnoCode(e) ?? (e instanceof Error ? e.message : String(e))
  return new ConfigError('ConfigUnreadable', `reading ${path.basename(file)} (${file}): ${reason}`, {
    hint: `Check that ${file} is a readable file, then rerun.`,
    cause: e,
  })
}

function errnoCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined
}

/** A file (a Node.js handler's entry) or a folder (a Python function's, a layer's): packaging checks which it needs. */
function isFileOrFolder(file: string): boolean {
  try {
    const found = statSync(file)
    return found.isFile() || found.isDirectory()
  } catch {
    return false
  }
}

/** A path as messages show it: relative to the working directory when inside it (clickable), else absolute. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}
