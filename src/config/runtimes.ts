// The Lambda runtimes and the day AWS deprecates each one (stops patching it; creating functions with it is blocked
// soon after). Source: the Lambda runtimes page, https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
// (supported and deprecated runtimes), as of RUNTIMES_CHECKED. AWS moves these dates: check the page and update the
// table when a date nears or a runtime is added.
import { closest } from './issues.js'

export const RUNTIMES_CHECKED = '2026-12-03'
export const RUNTIMES_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html'

/** Runtime identifier → deprecation date (UTC day). */
export const LAMBDA_RUNTIMES: Readonly<Record<string, string>> = {
  'nodejs24.x': '2028-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs20.x': '2026-04-30',
  'nodejs18.x': '2025-09-01',
  'nodejs16.x': '2024-06-12',
  'nodejs14.x': '2023-12-04',
  'nodejs12.x': '2023-03-31',
  'nodejs10.x': '2021-07-30',
  'nodejs8.10': '2020-03-06',
  'nodejs6.10': '2019-08-12',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2020-03-05',
  nodejs: '2016-10-31',
  'python3.14': '2030-06-30',
  'python3.13': '2029-06-30',
  'python3.12': '2028-10-31',
  'python3.11': '2026-06-30',
  'python3.10': '2026-06-30',
  'python3.9': '2025-12-15',
  'python3.8': '2024-10-14',
  'python3.7': '2023-12-04',
  'python3.6': '2022-07-18',
  'python2.7': '2021-07-15',
  java25: '2029-06-30',
  java21: '2029-06-30',
  java17: '2026-06-30',
  java11: '2026-06-30',
  'java8.al2': '2026-06-30',
  java8: '2024-01-08',
  dotnet10: '2028-11-14',
  dotnet8: '2026-11-10',
  dotnet7: '2024-05-14',
  dotnet6: '2024-11-12',
  'dotnet5.0': '2022-05-10',
  'dotnetcore3.1': '2023-04-03',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore1.0': '2019-07-27',
  'ruby3.4': '2028-03-31',
  'ruby3.3': '2027-03-31',
  'ruby3.2': '2026-03-31',
  'ruby2.7': '2023-11-27',
  'ruby2.5': '2021-07-30',
  'provided.al2023': '2029-06-30',
  'provided.al2': '2026-06-30',
  provided: '2024-01-08',
  'go1.x': '2024-01-08',
}

/**
 * The runtime families infra can package: src/package bundles Node.js handlers with esbuild and zips Python functions
 * from their folder (with requirements.txt installed by pip). Any other language ships as a container image.
 */
export const PACKAGEABLE_FAMILIES = ['nodejs', 'python'] as const

export const runtimeFamily = (runtime: string): string => /^[a-z]+/.exec(runtime)?.[0] ?? runtime
const today = (now: Date): string => now.toISOString().slice(0, 10)

/** The runtimes of a family (default Node.js) a new function may use today, newest first. */
export function usableRuntimes(now: Date, family = 'nodejs'): string[] {
  return Object.entries(LAMBDA_RUNTIMES)
    .filter(([id, deprecated]) => deprecated > today(now) && runtimeFamily(id) === family)
    .map(([id]) => id)
}

const isPackageable = (runtime: string): boolean =>
  (PACKAGEABLE_FAMILIES as readonly string[]).includes(runtimeFamily(runtime))

/**
 * Why `runtime` cannot be deployed today, or undefined when it can: unknown to Lambda, of a family infra cannot
 * package, or deprecated (no more security patches; Lambda refuses new functions with it shortly after).
 */
export function runtimeProblem(runtime: string, now: Date): string | undefined {
  // A deprecated Python runtime is told the current Python ones; anything else the Node.js ones.
  const family = isPackageable(runtime) ? runtimeFamily(runtime) : 'nodejs'
  const usable = usableRuntimes(now, family)
  const choose =
    usable.length > 0
      ? `use ${usable.join(' or ')}`
      : `no ${family} runtime in src/config/runtimes.ts is current: update it from ${RUNTIMES_SOURCE}`
  const deprecated = LAMBDA_RUNTIMES[runtime]
  if (deprecated === undefined) {
    const near = closest(runtime, Object.keys(LAMBDA_RUNTIMES))
    return `"${runtime}" is not a Lambda runtime (${near ? `did you mean ${near}? ` : ''}${choose}; the list is from ${RUNTIMES_SOURCE} as of ${RUNTIMES_CHECKED})`
  }
  if (!isPackageable(runtime))
    return `"${runtime}" is a ${runtimeFamily(runtime)} runtime, but infra packages only Node.js handlers (bundled with esbuild) and Python functions (zipped from their folder) (${choose}, with a .ts or .js handler; or ship the function as a container image with image_uri)`
  if (deprecated <= today(now))
    return `"${runtime}" was deprecated by AWS on ${deprecated}: no more security patches, and Lambda refuses new functions with it (${choose})`
  return undefined
}
