import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../../cli/base-command.js'
import type { CopyOutcome } from '../../manifest/copy.js'

export default class StateMigrate extends InfraCommand {
  static override summary = 'Move an environment’s manifest between its local folder and S3'
  static override description =
    '--to s3: copies .infra/<env>/manifest.json to the S3 state that config "state" names (run `infra state init` first). --to local: copies the S3 state to .infra/<env>/; then set STATE_BACKEND=local. Either way the manifest must belong to this service and environment, and a different manifest at the destination is never replaced (use state push or pull --force for that).'
  static override examples = [
    '<%= config.bin %> state migrate --to s3 --env production',
    '<%= config.bin %> state migrate --to local --env dev',
  ]
  static override flags = {
    ...envFlags,
    to: Flags.string({ summary: 'Where the manifest goes', options: ['s3', 'local'], required: true }),
  }

  async run(): Promise<CopyOutcome> {
    const { flags } = await this.parse(StateMigrate)
    const { copyState } = await import('../../cli/state-actions.js')
    const direction = flags.to === 's3' ? 'migrate-to-s3' : 'migrate-to-local'
    const { text, ...outcome } = await copyState({ ...flags, direction, force: false })
    if (!this.jsonEnabled()) this.log(text)
    return outcome
  }
}
