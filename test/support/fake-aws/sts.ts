// STS as `infra` uses it: GetCallerIdentity, to check the account before the first write.
import * as sdk from '@aws-sdk/client-sts'
import { GetCallerIdentityCommand, STSClient, type GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, on, type FakeEnv, type Out, type ServiceFake } from './core.js'

export class FakeSts implements ServiceFake {
  readonly service = 'sts'
  readonly client = STSClient
  readonly sdk = sdk
  /** The caller: an IAM user of the account, as with long-term access keys. */
  userName = 'infra-deployer'
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  /** The caller's account; shared with every fake of the same FakeAws (ARNs of new resources use it). */
  get account(): string {
    return this.env.account
  }
  set account(value: string) {
    this.env.account = value
  }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [on(GetCallerIdentityCommand, () => this.getCallerIdentity())]
  }

  getCallerIdentity(): Out<GetCallerIdentityCommandOutput> {
    return {
      UserId: 'AIDA4Q2XKFAKEUSER0001',
      Account: this.account,
      Arn: `arn:aws:iam::${this.account}:user/${this.userName}`,
    }
  }

  toJSON(): unknown {
    return {}
  }

  load(): void {}
}
