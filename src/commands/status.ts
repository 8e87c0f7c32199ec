import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import type { StatusReport } from '../output/status.js'

export default class Status extends InfraCommand {
  static override summary =
    'Show each step’s status, when it ran, what it made and the endpoints; --refresh reports drift'
  static override description =
    'Reads the manifest (.infra/<env>/manifest.json) only: no AWS call. --json prints the manifest as recorded (null for an environment never deployed). --refresh reads AWS (never writes) and lists what the next deploy would change.'
  static override examples = [
    '<%= config.bin %> status --env production',
    '<%= config.bin %> status --env dev --refresh',
    '<%= config.bin %> status --json',
  ]
  static override flags = {
    ...envFlags,
    refresh: Flags.boolean({ summary: 'Compare the manifest with AWS and report drift (read-only)', default: false }),
  }

  async run(): Promise<StatusReport> {
    const { flags } = await this.parse(Status)
    const { showStatus } = await import('../cli/actions.js')
    const { report, text } = await showStatus(flags)
    if (!this.jsonEnabled()) this.log(text)
    return report
  }
}
