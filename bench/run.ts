// `npm run bench`: every benchmark, each against its reference measured in the same run.
import { cpus } from 'node:os'
import { benchBrokerAppend } from './brokerAppend'
import { printTable } from './report'

console.log(`# Brokerlab benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`)
const met = printTable('Broker append and read: 1,000,000 records of 100 bytes, batches of 1,000', await benchBrokerAppend())
if (!met) {
  console.log('\nA target was missed.')
  process.exitCode = 1
}
