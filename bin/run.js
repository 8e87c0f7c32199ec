#!/usr/bin/env node
// The SDK warns on every run that its 2027 releases will need Node 22. package-lock.json pins versions that
// support this machine's Node 20; the README says so. Keep the warning out of every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

// The bundle (scripts/bundle-cli.mjs): oclif and every command in one file, for start-up speed.
const { execute } = await import('../dist/bundle/infra.js')
await execute({ dir: import.meta.url })
