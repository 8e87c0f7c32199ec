// FakeEcr: repositories and their tagged images, as far as infra reads them (DescribeImages by tag or digest, to pin an
// image function's tag to a digest). Tests push images with pushImage(); nothing else writes. What it models: ecr.md.
import { createHash } from 'node:crypto'
import * as sdk from '@aws-sdk/client-ecr'
import {
  DescribeImagesCommand,
  ECRClient,
  ImageNotFoundException,
  RepositoryNotFoundException,
  type DescribeImagesRequest,
  type DescribeImagesResponse,
  type ImageIdentifier,
} from '@aws-sdk/client-ecr'
import { awsError, DEFAULT_ACCOUNT, DEFAULT_REGION, on, type FakeEnv, type ServiceFake } from './core.js'

export interface RepositoryState {
  /** Tag → digest (`sha256:<hex>`). */
  tags: Record<string, string>
  /** Every digest pushed. */
  digests: string[]
}

export class FakeEcr implements ServiceFake {
  readonly service = 'ecr'
  readonly client = ECRClient
  readonly sdk = sdk
  repositories: Record<string, RepositoryState> = {}
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [on(DescribeImagesCommand, (i) => this.describeImages(i))]
  }

  /** A push: the tag (created with its repository when new) now names an image with this content's digest. */
  pushImage(repository: string, tag: string, content = `${repository}:${tag}`): string {
    const repo = (this.repositories[repository] ??= { tags: {}, digests: [] })
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`
    repo.tags[tag] = digest
    if (!repo.digests.includes(digest)) repo.digests.push(digest)
    return digest
  }

  private describeImages(i: DescribeImagesRequest): DescribeImagesResponse {
    const registry = i.registryId ?? this.env.account
    const repo = registry === this.env.account ? this.repositories[i.repositoryName ?? ''] : undefined
    if (!repo)
      throw awsError(
        RepositoryNotFoundException,
        `The repository with name '${i.repositoryName}' does not exist in the registry with id '${registry}'`,
      )
    const ids: ImageIdentifier[] = i.imageIds ?? repo.digests.map((imageDigest) => ({ imageDigest }))
    const imageDetails = ids.map((id) => {
      const digest = id.imageTag ? repo.tags[id.imageTag] : repo.digests.find((d) => d === id.imageDigest)
      if (!digest)
        throw awsError(
          ImageNotFoundException,
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${i.repositoryName}' in the registry with id '${registry}'`,
        )
      const tags = Object.entries(repo.tags).flatMap(([tag, d]) => (d === digest ? [tag] : []))
      return {
        registryId: registry,
        repositoryName: i.repositoryName,
        imageDigest: digest,
        imageTags: tags,
        imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      }
    })
    return { imageDetails }
  }

  toJSON(): unknown {
    return structuredClone({ repositories: this.repositories })
  }

  load(state: { repositories?: Record<string, RepositoryState> } | undefined): void {
    this.repositories = structuredClone(state?.repositories ?? {})
  }
}
