// An image function's tag resolved to the digest it names now (DescribeImages, a read), so that the digest is the
// change signal: a tag pushed again deploys the new image, an unchanged one deploys nothing. Lambda itself resolves
// a tag only when the function's code is created or updated.
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { StepError } from '../../errors/index.js'
import { awsReason, isEcrImageMissing } from '../../aws/errors.js'
import type { ResourceContext } from '../types.js'

const ECR_IMAGE =
  /^(?<registry>(?<account>\d{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\/(?<repository>[^:@]+)(?::(?<tag>[^@]+)|@(?<digest>sha256:[a-f0-9]{64}))$/

export interface ImageRef {
  registry: string
  account: string
  region: string
  repository: string
  tag?: string
  digest?: string
}

/** Pure: an ECR image URI's parts, or undefined when it is not one. */
export function parseImageUri(uri: string): ImageRef | undefined {
  const g = ECR_IMAGE.exec(uri)?.groups
  if (!g) return undefined
  return {
    registry: g.registry!,
    account: g.account!,
    region: g.region!,
    repository: g.repository!,
    ...(g.tag ? { tag: g.tag } : {}),
    ...(g.digest ? { digest: g.digest } : {}),
  }
}

/** The URI pinned to a digest: as given when it already is, else the tag's digest in ECR now. */
export async function pinnedImageUri(ctx: ResourceContext, uri: string): Promise<string> {
  const ref = parseImageUri(uri)
  if (!ref?.tag) return uri
  const ecr = ctx.aws.get(ECRClient, ref.region)
  try {
    const out = await ecr.send(
      new DescribeImagesCommand({
        registryId: ref.account,
        repositoryName: ref.repository,
        imageIds: [{ imageTag: ref.tag }],
      }),
    )
    const digest = out.imageDetails?.[0]?.imageDigest
    if (!digest) throw new Error(`no image has the tag ${ref.tag}`)
    return `${ref.registry}/${ref.repository}@${digest}`
  } catch (e) {
    throw new StepError('ImageNotFound', `reading ECR image (${uri}): ${awsReason(e)}`, {
      hint: isEcrImageMissing(e)
        ? `Push the image (\`docker push ${uri}\`) or fix \`image_uri\` in config.json, then rerun \`infra step lambda --env ${ctx.identity.env}\`.`
        : `Allow ecr:DescribeImages on the repository for the deploying identity, then rerun \`infra step lambda --env ${ctx.identity.env}\`.`,
      cause: e,
    })
  }
}
