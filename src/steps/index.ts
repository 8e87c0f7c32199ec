// The registry of implemented steps. Steps 03–11 join as their issues land; until then `infra step <id>`
// names them as not implemented.
import { ConfigError } from '../errors/index.js'
import { iamStep } from './01-iam.js'
import { dynamodbStep } from './02-dynamodb.js'
import { lambdaStep } from './03-lambda.js'
import { apiStep } from './04-api.js'
import { websocketStep } from './05-websocket.js'
import { s3Step } from './06-s3.js'
import { cloudfrontStep } from './07-cloudfront.js'
import { cognitoStep } from './08-cognito.js'
import { dnsStep } from './09-dns.js'
import { bedrockStep } from './10-bedrock.js'
import { monitoringStep } from './11-monitoring.js'
import { parametersStep } from './12-parameters.js'
import { STEP_IDS, type Step, type StepId } from './types.js'

export const STEPS: Step[] = [
  iamStep,
  dynamodbStep,
  lambdaStep,
  apiStep,
  websocketStep,
  s3Step,
  cloudfrontStep,
  cognitoStep,
  dnsStep,
  bedrockStep,
  monitoringStep,
  parametersStep,
]

/** The manual's numbering for every step, implemented or not. */
export const MANUAL_NUMBERS: Record<StepId, number> = Object.fromEntries(
  STEP_IDS.map((id, i) => [id, i + 1]),
) as Record<StepId, number>

/** `dynamodb`, `02`, `2` → the step. */
export function findStep(ref: string, steps: Step[] = STEPS): Step {
  const byNumber = /^\d+$/.test(ref) ? Number(ref) : undefined
  const step = steps.find((s) => s.id === ref || s.number === byNumber)
  if (step) return step
  const known = STEP_IDS.find((id) => id === ref || MANUAL_NUMBERS[id] === byNumber)
  if (known) {
    throw new ConfigError(
      'StepNotImplemented',
      `step ${known} (${String(MANUAL_NUMBERS[known]).padStart(2, '0')}) is not implemented yet`,
      {
        hint: `Implemented steps: ${steps.map((s) => s.id).join(', ')}.`,
      },
    )
  }
  throw new ConfigError('UnknownStep', `there is no step "${ref}"`, {
    hint: `Use a step id or the manual's number: ${STEP_IDS.map((id) => `${id} (${String(MANUAL_NUMBERS[id]).padStart(2, '0')})`).join(', ')}.`,
  })
}

/** The steps and, transitively, the steps they need, in dependency order. */
export function withDependencies(selected: Step[], steps: Step[] = STEPS): Step[] {
  const wanted = new Set<StepId>()
  const visit = (s: Step) => {
    if (wanted.has(s.id)) return
    wanted.add(s.id)
    s.needs.forEach((id) => visit(findStep(id, steps)))
  }
  selected.forEach(visit)
  return orderByNeeds(steps.filter((s) => wanted.has(s.id)))
}

/** Topological order by `needs`, ties broken by the manual's number. */
export function orderByNeeds(steps: Step[]): Step[] {
  const ordered: Step[] = []
  const done = new Set<StepId>()
  const pending = [...steps].sort((a, b) => a.number - b.number)
  while (pending.length > 0) {
    const index = pending.findIndex((s) =>
      [...s.needs, ...(s.softNeeds ?? [])].every((n) => done.has(n) || !steps.some((x) => x.id === n)),
    )
    if (index < 0) throw new Error(`steps have a dependency cycle: ${pending.map((s) => s.id).join(', ')}`)
    const [next] = pending.splice(index, 1)
    ordered.push(next!)
    done.add(next!.id)
  }
  return ordered
}
