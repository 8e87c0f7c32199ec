import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../../cli/base-command.js'
import type { StateBucketResult } from '../../resources/s3/state-bucket.js'

export default class StateInit extends InfraCommand {
  static override summary = 'Create the S3 bucket that holds the state (versioned, encrypted, private, tagged)'
  static override description =
    'Reads config "state" (or STATE_* in the env file) of the environment: the bucket is created in state.region with Block Public Access on, ACLs disabled, default encryption, versioning (replaced manifest versions kept 90 days) and tags. Run it again to bring an existing bucket back to those settings; a second run changes nothing. The bucket is shared by every environment whose state names it and is never deleted by infra.'
  static override examples = [
    '<%= config.bin %> state init --env production',
    '<%= config.bin %> state init --env dev --dry-run',
  ]
  static override flags = {
    ...envFlags,
    'dry-run': Flags.boolean({ summary: 'Show what would be created or changed; change nothing', default: false }),
    adopt: Flags.boolean({
      summary: 'Take over a same-named bucket of this account that infra did not make',
      default: false,
    }),
  }

  async run(): Promise<StateBucketResult> {
    const { flags } = await this.parse(StateInit)
    const { initState } = await import('../../cli/state-actions.js')
    const { text, ...result } = await initState({ ...flags, dryRun: flags['dry-run'] }, (line) => {
      if (!this.jsonEnabled()) this.log(line)
    })
    if (!this.jsonEnabled()) this.log(text)
    return result
  }
}
