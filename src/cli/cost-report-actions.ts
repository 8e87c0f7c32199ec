// What `infra cost-report` does: read the environment's manifest, check the account, then read AWS (Cost Explorer,
// CloudWatch, a few describes) and price it. Never writes: the clients of a read context refuse writes.
import path from 'node:path'
import { verifyAccount } from '../aws/account.js'
import { loadContext } from '../context/context.js'
import { buildCostReport, type CostReport } from '../cost/report.js'
import { ConfigError } from '../errors/index.js'
import { costReportCsv, formatCostReport } from '../output/cost-report.js'
import { neverDeployed } from '../output/status.js'
import type { CommonOptions } from './actions.js'

export type CostReportFormat = 'table' | 'csv' | 'json'

export interface CostReportRequest extends CommonOptions {
  days: number
  format: CostReportFormat
  /** The report's "now"; tests pin it. */
  now?: Date
}

export async function showCostReport(req: CostReportRequest): Promise<{ report: CostReport; text: string }> {
  const ctx = await loadContext({
    root: path.dirname(path.resolve(req.config)),
    env: req.env,
    profile: req.profile,
    region: req.region,
    command: 'cost-report',
    mode: 'read',
  })
  try {
    if (!ctx.manifest.exists)
      throw new ConfigError('NotDeployed', `reporting the cost of environment ${ctx.config.env}: nothing is recorded`, {
        hint: neverDeployed(ctx.config.env),
      })
    await verifyAccount(ctx.aws, ctx.config.accountId, ctx.config.env)
    const report = await buildCostReport({
      aws: ctx.aws,
      config: ctx.config,
      manifest: ctx.manifest.manifest,
      days: req.days,
      now: req.now ?? new Date(),
    })
    const text = req.format === 'csv' ? costReportCsv(report) : req.format === 'table' ? formatCostReport(report) : ''
    return { report, text }
  } finally {
    await ctx.close()
  }
}
