// Installs the fake AWS in a child process that runs the real CLI:
//   NODE_OPTIONS="--import tsx --import /abs/path/test/support/fake-aws-preload.ts"
// or, as test/support/cli.ts runs it, bundled to CommonJS: NODE_OPTIONS="--require /abs/path/preload-<pid>.cjs".
// The SDK client classes resolve from the project's node_modules to the very modules the CLI imports, so the
// stubs installed here are the ones the CLI's clients call. Every service in createFakeAws is installed.
//
// Environment:
//   FAKE_AWS_STATE               JSON file of the fake's state: loaded at start when it exists, rewritten (temp file +
//                                rename, synchronously) after every write call, so a SIGKILL leaves it as AWS would
//                                be (after reads: at the next write, or at exit).
//                                Each call is also appended as one JSON line to `${FAKE_AWS_STATE}.calls.jsonl`.
//   FAKE_AWS_LATENCY_MS          added to every call
//   FAKE_AWS_ACCOUNT             the caller's account (GetCallerIdentity, and the ARNs of new resources)
//   FAKE_AWS_REGION              the region in ARNs (default: AWS_REGION, else us-east-1)
//   FAKE_AWS_KILL_AFTER          `CreateTable:2[,PutRolePolicy:1]`: SIGKILL this process right after the 2nd successful
//                                CreateTable has been saved, before the caller sees the response
//   FAKE_AWS_FAIL                `CreateRole:ServiceFailure[:times][,...]`: the next `times` (default 1) calls fail
//                                with AWS's error code, as the SDK raises it (the service's class when it has one)
//   FAKE_AWS_TIME_OFFSET_MS      added to the clock, e.g. 3600000 to run "an hour later" (TTL cooldown)
//   FAKE_AWS_DESCRIBES_UNTIL_ACTIVE  FakeDynamoDB.describesUntilActive
import { promises as dns } from 'node:dns'
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createFakeAws, operationName } from './fake-aws/index.js'

const env = process.env
const aws = createFakeAws()
const statePath = env.FAKE_AWS_STATE

function intFrom(name: string): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`fake-aws-preload: ${name}=${raw} is not a whole number`)
  return n
}

/** `A:1,B:2` → [['A', ['1']], ['B', ['2']]], each entry split on `:`. */
function entries(name: string): Array<[op: string, rest: string[]]> {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [op, ...rest] = entry.split(':')
      if (!op || rest.length === 0) throw new Error(`fake-aws-preload: bad ${name} entry "${entry}"`)
      return [operationName(op), rest]
    })
}

/** Binary payloads (Lambda zips) become their size, so a call log line stays readable. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: value.byteLength }
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(jsonSafe)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]))
  }
  return value
}

if (env.FAKE_AWS_ACCOUNT) aws.account = env.FAKE_AWS_ACCOUNT
aws.region = env.FAKE_AWS_REGION || env.AWS_REGION || aws.region
aws.latencyMs = intFrom('FAKE_AWS_LATENCY_MS') ?? 0
const offsetMs = intFrom('FAKE_AWS_TIME_OFFSET_MS') ?? 0
aws.clock = { now: () => Date.now() + offsetMs }
const describes = intFrom('FAKE_AWS_DESCRIBES_UNTIL_ACTIVE')
if (describes !== undefined) aws.dynamodb.describesUntilActive = describes
// A process polls with real delays: ACM publishes its validation records at once, so step 09 never sleeps.
aws.acm.describesUntilRecords = 0
// No public DNS in tests: step 09's delegation check answers what the fake registrar says (delegated or not).
dns.Resolver.prototype.resolveNs = async function (this: unknown, name: string) {
  const zone = aws.route53.zonesNamed(name)[0]
  if (!zone) throw Object.assign(new Error(`queryNs ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
  return aws.route53.delegated ? zone.nameServers : ['ns1.registrar.example']
} as typeof dns.Resolver.prototype.resolveNs

for (const [op, [code, times = '1']] of entries('FAKE_AWS_FAIL')) {
  aws.failNext(op, () => aws.errorFor(op, code!, `injected by FAKE_AWS_FAIL: ${code}`), Number(times))
}
const killAfter = new Map(entries('FAKE_AWS_KILL_AFTER').map(([op, [n]]) => [op, Number(n)]))
const successes = new Map<string, number>()

if (statePath && existsSync(statePath)) {
  // A corrupt state file is a broken test, never a silent reset.
  aws.load(JSON.parse(readFileSync(statePath, 'utf8')))
}

function saveState(): void {
  if (!statePath) return
  const tmp = `${statePath}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(aws.toJSON()))
  renameSync(tmp, statePath)
}

// A read changes at most a transitional status's countdown (a table CREATING for n more describes), which a later
// write or the process's exit saves: serialising the whole state after each of a no-op run's reads was most of the
// harness's share of the run. A SIGKILL after a read loses only such a countdown, as if AWS were that much slower.
let unsaved = false
process.on('exit', () => unsaved && saveState())

/** This call's number among the successful calls of its operation. */
function countSuccess(op: string): number {
  const count = (successes.get(op) ?? 0) + 1
  successes.set(op, count)
  return count
}

aws.onCall((call) => {
  const op = operationName(call.command)
  const killed = call.error === undefined && countSuccess(op) === killAfter.get(op)
  if (call.write || killed) saveState()
  unsaved = !call.write && !killed
  if (statePath) appendFileSync(`${statePath}.calls.jsonl`, `${JSON.stringify(jsonSafe(call))}\n`)
  if (killed) process.kill(process.pid, 'SIGKILL')
})

aws.install()
