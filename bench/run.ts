// `npm run bench`: every benchmark, each against its reference measured in the same run.
import { cpus } from 'node:os'
import { benchBrokerAppend } from './brokerAppend'
import { benchReplication } from './replication'
import { benchKcatPeer } from './kcatPeer'
import { printTable } from './report'
import { benchConsoleLists, printFrames } from './consoleLists'
import { benchKafkaReference } from './kafkaReference'
import { benchCleaner } from './cleaner'
import { benchKafkaCleaner } from './kafkaCleaner'
import { benchConsoleScale, printRefresh } from './consoleScale'
import { benchSchemaRegistry, printRegistry } from './schemaRegistry'
import { benchTransactions } from './transactions'

console.log(`# Brokerlab benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`)
const only = process.argv[2]
let met = true
if (!only || only === 'append') met = printTable('Broker append and read: 1,000,000 records of 100 bytes, batches of 1,000', await benchBrokerAppend()) && met
if (!only || only === 'replication') met = printTable('Cost of replication: the same workload, acks=all RF=3 against acks=1 RF=1', await benchReplication()) && met
if (!only || only === 'kcat') {
  const { results, notes } = await benchKcatPeer()
  met = printTable('kcat against Brokerlab (3 brokers, RF=3) and the librdkafka mock cluster: 1,000,000 messages of 100 bytes', results) && met
  for (const note of notes) console.log(`- ${note}`)
}
if (!only || only === 'cleaner') {
  const { results, notes } = await benchCleaner()
  met = printTable('Log cleaner: one round of a compacted log, 1,000,000 records of 100 bytes over 10,000 keys, against raw read + write', results) && met
  for (const note of notes) console.log(`- ${note}`)
}
if (!only || only === 'kafka-cleaner') {
  const { results, notes } = await benchKafkaCleaner()
  // A peer figure: the ratios are shown against issue 18's target, which `cleaner` checks.
  printTable("Apache Kafka 4.4's LogCleaner on the same workload (1 broker, 1 partition), against raw read + write on its segment files; Brokerlab's cleaner bench beside it", results)
  for (const note of notes) console.log(`- ${note}`)
}
if (!only || only === 'console') {
  const { results, notes } = await benchConsoleLists()
  met = printFrames('The console with 1,000 topics of 12 partitions (RF 3, 3 brokers) in Chromium at 1280x800', results) && met
  for (const note of notes) console.log(`- ${note}`)
}
if (!only || only === 'console-scale') {
  const { refresh, frames, notes } = await benchConsoleScale()
  met = printRefresh('The console on Apache Kafka 4.4 with 1,000 topics × 12 partitions: a full refresh of 12,000 partitions over the Kafka protocol', refresh) && met
  met = printFrames('The Topics page on that connection in Chromium at 1280x800', frames) && met
  for (const note of notes) console.log(`- ${note}`)
}
if (!only || only === 'transactions') {
  const { produce, fetch, notes } = await benchTransactions()
  met = printTable('Transactions over the Kafka protocol (3 brokers, RF 3, acks=all): 100 records per transaction against the idempotent producer', produce) && met
  met = printTable('read_committed Fetch against read_uncommitted, the same transactional topic', fetch) && met
  for (const note of notes) console.log(`- ${note}`)
}
if (!only || only === 'kafka') {
  console.log('\n## Brokerlab and Apache Kafka 4.4 (3 brokers each, alternately): Kafka\'s perf tools, 1,000,000 × 100 B, acks=all, RF 3, min.insync.replicas 2, 4 partitions\n')
  for (const line of await benchKafkaReference()) console.log(line)
}
if (!only || only === 'schema-registry') {
  const { rows, notes } = await benchSchemaRegistry()
  met = printRegistry('Schema registry on 3 brokers (_schemas RF 3, acks=all): registrations and lookups by id over HTTP/1.1', rows) && met
  for (const note of notes) console.log(`- ${note}`)
}
if (!met) {
  console.log('\nA target was missed.')
  process.exitCode = 1
}
