// What FakeAws.install() (core.ts) uses of aws-sdk-client-mock, without sinon. The e2e preload is bundled with this
// module in that package's place (test/support/cli.ts): in a child process that only runs the CLI nothing else
// mocks the SDK, and loading sinon then registering a matcher per command was about a third of the harness's
// start-up. The same dispatch: a command goes to the fake registered last for its class, else to the catch-all;
// `send` gets the command's input, and a fake that throws gives a rejected promise.
type AnyClass = abstract new (...args: any[]) => any
type Fake = (input: any) => unknown
type Send = (command: { input?: unknown }) => unknown

export function mockClient(client: AnyClass) {
  const prototype = client.prototype as { send?: Send }
  const own = Object.getOwnPropertyDescriptor(prototype, 'send')
  const byCommand: Array<[command: AnyClass, fake: Fake]> = []
  let anyCommand: Fake | undefined
  prototype.send = function (command) {
    const fake = byCommand.findLast(([type]) => command instanceof type)?.[1] ?? anyCommand
    try {
      return fake?.(command.input)
    } catch (e) {
      return Promise.reject(e)
    }
  }
  return {
    onAnyCommand: () => ({ callsFake: (fake: Fake) => void (anyCommand = fake) }),
    on: (command: AnyClass) => ({ callsFake: (fake: Fake) => void byCommand.push([command, fake]) }),
    restore: () => (own ? Object.defineProperty(prototype, 'send', own) : delete prototype.send),
  }
}
