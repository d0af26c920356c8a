import { defineConfig } from 'vitest/config'

// Two cores on CI: run test files in forked processes, two at a time, so suites that start
// real broker workers do not starve each other. The reference tests (tests/reference) each
// start a real Apache Kafka of three JVMs: they run after every other suite, one file at a
// time, so no more than one reference cluster runs at once.
const shared = {
  globalSetup: ['tests/globalSetup.ts'],
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 30_000,
}

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'brokerlab',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/interop/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'reference',
          include: ['tests/reference/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
