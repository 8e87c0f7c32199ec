// Whether the registrar points the domain at this zone: the public DNS's NS records for the zone's name compared with
// the zone's name servers. Not an AWS call: node's resolver, with a short timeout, and a failed lookup (no network,
// the name not registered yet) is an answer too ("could not check"), never an error that stops the run.
import { promises as dns } from 'node:dns'

// One try, two seconds: a check, not a wait.
const LOOKUP_TIMEOUT_MS = 2_000

export type Delegation =
  { state: 'delegated' } | { state: 'elsewhere'; found: string[] } | { state: 'unknown'; reason: string }

const normalise = (ns: string) => ns.toLowerCase().replace(/\.$/, '')

export async function checkDelegation(zoneName: string, zoneNameServers: string[]): Promise<Delegation> {
  const resolver = new dns.Resolver({ timeout: LOOKUP_TIMEOUT_MS, tries: 1 })
  let found: string[]
  try {
    found = (await resolver.resolveNs(zoneName)).map(normalise)
  } catch (e) {
    return { state: 'unknown', reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }
  }
  const ours = new Set(zoneNameServers.map(normalise))
  return found.length > 0 && found.every((ns) => ours.has(ns)) ? { state: 'delegated' } : { state: 'elsewhere', found }
}

/** One sentence for the user, or undefined when all is well. */
export function delegationNote(zoneName: string, zoneNameServers: string[], d: Delegation): string | undefined {
  const set = `set the name servers of ${zoneName} at its registrar to ${zoneNameServers.join(', ')}`
  if (d.state === 'delegated') return undefined
  if (d.state === 'elsewhere') {
    const now = d.found.length > 0 ? d.found.join(', ') : 'none'
    return `the registrar does not point ${zoneName} at this hosted zone (public DNS answers ${now}): ACM cannot validate the certificate until you ${set}`
  }
  return `could not check the delegation of ${zoneName} (${d.reason}); if the certificate stays pending, ${set}`
}
