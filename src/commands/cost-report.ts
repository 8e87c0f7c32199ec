import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import type { CostReport } from '../cost/report.js'

export default class CostReportCommand extends InfraCommand {
  static override summary = 'What the environment cost (Cost Explorer), what its usage should cost, and what to change'
  static override description =
    'Reads only. Actual cost: month to date by AWS service and the month’s forecast, from Cost Explorer filtered by the infra:service and infra:env cost allocation tags (each Cost Explorer request costs $0.01; the report makes two and says so). Estimate: every recorded resource’s CloudWatch metrics over --days × the dated price table, one line per billed item with usage, unit price and cost. Recommendations with their numbers: DynamoDB on-demand vs provisioned, provisioned concurrency, arm64, log retention, unused functions and alarms. Without Cost Explorer (no permission, not enabled, an emulator) it shows the estimate alone and exits 0.'
  static override examples = [
    '<%= config.bin %> cost-report --env production',
    '<%= config.bin %> cost-report --env staging --days 7',
    '<%= config.bin %> cost-report --env production --csv > cost.csv',
    '<%= config.bin %> cost-report --env production --json',
  ]
  static override flags = {
    ...envFlags,
    days: Flags.integer({ summary: 'How many days of usage the estimate covers', default: 30, min: 1, max: 90 }),
    csv: Flags.boolean({
      summary: 'Print CSV (one row per cost, estimate line and recommendation)',
      default: false,
      exclusive: ['json'],
    }),
  }

  async run(): Promise<CostReport> {
    const { flags } = await this.parse(CostReportCommand)
    const { showCostReport } = await import('../cli/cost-report-actions.js')
    const format = this.jsonEnabled() ? 'json' : flags.csv ? 'csv' : 'table'
    const { report, text } = await showCostReport({ ...flags, format })
    if (format === 'csv') process.stdout.write(text)
    else if (format === 'table') this.log(text)
    return report
  }
}
