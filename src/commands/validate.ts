import path from 'node:path'
import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import type { ValidationReport } from '../validate/environments.js'

export default class Validate extends InfraCommand {
  static override summary = 'Check config.json, the env files and every handler, offline: what a deploy checks first'
  static override description =
    'Needs no AWS credentials and makes no AWS call. Checks config.json and each env file (every section strictly, every ${…} placeholder), that each Lambda runtime is current and one infra can package, and that every handler bundles and exports the name `handler` gives. Without --env it checks every file in environments/. Exit code 2 lists every problem with its file and line.'
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --env production',
    '<%= config.bin %> validate --json',
  ]
  static override flags = {
    env: Flags.string({ char: 'e', summary: 'Check this environment only (default: every file in environments/)' }),
    config: envFlags.config,
  }

  async run(): Promise<ValidationReport> {
    const { flags } = await this.parse(Validate)
    const { formatValidation, validateEnvironments } = await import('../validate/environments.js')
    const report = await validateEnvironments({ root: path.dirname(path.resolve(flags.config)), env: flags.env })
    if (!this.jsonEnabled()) this.log(formatValidation(report))
    return report
  }
}
