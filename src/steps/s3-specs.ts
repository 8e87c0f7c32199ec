// Pure: config → step 06's bucket and site files, the runtime config.js, and the step's outputs. Unit-tested.
import path from 'node:path'
import { expandTemplate, templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import { partitionOf } from '../resources/common.js'
import { regionalDomainName, type BucketSpec } from '../resources/s3/bucket-diff.js'
import { websiteDomainName, type BucketWebsite } from '../resources/s3/bucket-website.js'
import type { SiteFile, SiteFilesSpec } from '../resources/s3/site-files.js'
import type { BucketOutput } from './bucket-specs.js'
import type { Outputs, Upstream } from './outputs.js'
import { REVALIDATE, contentTypeFor, sha256 } from './site-folder.js'

export interface FrontendConfig {
  bucketName: string
  /** The build folder: as written in config, and resolved against the config folder. */
  source?: { configured: string; dir: string }
  build?: string
  runtimeConfigKey?: string
  kmsKeyId?: string
  noncurrentVersionDays: number
  keepOldFiles: boolean
  /** The manual's public website hosting (opt-in): its index and error documents; absent, the bucket is private. */
  publicWebsite?: BucketWebsite
}

export interface S3Outputs extends Outputs {
  /** Absent when config has no frontend section. */
  bucket?: {
    name: string
    arn: string
    regionalDomainName: string
    /** Only for a public website: step 07 then reads this endpoint and puts a public-read policy. */
    websiteDomainName?: string
  }
  /** The general buckets of config, by key (absent when there are none). */
  buckets?: Record<string, BucketOutput>
  /** URL paths (`/index.html`) uploaded or deleted by this run: what step 07 invalidates. */
  changedPaths: string[]
}

// S3's rules for general purpose bucket names (the ones a template can break).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/

export function frontendConfig(config: ResolvedConfig): FrontendConfig | undefined {
  const raw = config.sections.frontend
  if (!raw) return undefined
  const { value, problems } = expandTemplate(raw.bucket, templateVars(config))
  if (problems.length === 0 && (!BUCKET_NAME.test(value) || value.includes('..') || IP_ADDRESS.test(value))) {
    problems.push(
      `"${value}" is not a valid bucket name (3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit)`,
    )
  }
  if (problems.length > 0) {
    throw new ConfigError('InvalidConfig', `frontend.bucket: ${problems.join('; ')}`, {
      hint: 'Fix frontend.bucket in config.json, then rerun.',
    })
  }
  return {
    bucketName: value,
    ...(raw.source !== undefined && {
      source: { configured: raw.source, dir: path.resolve(config.files.root, raw.source) },
    }),
    ...(raw.build !== undefined && { build: raw.build }),
    ...(raw.runtime_config !== undefined && { runtimeConfigKey: raw.runtime_config }),
    ...(raw.kms_key !== undefined && { kmsKeyId: raw.kms_key }),
    noncurrentVersionDays: raw.noncurrent_version_days,
    keepOldFiles: raw.keep_old_files,
    ...(raw.public_website && {
      publicWebsite: {
        indexDocument: raw.index_document,
        ...(raw.error_document !== undefined && { errorDocument: raw.error_document }),
      },
    }),
  }
}

export function bucketSpec(config: ResolvedConfig, frontend: FrontendConfig): BucketSpec {
  return {
    logicalId: 'frontend',
    name: frontend.bucketName,
    region: config.region,
    ...(frontend.kmsKeyId && { kmsKeyId: frontend.kmsKeyId }),
    noncurrentVersionDays: frontend.noncurrentVersionDays,
    // Always managed: turning the option off removes the hosting and blocks public access again.
    website: frontend.publicWebsite ?? false,
    tags: config.tags,
  }
}

/** What the page needs to reach this environment, known only once the upstream steps ran: never built into the files. */
export function runtimeConfigValues(region: string, upstream: Upstream): Record<string, string> {
  const values = {
    region,
    restApiUrl: upstream.api?.url,
    websocketUrl: upstream.websocket?.url,
    userPoolId: upstream.cognito?.userPoolId,
    userPoolClientId: upstream.cognito?.clientId,
    hostedUiUrl: upstream.cognito?.hostedUiUrl,
  }
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined))
}

export function runtimeConfigFile(key: string, values: Record<string, string>): SiteFile {
  const text = `// Written by infra at deploy time: where this environment's APIs and sign-in live.\nwindow.INFRA_CONFIG = ${JSON.stringify(values, null, 2)}\n`
  return { sha256: sha256(text), contentType: contentTypeFor(key), cacheControl: REVALIDATE, source: { text } }
}

export function siteFilesSpec(
  frontend: FrontendConfig,
  folder: Record<string, SiteFile>,
  runtimeConfig?: SiteFile,
): SiteFilesSpec {
  const files = { ...folder }
  // The generated file wins over one of the same name in the folder (a developer's local copy).
  if (frontend.runtimeConfigKey && runtimeConfig) files[frontend.runtimeConfigKey] = runtimeConfig
  return { logicalId: 'site', name: frontend.bucketName, files, keepOldFiles: frontend.keepOldFiles }
}

export function s3Outputs(config: ResolvedConfig, frontend: FrontendConfig, changedPaths: string[]): S3Outputs {
  const name = frontend.bucketName
  return {
    bucket: {
      name,
      arn: `arn:${partitionOf(config.region)}:s3:::${name}`,
      regionalDomainName: regionalDomainName(name, config.region),
      ...(frontend.publicWebsite && { websiteDomainName: websiteDomainName(name, config.region) }),
    },
    changedPaths,
  }
}
