// Kafka Streams 4.4 with processing.guarantee=exactly_once_v2 (java/WordCount.java), killed
// with SIGKILL mid-stream and started again on the same state directory, on Apache Kafka and on
// Brokerlab: the output topic, read with read_committed, must hold the input's exact counts
// (no update counted twice, none lost), and the same counts on both clusters.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/batches'
import { useDifferential, type Side } from './differential'
import { kafkaClasspath } from './kafka/jars'
import { javaExecutable, jvmArgs } from './kafka/java'
import { runJava } from './kafka/tools'
import { TXN_SIDES } from './txnMisuse'

const diff = useDifferential({ name: 'streams' })
const WORD_COUNT = join(import.meta.dirname, 'java', 'WordCount.java')
const HEAP = '256m'

/** Starts `WordCount.java run` and SIGKILLs it once it has processed `killAfter` lines; resolves with its stdout. */
function runUntilKilled(bootstrap: string, stateDir: string, killAfter: number): Promise<{ killed: boolean; stdout: string; stderr: string; status: number | null }> {
  const jvm = jvmArgs({ classpath: kafkaClasspath(), maxHeap: HEAP, log4j: 'log4j2-tools.properties', shortLived: true })
  const child = spawn(javaExecutable(), [...jvm, WORD_COUNT, 'run', bootstrap, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let killed = false
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000)
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    const processed = Math.max(0, ...[...stdout.matchAll(/processed=(\d+)/g)].map((m) => Number(m[1])))
    if (!killed && processed >= killAfter) {
      killed = true
      child.kill('SIGKILL')
    }
  })
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ killed, stdout, stderr, status })
    }),
  )
}

/** What a run that ended on its own printed last: its state line, uncaught exception, or first exception logged. */
const why = (run: { stdout: string; stderr: string }) =>
  [lines(run.stdout).uncaught, lines(run.stdout).state, run.stderr.split('\n').find((l) => /Exception/.test(l))].filter(Boolean).join('; ')

const lines = (stdout: string) => Object.fromEntries(stdout.split('\n').filter((l) => /^[\w.]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))

describe('Kafka Streams exactly_once_v2', () => {
  it('a word count killed mid-stream and restarted has the exact counts, as on Kafka', async () => {
    const bootstraps = await diff.start()
    const outputs: Record<Side, Record<string, string>> = { kafka: {}, brokerlab: {} }
    for (const side of TXN_SIDES) {
      const state = tempDir(`brokerlab-streams-${side}-`)
      try {
        const fed = await runJava(WORD_COUNT, ['feed', bootstraps[side]], { timeoutMs: 120_000, maxHeap: HEAP })
        if (fed.status !== 0) {
          outputs[side] = { failed: `feed exited ${fed.status}: ${fed.stderr.split('\n').find((l) => /Exception/.test(l)) ?? ''}` }
          continue
        }
        // Killed after 1000 of 3000 lines: some of its updates are in an open transaction then.
        const first = await runUntilKilled(bootstraps[side], state.dir, 1000)
        const second = await runJava(WORD_COUNT, ['run', bootstraps[side], state.dir], { timeoutMs: 170_000, maxHeap: HEAP })
        const read = await runJava(WORD_COUNT, ['read', bootstraps[side]], { timeoutMs: 90_000, maxHeap: HEAP })
        outputs[side] = {
          'first.killedMidStream': first.killed ? 'true' : `no (exit ${first.status}: ${why(first)})`,
          'second.caughtUp': lines(second.stdout).caughtUp ?? `no (exit ${second.status}: ${why(second)})`,
          ...lines(read.stdout),
        }
      } finally {
        state.remove()
      }
    }
    // The reference itself: killed mid-stream, then caught up, and exactly the input's counts.
    expect(outputs.kafka['first.killedMidStream']).toBe('true')
    expect(outputs.kafka['second.caughtUp']).toBe('true')
    expect(outputs.kafka['read.matchesInput']).toBe('true')
    expect(outputs.kafka['read.countsOnlyGrew']).toBe('true')
    diff.check('Kafka Streams', 'word count with exactly_once_v2, killed and restarted', 'WordCount.java feed, run (SIGKILL after 1000 lines), run, read read_committed', outputs.kafka, outputs.brokerlab)
  })
})
