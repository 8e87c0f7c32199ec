import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    expect: { requireAssertions: true },
    // Generous: end-to-end tests start several CLI processes, and CI may share 2 cores with other load. Nothing
    // waits on a clock; a test that needs this long is slow, not flaky.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker, which leaves a core idle while an e2e test waits on its CLI child.
    maxWorkers: 2,
    // The SDK's notice that its 2027 releases need Node 22 would repeat in every test file's output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
})
