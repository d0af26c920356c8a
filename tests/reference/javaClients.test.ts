// Kafka's Java clients (an idempotent acks=all producer, a classic-protocol consumer group and
// an Admin tour: java/ClientTour.java) against Apache Kafka and against Brokerlab, what each
// run observed compared line by line.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SIDES, useDifferential, type Side } from './differential'
import { runJava } from './kafka/tools'

const diff = useDifferential({ name: 'javaClients' })
const TOUR = join(import.meta.dirname, 'java', 'ClientTour.java')
const SECTIONS = { admin: 'Admin tour', producer: 'idempotent acks=all producer', consumer: 'classic consumer group', group: 'group admin' }

/** `key=value` lines into { section: { key: value } }, the section being the key's first word. */
function observed(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const line of stdout.split('\n').filter((l) => l.includes('='))) {
    const key = line.slice(0, line.indexOf('='))
    const section = key.split('.')[0]
    ;(out[section] ??= {})[key] = line.slice(line.indexOf('=') + 1)
  }
  return out
}

describe('Java clients', () => {
  it('observe the same from both clusters', async () => {
    const bootstraps = await diff.start()
    const runs = {} as Record<Side, Record<string, Record<string, string>>>
    for (const side of SIDES) {
      const run = await runJava(TOUR, [bootstraps[side]], { timeoutMs: 170_000, maxHeap: '256m' })
      // The program itself must run to the end on the reference; on Brokerlab a failure is a finding.
      if (side === 'kafka') expect(run.status, run.stderr).toBe(0)
      runs[side] = { ...observed(run.stdout), ...(run.status === 0 ? {} : { exit: { status: String(run.status), stderr: run.stderr.split('\n').find((l) => /Exception|Error/.test(l)) ?? '' } }) }
    }
    for (const [section, check] of Object.entries(SECTIONS)) {
      diff.check('Java clients', check, `ClientTour.java, its ${section}.* lines`, runs.kafka[section] ?? {}, runs.brokerlab[section] ?? {})
    }
    diff.check('Java clients', 'the program ran to the end', 'ClientTour.java exit status', runs.kafka.exit ?? 'exit 0', runs.brokerlab.exit ?? 'exit 0')
  })
})
