import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../../cli/base-command.js'
import type { CopyOutcome } from '../../manifest/copy.js'

export default class StatePull extends InfraCommand {
  static override summary = 'Copy the S3 state of an environment to .infra/<env>/manifest.json'
  static override description =
    'For inspection or a backup: runs keep reading the S3 state. A different local manifest is replaced only with --force (the one replaced is kept as manifest.json.backup). The manifest must belong to this service and environment.'
  static override examples = [
    '<%= config.bin %> state pull --env production',
    '<%= config.bin %> state pull --env dev --force',
  ]
  static override flags = {
    ...envFlags,
    force: Flags.boolean({ summary: 'Replace a different manifest at the destination', default: false }),
  }

  async run(): Promise<CopyOutcome> {
    const { flags } = await this.parse(StatePull)
    const { copyState } = await import('../../cli/state-actions.js')
    const { text, ...outcome } = await copyState({ ...flags, direction: 'pull' })
    if (!this.jsonEnabled()) this.log(text)
    return outcome
  }
}
