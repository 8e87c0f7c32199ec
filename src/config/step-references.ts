// `${step.output}` in a function's environment: a value the lambda step fills in from an earlier step's outputs,
// e.g. "USER_POOL_ID": "${cognito.userPoolId}". Only steps the lambda step runs after can be read; the list of
// what each one outputs is here so that a typo is a config error at load time, not an empty variable at run time.
import { closest, didYouMean } from './issues.js'
import type { RawConfig } from './schema.js'

/** Step id → the outputs a function may read; the lambda step `needs` every step named here. */
export const FUNCTION_ENV_OUTPUTS = {
  cognito: ['userPoolId', 'userPoolArn', 'clientId', 'issuer', 'hostedUiUrl', 'domain'],
} as const satisfies Record<string, readonly string[]>
export type ReferencedStep = keyof typeof FUNCTION_ENV_OUTPUTS

/** The config.json section each referenced step needs. */
const SECTION_OF = { cognito: 'cognito' } as const satisfies Record<ReferencedStep, keyof RawConfig>

export interface StepReference {
  /** As written: `${cognito.userPoolId}`. */
  text: string
  step: string
  output: string
}

// A dot tells a step reference from a name-template variable such as ${SERVICE_NAME}.
const REFERENCE = /\$\{([A-Za-z][\w-]*)\.([A-Za-z][\w.]*)\}/g

export function findStepReferences(value: string): StepReference[] {
  return [...value.matchAll(REFERENCE)].map((m) => ({ text: m[0], step: m[1]!, output: m[2]! }))
}

const isReferencedStep = (step: string): step is ReferencedStep => Object.hasOwn(FUNCTION_ENV_OUTPUTS, step)
const known = () =>
  Object.entries(FUNCTION_ENV_OUTPUTS).flatMap(([step, outputs]) => outputs.map((o) => `\${${step}.${o}}`))

// Any placeholder, to find those that are not step references.
const PLACEHOLDER = /\$\{[^}]*\}/g
const isReference = (text: string): boolean => new RegExp(`^${REFERENCE.source}$`).test(text)

/**
 * What is wrong with each placeholder in a function's environment value, as config issue messages (none: all fine).
 * Only `${step.output}` references are filled in there; name-template variables are not.
 */
export function environmentProblems(
  value: string,
  raw: Pick<RawConfig, (typeof SECTION_OF)[ReferencedStep]>,
): string[] {
  const others = (value.match(PLACEHOLDER) ?? []).filter((text) => !isReference(text))
  const unclosed = /\$\{[^}]*$/.test(value)
    ? [`unclosed "\${" in ${JSON.stringify(value)} (expected \${step.output})`]
    : []
  return [
    ...others.map((text) => {
      const near = closest(
        text.slice(2, -1),
        known().map((k) => k.slice(2, -1)),
      )
      const guess = near ? `did you mean \${${near}}? ` : ''
      return `${text} is not filled in in a function's environment (${guess}it can read ${known().join(', ')}; SERVICE_NAME and STAGE are set for every function)`
    }),
    ...unclosed,
    ...referenceProblems(value, raw),
  ]
}

/** What is wrong with each reference in `value`, as config issue messages (none: all fine). */
export function referenceProblems(value: string, raw: Pick<RawConfig, (typeof SECTION_OF)[ReferencedStep]>): string[] {
  return findStepReferences(value).flatMap(({ text, step, output }) => {
    if (!isReferencedStep(step)) {
      const near = closest(step, Object.keys(FUNCTION_ENV_OUTPUTS))
      return [
        `${text} reads step "${step}", whose outputs a function cannot use (${near ? `did you mean ${near}? ` : ''}a function's environment can read ${known().join(', ')}; steps that need the functions, like api and websocket, run after them)`,
      ]
    }
    const outputs: readonly string[] = FUNCTION_ENV_OUTPUTS[step]
    if (!outputs.includes(output))
      return [
        `${text}: step ${step} has no output "${output}" (${didYouMean(output, outputs)}outputs: ${outputs.join(', ')})`,
      ]
    if (raw[SECTION_OF[step]] === undefined)
      return [
        `${text} reads step ${step}, but config.json has no ${SECTION_OF[step]} section (add one, or remove the reference)`,
      ]
    return []
  })
}
