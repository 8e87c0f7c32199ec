import path from 'node:path'
import { AwsClients } from '../aws/clients.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import type { ManifestBackend } from './backend.js'
import { LocalBackend } from './local-backend.js'
import { S3Backend } from './s3-backend.js'
import type { LeaseOptions } from './s3-lock.js'

export interface BackendOptions {
  /** The folder of config.json: the local manifest is `<root>/.infra/<env>/`. */
  root: string
  /** The state's own clients refuse writes too (plan and status only read it). */
  dryRun: boolean
  /** `plan --offline`: no AWS call at all, so the state must be local. */
  offline?: boolean
  /** Tests: the lease and the clock it is judged by. */
  lease?: LeaseOptions
}

/** The backend config "state" names for this environment. */
export function stateBackend(config: ResolvedConfig, opts: BackendOptions): ManifestBackend {
  if (config.state.backend === 'local') return localBackendOf(config, opts.root)
  if (opts.offline) {
    throw new ConfigError(
      'OfflineNeedsLocalState',
      `planning environment ${config.env} offline: its state is in S3 (s3://${config.state.bucket}/${config.state.prefix}), which --offline may not read`,
      { hint: `Run \`infra plan --env ${config.env}\` with AWS credentials.` },
    )
  }
  // Its own clients, in the bucket's region; writes are allowed only when the run may write.
  const aws = new AwsClients({ region: config.state.region, profile: config.profile, dryRun: opts.dryRun })
  return new S3Backend(aws, config.state, config.env, opts.lease)
}

export function localBackendOf(config: ResolvedConfig, root: string): LocalBackend {
  return new LocalBackend(path.join(root, '.infra', config.env), config.env)
}
