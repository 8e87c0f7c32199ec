// Types of sdk-require-plugin.mjs, for the TypeScript that uses it (test/support/cli.ts, its unit test).
import type { Plugin } from 'esbuild'

export function sdkRequirePlugin(options: { lazy: boolean }): Plugin
