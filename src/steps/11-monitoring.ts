// Step 11 (the manual's "모니터링"): the SNS topic alarms notify (config's, or one this step creates with the
// configured e-mail subscriptions), one alarm per watched metric of what was deployed plus config's own, and the
// overview dashboard. Alarms and the dashboard are compared before they are put; an alarm config no longer has is not
// converged, so the runner deletes it.
import { converge } from '../resources/engine/converge.js'
import { alarmKind, prefetchAlarms } from '../resources/cloudwatch/alarm.js'
import { dashboardKind } from '../resources/cloudwatch/dashboard.js'
import { pendingNote, subscriptionKind } from '../resources/sns/subscription.js'
import { topicArnOf, topicKind } from '../resources/sns/topic.js'
import type { Ensured } from '../resources/types.js'
import { monitoringPlan, watchedResources } from './monitoring-specs.js'
import type { MonitoringOutputs } from './outputs.js'
import type { Step } from './types.js'

const ALARMS_AT_ONCE = 3

const dashboardUrl = (region: string, name: string) =>
  `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`

export const monitoringStep: Step<'monitoring'> = {
  id: 'monitoring',
  number: 11,
  title: 'Monitoring',
  // The steps whose resources it watches; a step whose section config lacks outputs nothing and is not watched.
  needs: ['lambda', 'dynamodb', 'api', 'websocket'],
  // The distribution is watched when step 07 deployed it; monitoring does not wait for a failed one to be fixed.
  softNeeds: ['cloudfront'],
  inputs: (config) => ({
    monitoring: config.sections.monitoring ?? null,
    timeouts: Object.fromEntries(config.functions.map((f) => [f.logicalId, f.timeoutS])),
    tags: config.tags,
  }),
  preflight(config) {
    const section = config.sections.monitoring
    if (!section) return
    const identity = { region: config.region, accountId: config.accountId }
    monitoringPlan(config, section, watchedResources(config, {}, true), (name) => topicArnOf({ identity }, name))
  },
  async run(ctx): Promise<MonitoringOutputs> {
    const section = ctx.config.sections.monitoring
    if (!section) return { alarms: [] }
    const watched = watchedResources(ctx.config, ctx.upstream, ctx.dryRun || ctx.offline)
    const plan = monitoringPlan(ctx.config, section, watched, (name) => topicArnOf(ctx, name))

    // The alarms are read (one DescribeAlarms per 100) while the topic converges: every alarm names the topic, so it
    // comes first, and a same-named topic that is not ours gets nothing wired to it.
    prefetchAlarms(
      ctx,
      plan.alarms.map((a) => a.name),
    )
    if (plan.topic) {
      const topic = await converge(ctx, topicKind, plan.topic)
      ctx.report(topic.result)
      if (topic.result.action === 'unmanaged') return { alarms: [] }
    }
    const subscriptions = await Promise.all(
      plan.subscriptions.map(async (spec): Promise<Ensured> => {
        const { result, observed } = await converge(ctx, subscriptionKind, spec)
        const pending = pendingNote(spec, observed)
        return pending ? { ...result, note: [result.note, pending].filter(Boolean).join('; ') } : result
      }),
    )
    subscriptions.forEach((r) => ctx.report(r))
    // Alarms converged a few at a time (CloudWatch allows 9 DescribeAlarms and 3 PutMetricAlarm calls a second per
    // account and region), the dashboard meanwhile.
    const convergeAlarms = async () => {
      for (let i = 0; i < plan.alarms.length; i += ALARMS_AT_ONCE) {
        const batch = plan.alarms.slice(i, i + ALARMS_AT_ONCE)
        for (const a of await Promise.all(batch.map((spec) => converge(ctx, alarmKind, spec)))) ctx.report(a.result)
      }
    }
    const [, dashboard] = await Promise.all([convergeAlarms(), converge(ctx, dashboardKind, plan.dashboard)])
    ctx.report(dashboard.result)

    const url = dashboardUrl(ctx.identity.region, plan.dashboard.name)
    return {
      dashboard: plan.dashboard.name,
      topicArn: plan.topicArn,
      alarms: plan.alarms.map((a) => a.name),
      endpoints: { 'CloudWatch dashboard': url },
    }
  },
}
