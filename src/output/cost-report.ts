// The cost report as a person reads it (tables, on a terminal) and as a spreadsheet reads it (CSV: one row per
// actual service cost, estimate line and recommendation). `--json` prints the CostReport itself.
import Table from 'cli-table3'
import type { CostReport } from '../cost/report.js'
import type { Price } from '../cost/prices.js'

const amount = (n: number) => (Math.abs(n) < 1 && n !== 0 ? n.toFixed(4) : n.toFixed(2))
const money = (n: number, currency = 'USD') => (currency === 'USD' ? `$${amount(n)}` : `${amount(n)} ${currency}`)
const quantity = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 4 })
const day = (iso: string) => iso.slice(0, 10)

function per(count: number): string {
  if (count === 1) return ''
  if (count >= 1_000_000 && count % 1_000_000 === 0) return `${count / 1_000_000}M `
  return `${quantity(count)} `
}

export const priceText = (p: Price) => `$${p.usd} / ${per(p.per)}${p.unit}`

function table(head: string[], colWidths?: number[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true, ...(colWidths ? { colWidths } : {}) })
}

function actualText(r: CostReport): string[] {
  const a = r.actual
  const requests = `${r.costExplorer.requests} Cost Explorer request${r.costExplorer.requests === 1 ? '' : 's'} made (${money(r.costExplorer.costUsd)})`
  if (!a.available)
    return [`Cost Explorer is unavailable: ${a.reason}. The estimate below is all this report has.`, requests]
  const out: string[] = []
  if (a.monthToDate) {
    const mtd = a.monthToDate
    out.push(
      `Month to date (${mtd.start} to ${mtd.end}, exclusive${mtd.estimated ? ', estimated' : ''}): ${money(mtd.total, a.currency)}`,
    )
    if (mtd.byService.length) {
      const t = table(['service', 'cost'])
      for (const s of mtd.byService) t.push([s.service, money(s.amount, a.currency)])
      out.push(t.toString())
    }
  } else out.push('Month to date: the month starts today; nothing is billed yet.')
  if (a.monthForecast !== undefined) out.push(`Forecast for the month: ${money(a.monthForecast, a.currency)}`)
  else if (a.forecast) out.push(`Forecast to ${a.forecast.end}: ${money(a.forecast.amount, a.currency)}`)
  if (a.forecastUnavailable) out.push(`No forecast: ${a.forecastUnavailable}`)
  if (a.note) out.push(a.note)
  out.push(requests)
  return out
}

function estimateText(r: CostReport): string[] {
  const e = r.estimate
  const t = table(['service', 'resource', 'item', 'usage', 'unit price', 'cost'], [18, 30, 22, 20, 28, 10])
  for (const l of e.lines)
    t.push([
      l.service,
      l.resource,
      l.item,
      l.usage === null ? 'not measured' : `${quantity(l.usage)} ${l.unit}`,
      l.price ? priceText(l.price) : '',
      l.cost === null ? 'not priced' : money(l.cost),
    ])
  const out = [
    `Estimate from usage, ${day(r.period.start)} to ${day(r.period.end)} (${r.metricRequests} GetMetricData request${r.metricRequests === 1 ? '' : 's'}; list prices read ${r.prices.read}, before the free tier)`,
    t.toString(),
    `Total: ${money(e.total)} over ${r.days} days, about ${money(e.monthly)} a month (priced lines only).`,
  ]
  if (!r.prices.regionPriced)
    out.push(`The price table has no prices for ${r.region}: its regional lines are not priced.`)
  if (e.unpriced.length) out.push('Not priced:', ...e.unpriced.map((u) => `  - ${u}`))
  return out
}

function recommendationsText(r: CostReport): string[] {
  if (!r.recommendations.length) return ['Recommendations: none.']
  const t = table(['recommendation', 'resource', 'advice', 'saves/month'], [24, 30, 64, 10])
  for (const rec of r.recommendations)
    t.push([rec.kind, rec.resource, rec.advice, rec.monthlySaving > 0 ? `$${rec.monthlySaving.toFixed(2)}` : '-'])
  return ['Recommendations', t.toString()]
}

export function formatCostReport(r: CostReport): string {
  return [
    `Cost of ${r.service} (environment ${r.env}, ${r.region}) over the last ${r.days} days`,
    '',
    'Actual cost (Cost Explorer, by the infra:service and infra:env tags)',
    ...actualText(r),
    '',
    ...estimateText(r),
    '',
    ...recommendationsText(r),
  ].join('\n')
}

/** The columns of `--csv`, in order. */
export const CSV_HEADER = [
  'section',
  'service',
  'resource',
  'item',
  'usage',
  'unit',
  'unit_price_usd',
  'price_per',
  'cost_usd',
  'note',
]

function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function costReportCsv(r: CostReport): string {
  const rows: Array<Array<string | number | null | undefined>> = [CSV_HEADER]
  const a = r.actual
  if (!a.available) rows.push(['actual', '', '', '', '', '', '', '', '', `Cost Explorer unavailable: ${a.reason}`])
  else {
    for (const s of a.monthToDate?.byService ?? [])
      rows.push(['actual', s.service, '', 'month to date', '', '', '', '', s.amount, a.currency])
    if (a.monthForecast !== undefined)
      rows.push(['actual', 'total', '', 'month forecast', '', '', '', '', a.monthForecast, a.currency])
    if (a.note) rows.push(['actual', '', '', '', '', '', '', '', '', a.note])
  }
  for (const l of r.estimate.lines)
    rows.push(['estimate', l.service, l.resource, l.item, l.usage, l.unit, l.price?.usd, l.price?.per, l.cost, l.note])
  for (const rec of r.recommendations)
    rows.push(['recommendation', rec.kind, rec.resource, '', '', '', '', '', rec.monthlySaving, rec.advice])
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`
}
