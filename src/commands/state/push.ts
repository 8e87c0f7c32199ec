import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../../cli/base-command.js'
import type { CopyOutcome } from '../../manifest/copy.js'

export default class StatePush extends InfraCommand {
  static override summary = 'Copy .infra/<env>/manifest.json to the environment’s S3 state'
  static override description =
    'Takes the S3 state’s lock while it writes; a different manifest in S3 is replaced only with --force (the bucket keeps the replaced version). The manifest must belong to this service and environment.'
  static override examples = [
    '<%= config.bin %> state push --env production',
    '<%= config.bin %> state push --env dev --force',
  ]
  static override flags = {
    ...envFlags,
    force: Flags.boolean({ summary: 'Replace a different manifest at the destination', default: false }),
  }

  async run(): Promise<CopyOutcome> {
    const { flags } = await this.parse(StatePush)
    const { copyState } = await import('../../cli/state-actions.js')
    const { text, ...outcome } = await copyState({ ...flags, direction: 'push' })
    if (!this.jsonEnabled()) this.log(text)
    return outcome
  }
}
