import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
