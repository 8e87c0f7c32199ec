// What `infra init` does: writes a new service's files, never over an existing one.
import { mkdir, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { configSchema } from '../config/schema.js'
import { isKnownRegion, knownRegions } from '../config/regions.js'
import { didYouMean, listOf } from '../config/issues.js'
import { ConfigError } from '../errors/index.js'
import { INIT_FEATURES, initFiles, PLACEHOLDER_ACCOUNT, type InitFeature, type InitOptions } from './init-files.js'

export interface InitRequest {
  dir: string
  name: string
  region: string
  accountId?: string
  with: string[]
}

export interface InitResult {
  dir: string
  files: string[]
  next: string[]
}

function checked(req: InitRequest): InitOptions {
  const problems: string[] = []
  const fieldProblem = (flag: string, value: string, schema: z.ZodType) => {
    const result = schema.safeParse(value)
    if (!result.success) problems.push(`${flag} "${value}" is not valid (${result.error.issues[0]?.message})`)
  }
  fieldProblem('--name', req.name, configSchema.shape.service_name)
  fieldProblem('--region', req.region, configSchema.shape.region)
  if (configSchema.shape.region.safeParse(req.region).success && !isKnownRegion(req.region))
    problems.push(
      `--region "${req.region}" is not an AWS region (${didYouMean(req.region, knownRegions())}e.g. us-east-1)`,
    )
  if (req.accountId !== undefined) fieldProblem('--account-id', req.accountId, configSchema.shape.account_id)
  const features = req.with.filter((f): f is InitFeature => (INIT_FEATURES as readonly string[]).includes(f))
  for (const f of req.with.filter((x) => !features.includes(x as InitFeature)))
    problems.push(
      `--with ${f} is not offered (${didYouMean(f, INIT_FEATURES)}choose from ${listOf([...INIT_FEATURES])})`,
    )
  if (problems.length > 0)
    throw new ConfigError('InvalidFlag', problems.join('\n'), { hint: 'Fix the flag, then rerun `infra init`.' })
  return { name: req.name, region: req.region, accountId: req.accountId, features }
}

export async function initService(req: InitRequest): Promise<InitResult> {
  const options = checked(req)
  const files = initFiles(options)
  const dir = path.resolve(req.dir)
  const existing = Object.keys(files).filter((f) => existsSync(path.join(dir, f)))
  if (existing.length > 0)
    throw new ConfigError(
      'InitWouldOverwrite',
      `initialising ${dir}: ${listOf(existing)} already exist; nothing was written`,
      {
        hint: 'Run `infra init` in an empty folder (or pass --dir), or move those files away first.',
      },
    )
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file)
    await mkdir(path.dirname(target), { recursive: true })
    // wx: a file that appeared since the check above is not replaced.
    await writeFile(target, content, { flag: 'wx' })
  }
  const next = [
    ...(req.accountId === undefined
      ? [`Set account_id in config.json to your 12-digit AWS account (it is ${PLACEHOLDER_ACCOUNT} for now).`]
      : []),
    'infra validate                  # every local check, offline',
    'infra plan --env dev --offline  # what would be created, without AWS',
    'infra deploy-all --env dev      # with AWS credentials for that account',
  ]
  return { dir, files: Object.keys(files), next }
}
