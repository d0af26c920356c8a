// `npm run bench`: every benchmark, each against its reference measured in the same run.
import { cpus } from 'node:os'
import { benchBrokerAppend } from './brokerAppend'
import { benchReplication } from './replication'
import { printTable } from './report'

console.log(`# Brokerlab benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`)
const only = process.argv[2]
let met = true
if (!only || only === 'append') met = printTable('Broker append and read: 1,000,000 records of 100 bytes, batches of 1,000', await benchBrokerAppend()) && met
if (!only || only === 'replication') met = printTable('Cost of replication: the same workload, acks=all RF=3 against acks=1 RF=1', await benchReplication()) && met
if (!met) {
  console.log('\nA target was missed.')
  process.exitCode = 1
}
