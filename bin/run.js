#!/usr/bin/env node
import { execute } from '@oclif/core'

// The SDK warns on every run that its 2027 releases will need Node 22. package-lock.json pins versions that
// support this machine's Node 20; the README says so. Keep the warning out of every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

await execute({ dir: import.meta.url })
