// SSM String parameter holding an output for other stacks (`parameters` in config, `infra outputs --to-ssm`). Names
// are unique, so it is found by name; tags say whether it is ours (a stranger's same-named parameter is never
// overwritten unless --adopt). PutParameter is sent only when the value differs: a no-op run writes nothing.
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { arn, changedTags, diffTags } from '../common.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change } from '../types.js'

export const PARAMETER_KIND = 'ssm-parameter'

export interface ParameterSpec {
  /** The manifest key is `ssm-parameter:<logicalId>`. */
  logicalId: string
  /** Its full name: `/app/production/api-url`. */
  name: string
  value: string
  description: string
  tags: Tags
}

export interface ObservedParameter {
  name: string
  type: string
  value: string
  tags: Tags
}

const toTagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
const parameterArn = (ctx: Parameters<typeof arn>[0], name: string) => arn(ctx, 'ssm', `parameter${name}`)
// What a plan shows of a value: enough to recognise it, never a page of text.
const SHOWN_CHARS = 80
const shown = (value: string) => (value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value)

/** Pure: one change for the value (and type: only String is written), one per tag. */
export function diffParameter(have: ObservedParameter, want: ParameterSpec): Change[] {
  const changes: Change[] = []
  if (have.type !== 'String') changes.push({ field: 'Type', from: have.type, to: 'String' })
  if (have.value !== want.value) changes.push({ field: 'Value', from: shown(have.value), to: shown(want.value) })
  return [...changes, ...diffTags(have.tags, want.tags)]
}

export const parameterKind: ResourceKind<ParameterSpec, ObservedParameter> = {
  kind: PARAMETER_KIND,
  label: 'SSM parameter',
  codePrefix: 'Parameter',
  identity: 'name',
  ...foundByName('ssm', async (ctx, name) => {
    const ssm = ctx.aws.get(SSMClient)
    const got = await ssm.send(new GetParameterCommand({ Name: name })).catch((e: unknown) => {
      if (isNotFound(e)) return undefined
      throw e
    })
    const p = got?.Parameter
    if (!p) return []
    const { TagList } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))
    const tags = Object.fromEntries((TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
    // A SecureString's value comes back as ciphertext (no decryption asked): it differs, and its type is changed.
    const observed = { name, type: p.Type ?? 'String', value: p.Value ?? '', tags }
    return [{ observed, arn: p.ARN ?? parameterArn(ctx, name), tags }]
  }),
  diff: diffParameter,
  async create(ctx, spec) {
    // Without Overwrite: a parameter made meanwhile by someone else answers ParameterAlreadyExists, never replaced.
    await ctx.aws.get(SSMClient).send(
      new PutParameterCommand({
        Name: spec.name,
        Value: spec.value,
        Type: 'String',
        Description: spec.description,
        Tags: toTagList(spec.tags),
      }),
    )
    const observed = { name: spec.name, type: 'String', value: spec.value, tags: spec.tags }
    return { observed, arn: parameterArn(ctx, spec.name), tags: spec.tags }
  },
  async apply(ctx, _observed, spec, changes) {
    const ssm = ctx.aws.get(SSMClient)
    // PutParameter refuses Tags with Overwrite: the value and the tags are two calls.
    if (changes.some((c) => c.field === 'Value' || c.field === 'Type'))
      await ssm.send(
        new PutParameterCommand({
          Name: spec.name,
          Value: spec.value,
          Type: 'String',
          Description: spec.description,
          Overwrite: true,
        }),
      )
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await ssm.send(
        new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: spec.name, Tags: toTagList(tags) }),
      )
  },
  async delete(ctx, record) {
    await ctx.aws
      .get(SSMClient)
      .send(new DeleteParameterCommand({ Name: record.name }))
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e
      })
  },
  describe: (spec) => `String = ${shown(spec.value)}`,
}
