import { defineConfig } from 'vitest/config'

// Two cores on CI: run test files in forked processes, two at a time, so suites that start
// real broker workers do not starve each other.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/interop/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
