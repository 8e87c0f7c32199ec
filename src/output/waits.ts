// The waits line of a run's summary: what AWS made the run wait for, longest first (issue 11: against AWS these
// waits, not infra's own calls, are most of a fresh deploy).
import type { WaitRecord } from '../aws/waits.js'

/** How many waits the line names; the rest are counted with their total time. */
const WAITS_SHOWN = 6

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** `Waits: table chat-dev ACTIVE 6.2 s, function chat-dev-api Active 1.1 s, … and 3 more (0.9 s)`; '' without any. */
export function formatWaits(waits: WaitRecord[] | undefined): string {
  if (!waits?.length) return ''
  const longest = [...waits].sort((a, b) => b.ms - a.ms)
  const shown = longest
    .slice(0, WAITS_SHOWN)
    .map((w) => `${w.resource} ${w.state} ${seconds(w.ms)}${w.outcome === 'failed' ? ' (failed)' : ''}`)
  const rest = longest.slice(WAITS_SHOWN)
  const more = rest.length > 0 ? `, and ${rest.length} more (${seconds(rest.reduce((t, w) => t + w.ms, 0))})` : ''
  return `Waits: ${shown.join(', ')}${more}.`
}
