// References in config values: `${<source>.<output>}` and `${<source>.<entry>.<output>}` read a step's outputs
// (`${cognito.userPoolId}`, `${tables.usage.streamArn}`, `${api.url}`), `${ssm:/path}` reads an existing String
// parameter at plan time. REFERENCE_SOURCES is the one table of what can be read: a section that hands values on
// adds one entry. Here a reference is checked against config (a typo is a config error naming the field and listing
// what exists); steps/references.ts orders the steps by them and fills them in.
import { closest, didYouMean } from './issues.js'
import type { RawConfig } from './schema.js'
import type { ResolvedConfig } from './types.js'

export interface ReferenceSource {
  /** The step whose outputs hold the values. */
  step: string
  /** The config section the values come from: it must be there; for collections its keys are the entries. */
  section: keyof RawConfig
  /** `tables.<name>.<output>`: one set of outputs per entry of the section. */
  collection?: boolean
  /** Output name → its path in the step's outputs (`{}` stands for the entry). */
  outputs: Record<string, string>
  /** Why an entry does not have this output (a table without a stream has no streamArn). */
  unavailable?(raw: RawConfig, entry: string, output: string): string | undefined
  /** A value config alone decides (a bucket's name): read without waiting for the step, so it makes no cycle. */
  fromConfig?(config: ResolvedConfig, entry: string, output: string): string | undefined
}

export const REFERENCE_SOURCES = {
  tables: {
    step: 'dynamodb',
    section: 'tables',
    collection: true,
    outputs: { name: 'tables.{}.name', arn: 'tables.{}.arn', streamArn: 'tables.{}.streamArn' },
    unavailable: (raw, entry, output) =>
      output === 'streamArn' && raw.tables[entry]?.stream === false
        ? `table ${entry} has no stream (set tables.${entry}.stream, e.g. "NEW_AND_OLD_IMAGES")`
        : undefined,
  },
  functions: {
    step: 'lambda',
    section: 'functions',
    collection: true,
    outputs: { name: 'functions.{}.name', arn: 'functions.{}.arn', aliasArn: 'functions.{}.aliasArn' },
  },
  api: { step: 'api', section: 'rest_api', outputs: { url: 'url', id: 'restApiId', stage: 'stage' } },
  websocket: {
    step: 'websocket',
    section: 'websocket_api',
    outputs: { url: 'url', id: 'websocketApiId', stage: 'stage' },
  },
  cognito: {
    step: 'cognito',
    section: 'cognito',
    outputs: {
      userPoolId: 'userPoolId',
      userPoolArn: 'userPoolArn',
      clientId: 'clientId',
      issuer: 'issuer',
      hostedUiUrl: 'hostedUiUrl',
      domain: 'domain',
      identityPoolId: 'identityPoolId',
    },
    unavailable: (raw, _entry, output) =>
      output === 'identityPoolId' && !raw.cognito?.identity_pool
        ? 'config.json has no cognito.identity_pool (add one, or remove the reference)'
        : undefined,
  },
  frontend: { step: 's3', section: 'frontend', outputs: { bucket: 'bucket.name', bucketArn: 'bucket.arn' } },
  buckets: {
    step: 's3',
    section: 'buckets',
    collection: true,
    outputs: { name: 'buckets.{}.name', arn: 'buckets.{}.arn' },
    fromConfig: (config, entry, output) =>
      output === 'name' ? config.buckets.find((b) => b.logicalId === entry)?.name : undefined,
  },
  queues: {
    step: 'dynamodb',
    section: 'queues',
    collection: true,
    outputs: { name: 'queues.{}.name', url: 'queues.{}.url', arn: 'queues.{}.arn' },
  },
  layers: { step: 'lambda', section: 'layers', collection: true, outputs: { arn: 'layers.{}.arn' } },
  cloudfront: {
    step: 'cloudfront',
    section: 'frontend',
    outputs: { url: 'url', domainName: 'domainName', distributionId: 'distributionId' },
  },
  bedrock: {
    step: 'bedrock',
    section: 'bedrock',
    outputs: { guardrailId: 'guardrail.id', guardrailArn: 'guardrail.arn', guardrailVersion: 'guardrail.version' },
  },
  monitoring: { step: 'monitoring', section: 'monitoring', outputs: { topicArn: 'topicArn', dashboard: 'dashboard' } },
} satisfies Record<string, ReferenceSource>
export type SourceName = keyof typeof REFERENCE_SOURCES

const SOURCES: Record<string, ReferenceSource> = REFERENCE_SOURCES

export interface OutputReference {
  kind: 'output'
  /** As written: `${tables.usage.name}`. */
  text: string
  source: string
  entry?: string
  output: string
}
export interface SsmReference {
  kind: 'ssm'
  text: string
  /** The parameter's name: `/shared/vpc-id`. */
  name: string
}
export type Reference = OutputReference | SsmReference

// A dot tells an output reference from a name-template variable such as ${SERVICE_NAME}.
const OUTPUT_REF = /^([A-Za-z][\w-]*)\.([A-Za-z][\w-]*)(?:\.([A-Za-z]\w*))?$/
const SSM_REF = /^ssm:(.*)$/
const PLACEHOLDER = /\$\{([^}]*)\}/g
// SSM parameter names: letters, digits and . - _ /, fully qualified (`/a/b`); `aws`/`ssm` prefixes are reserved.
const PARAMETER_NAME = /^(\/[A-Za-z0-9_.-]+)+$/
const RESERVED_PARAMETER = /^\/(aws|ssm)/i

/** Every reference in `value` (placeholders that are neither are not references: see `otherPlaceholders`). */
export function findReferences(value: string): Reference[] {
  return [...value.matchAll(PLACEHOLDER)].flatMap(([text, inner]): Reference[] => {
    const ssm = SSM_REF.exec(inner!)
    if (ssm) return [{ kind: 'ssm', text, name: ssm[1]! }]
    const m = OUTPUT_REF.exec(inner!)
    if (!m) return []
    return [
      m[3] === undefined
        ? { kind: 'output', text, source: m[1]!, output: m[2]! }
        : { kind: 'output', text, source: m[1]!, entry: m[2]!, output: m[3] },
    ]
  })
}

export const outputReferences = (value: string): OutputReference[] =>
  findReferences(value).filter((r): r is OutputReference => r.kind === 'output')
export const ssmReferences = (value: string): SsmReference[] =>
  findReferences(value).filter((r): r is SsmReference => r.kind === 'ssm')

/** The source a (checked) reference reads. */
export function sourceOf(ref: OutputReference): ReferenceSource {
  return SOURCES[ref.source]!
}

/** The value config alone gives a (checked) reference, if it does: then no step needs to run first. */
export function configValue(config: ResolvedConfig, ref: OutputReference): string | undefined {
  return sourceOf(ref).fromConfig?.(config, ref.entry ?? '', ref.output)
}

/** Where a (checked) reference's value is in its step's outputs: `tables.usage.name`. */
export function outputPath(ref: OutputReference): string {
  return sourceOf(ref).outputs[ref.output]!.replace('{}', ref.entry ?? '')
}

/** `${tables.<name>.name|arn|streamArn}, ${api.url|id|stage}, …`: what can be read, for messages. */
export function readableReferences(): string {
  return Object.entries(SOURCES)
    .map(([name, s]) => `\${${name}.${s.collection ? '<name>.' : ''}${Object.keys(s.outputs).join('|')}}`)
    .join(', ')
}

/**
 * What is wrong with each placeholder of a value that references may appear in (a function's environment, a
 * parameter), as config issue messages (none: all fine). `where` names the field's kind for messages.
 */
export function referenceValueProblems(value: string, raw: RawConfig, where: string): string[] {
  const others = [...value.matchAll(PLACEHOLDER)]
    .filter(([, inner]) => !SSM_REF.test(inner!) && !OUTPUT_REF.test(inner!))
    .map(([text]) => {
      const near = closest(text.slice(2, -1), Object.keys(SOURCES))
      const guess = near ? `did you mean \${${near}.…}? ` : ''
      return `${text} is not filled in in ${where} (${guess}it can read ${readableReferences()} and \${ssm:/parameter/name})`
    })
  const unclosed = /\$\{[^}]*$/.test(value)
    ? [`unclosed "\${" in ${JSON.stringify(value)} (expected \${source.output} or \${ssm:/name})`]
    : []
  return [...others, ...unclosed, ...referenceProblems(value, raw)]
}

/** A function's environment: references, and SERVICE_NAME/STAGE set for every function instead of templates. */
export function environmentProblems(value: string, raw: RawConfig): string[] {
  return referenceValueProblems(value, raw, "a function's environment").map((m) =>
    m.includes('is not filled in') ? m.replace(/\)$/, '; SERVICE_NAME and STAGE are set for every function)') : m,
  )
}

/** What is wrong with each reference in `value`, as config issue messages (none: all fine). */
export function referenceProblems(value: string, raw: Partial<RawConfig>): string[] {
  return findReferences(value).flatMap((ref) =>
    ref.kind === 'ssm' ? ssmProblems(ref) : outputProblems(ref, raw as RawConfig),
  )
}

function ssmProblems(ref: SsmReference): string[] {
  if (!PARAMETER_NAME.test(ref.name))
    return [
      `${ref.text}: "${ref.name}" is not a parameter name (expected a full name such as \${ssm:/shared/vpc-id}: / then letters, digits, . - _)`,
    ]
  if (RESERVED_PARAMETER.test(ref.name)) return [`${ref.text}: names starting with /aws or /ssm are reserved by AWS`]
  return []
}

function outputProblems(ref: OutputReference, raw: RawConfig): string[] {
  const { text, source: name, entry, output } = ref
  const source = SOURCES[name]
  if (!source) {
    const near = closest(name, Object.keys(SOURCES))
    return [
      `${text} reads "${name}", which is not a source of values (${near ? `did you mean ${near}? ` : ''}it can read ${readableReferences()})`,
    ]
  }
  const outputs = Object.keys(source.outputs)
  const form = `\${${name}.${source.collection ? '<name>.' : ''}<output>}`
  if (!!source.collection !== (entry !== undefined))
    return [`${text}: ${name} is read as ${form} (outputs: ${outputs.join(', ')})`]
  const section = raw[source.section]
  if (section === undefined)
    return [
      `${text} reads ${name}, but config.json has no ${source.section} section (add one, or remove the reference)`,
    ]
  if (entry !== undefined && !Object.hasOwn(section as object, entry)) {
    const entries = Object.keys(section as object)
    return [
      `${text}: "${entry}" is not in ${source.section} (${didYouMean(entry, entries)}${source.section}: ${entries.join(', ') || 'none'})`,
    ]
  }
  if (!Object.hasOwn(source.outputs, output))
    return [
      `${text}: ${entry === undefined ? `step ${name}` : `${name}.${entry}`} has no output "${output}" (${didYouMean(output, outputs)}outputs: ${outputs.join(', ')})`,
    ]
  const why = source.unavailable?.(raw, entry ?? '', output)
  return why ? [`${text}: ${why}`] : []
}
