// Transactions (issue 16) against Apache Kafka and against Brokerlab: Kafka's Java clients
// (java/TxnTour.java: the LSO, a consume-transform-produce loop with one abort, a fenced
// zombie), Kafka's kafka-transactions tool (list, describe, describe-producers, find-hanging,
// abort), and every transactional error code Kafka answers a client's misuse with, from raw
// requests (the same bytes to both sides; see txnMisuse.ts).
import { join } from 'node:path'
import { Kafka, logLevel, type Producer, type Transaction } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { SIDES, useDifferential, type Side } from './differential'
import { runJava } from './kafka/tools'
import { brokerOf, leader, topic, waitForLeaders } from './requests'
import { parseTransactionsTable } from './toolOutput'
import { misuseScenarios, RUN, TXN_SIDES } from './txnMisuse'
import { hangingTransaction } from '../e2e/transactionalData'

/** A hanging transaction's batch, retried while the verification config is still on its way to the leader. */
async function eventuallyHanging(bootstrap: string, topicName: string): Promise<{ producerId: number; offset: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await hangingTransaction(bootstrap, topicName, 0, ['h1', 'h2'])
    } catch (err) {
      if (attempt >= 20) throw err
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}

const diff = useDifferential({ name: 'transactions', configs: { 'group.initial.rebalance.delay.ms': '0' } })
const TOUR = join(import.meta.dirname, 'java', 'TxnTour.java')

/** `key=value` lines into { section: { key: value } }, the section being the key's first word. */
function observed(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const line of stdout.split('\n').filter((l) => l.includes('='))) {
    const key = line.slice(0, line.indexOf('='))
    ;(out[key.split('.')[0]] ??= {})[key] = line.slice(line.indexOf('=') + 1)
  }
  return out
}

describe('transactions', () => {
  it("Kafka's Java clients observe the same transactions on both clusters", async () => {
    const bootstraps = await diff.start()
    const runs: Record<Side, Record<string, Record<string, string>>> = { kafka: {}, brokerlab: {} }
    for (const side of TXN_SIDES) {
      // On a long-lived reference (REFERENCE_BOOTSTRAP), the program deletes its topics and group first.
      const run = await runJava(TOUR, [bootstraps[side], ...(process.env.REFERENCE_BOOTSTRAP ? ['--reset'] : [])], { timeoutMs: 170_000, maxHeap: '256m' })
      // The program must run to the end on the reference; on Brokerlab a failure is a finding.
      if (side === 'kafka') expect(run.status, run.stderr).toBe(0)
      runs[side] = { ...observed(run.stdout), ...(run.status === 0 ? {} : { exit: { status: String(run.status), stderr: run.stderr.split('\n').find((l) => /Exception|Error/.test(l)) ?? '' } }) }
    }
    // What the reference itself must show, so a wrong program cannot pass by agreeing with itself.
    expect(runs.kafka.lso['lso.open.readCommitted']).toBe('{0=0}')
    expect(runs.kafka.lso['lso.open.readUncommitted']).toBe('{0=10}')
    expect(runs.kafka.lso['lso.readUncommitted.records']).toBe('15')
    expect(runs.kafka.ctp['ctp.output.readCommitted.records']).toBe('60')
    expect(runs.kafka.ctp['ctp.output.readUncommitted.beyondCommittedAndAborted']).toBe('0')
    expect(runs.kafka.zombie['zombie.readCommitted']).toBe('[successor:only]')
    const sections = { lso: 'the last stable offset of an open, an aborted and a committed transaction', ctp: 'consume-transform-produce with one abort', zombie: 'a zombie fenced by its successor', read: 'readers reach the end offsets' }
    for (const [section, check] of Object.entries(sections)) {
      diff.check('Java transactions', check, `TxnTour.java, its ${section}.* lines`, runs.kafka[section] ?? {}, runs.brokerlab[section] ?? {})
    }
    diff.check('Java transactions', 'the program ran to the end', 'TxnTour.java exit status', runs.kafka.exit ?? 'exit 0', runs.brokerlab.exit ?? 'exit 0')
  })

  it('kafka-transactions lists, describes, finds hanging and aborts as on Kafka', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    const TOPIC = `${RUN}txn-tools`
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic(TOPIC, 1, Math.min(3, Number(process.env.REFERENCE_BROKERS ?? 3)))], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, [TOPIC])
    // A transaction left open by kafkajs on each side: 2 records in txn-tools-0, no commit.
    const open = {} as Record<Side, { producer: Producer; transaction: Transaction }>
    try {
      for (const side of TXN_SIDES) {
        const kafka = new Kafka({ brokers: bootstraps[side].split(','), clientId: 'txn-tools', logLevel: logLevel.NOTHING })
        const producer = kafka.producer({ transactionalId: `${RUN}txn-tools-open`, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 120_000 })
        await producer.connect()
        const transaction = await producer.transaction()
        await transaction.send({ topic: TOPIC, messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })
        open[side] = { producer, transaction }
      }
      const tool = (check: string, args: string[]) => diff.compareTool(bootstraps, 'kafka-transactions', check, args, parseTransactionsTable)
      // Listed without a filter (other tests' transactional ids left out) and with a pattern (ListTransactions v2).
      await diff.compareTool(bootstraps, 'kafka-transactions', 'list every transaction', ['list'], (stdout) => parseTransactionsTable(stdout).filter((row) => row.TransactionalId?.startsWith(`${RUN}txn-tools`)))
      await tool('list the open transaction by a pattern', ['list', '--transactional-id-pattern', `${RUN}txn-tools.*`])
      await tool('describe the open transaction', ['describe', '--transactional-id', `${RUN}txn-tools-open`])
      await tool('describe an unknown transactional id', ['describe', '--transactional-id', `${RUN}txn-tools-unknown`])
      await tool('describe-producers of the open partition', ['describe-producers', '--topic', TOPIC, '--partition', '0'])
      await tool('find-hanging: an open transaction its coordinator knows is not hanging', ['find-hanging', '--topic', TOPIC, '--max-transaction-timeout', '0'])
      await tool('abort the open transaction by its start offset', ['abort', '--topic', TOPIC, '--partition', '0', '--start-offset', '0'])
      await tool('describe-producers after the abort', ['describe-producers', '--topic', TOPIC, '--partition', '0'])
      await tool('abort a start offset no transaction has', ['abort', '--topic', TOPIC, '--partition', '0', '--start-offset', '1'])
      // The abort marker moved the partition's last stable offset to its high watermark.
      const atLeader = await diff.connect(await brokerOf(to, TOPIC, 0, leader))
      const lso = await diff.requestBoth(atLeader, ApiKey.ListOffsets, { replicaId: -1, isolationLevel: 1, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }], timeoutMs: 5_000 })
      if (lso.answers.kafka.ok) expect(lso.answers.kafka.value.topics[0].partitions[0].offset).toBe(3n)
      diff.check('kafka-transactions', 'the LSO after the abort (read_committed ListOffsets)', `ListOffsets v${lso.version} read_committed ${TOPIC}-0`, lso.answers.kafka, lso.answers.brokerlab)
    } finally {
      for (const side of TXN_SIDES) await open[side]?.producer.disconnect()
    }
  })

  it('kafka-transactions finds a transaction no coordinator knows as hanging, and aborts it, as on Kafka', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    const TOPIC = `${RUN}txn-hanging`
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic(TOPIC, 1, Math.min(3, Number(process.env.REFERENCE_BROKERS ?? 3)))], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, [TOPIC])
    // Only with KIP-890's verification off can a transactional batch reach a partition its coordinator never added.
    const verification = (value: string | null) =>
      diff.requestBoth(to, ApiKey.IncrementalAlterConfigs, {
        resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'transaction.partition.verification.enable', configOperation: value === null ? 1 : 0, value }] }],
        validateOnly: false,
      })
    const off = await verification('false')
    diff.check('kafka-transactions', 'transaction.partition.verification.enable turned off cluster-wide', 'IncrementalAlterConfigs cluster default transaction.partition.verification.enable=false', off.answers.kafka, off.answers.brokerlab)
    try {
      const hanging = {} as Record<Side, { producerId: number; offset: number }>
      // Dynamic broker configs reach every broker through the metadata log: retried until the leader takes the batch.
      for (const side of TXN_SIDES) hanging[side] = await eventuallyHanging(bootstraps[side], TOPIC)
      expect(hanging.kafka.offset).toBe(0)
      const tool = (check: string, args: string[]) => diff.compareTool(bootstraps, 'kafka-transactions', check, args, parseTransactionsTable)
      const found = await tool('find-hanging: a transactional batch no coordinator knows is hanging', ['find-hanging', '--topic', TOPIC, '--max-transaction-timeout', '0'])
      // What the reference itself must show: the batch, found at its start offset.
      expect(found.kafka.stdout).toEqual([expect.objectContaining({ Topic: TOPIC, Partition: '0', StartOffset: '0' })])
      await tool('abort the hanging transaction by its start offset', ['abort', '--topic', TOPIC, '--partition', '0', '--start-offset', '0'])
      const after = await tool('find-hanging after the abort', ['find-hanging', '--topic', TOPIC, '--max-transaction-timeout', '0'])
      expect(after.kafka.stdout).toEqual([])
    } finally {
      await verification(null)
    }
  })

  it('answers misuse with the error codes Kafka answers', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    await misuseScenarios(diff, to, bootstraps)
  })
})
