// The bundled broker worker (out/main/brokerWorker.js, what the desktop app and the CLI
// start) boots and serves the same API as the source the other tests run.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterEach, expect, it } from 'vitest'
import { emptyConfigLayers } from '../../main/cluster/config'
import { onMessages, RpcClient } from '../../main/cluster/rpc'
import { BUILT_ENTRIES } from '../../main/cluster/workers'
import type { BrokerApi, BrokerInit, BrokerReady } from '../../main/cluster/broker/api'
import { producerBatch, tempDir } from '../helpers/batches'

const builtWorker = fileURLToPath(new URL(`../../out/main/${BUILT_ENTRIES.broker}`, import.meta.url))
const tmp = tempDir()
let worker: Worker | undefined
afterEach(async () => {
  await worker?.terminate()
  tmp.remove()
})

it('boots from the build output, produces and fetches', async () => {
  expect(existsSync(builtWorker), `${builtWorker} (built by tests/globalSetup.ts)`).toBe(true)
  const init: BrokerInit = { brokerId: 7, clusterId: 'test-cluster', dataDir: join(tmp.dir, 'broker-7'), configs: emptyConfigLayers(), listener: { host: '127.0.0.1', port: 0 } }
  worker = new Worker(builtWorker, { workerData: init })
  const client = new RpcClient<BrokerApi>(worker)
  const ready = await new Promise<BrokerReady>((resolve, reject) => {
    onMessages(worker!, (m) => (m.kind === 'ready' ? resolve(m.info as BrokerReady) : m.kind === 'init-failed' && reject(new Error(m.error.message))))
    worker!.once('error', reject)
  })
  expect(ready.brokerId).toBe(7)
  const state = { topic: 't', topicId: 'id', partition: 0, leader: 7, leaderEpoch: 1, partitionEpoch: 0, replicas: [7], isr: [7] }
  await client.call('leaderAndIsr', { partitionStates: [state], topicConfigs: { t: {} } })
  const produced = await client.call('produce', { acks: -1, timeoutMs: 1000, topics: [{ name: 't', partitions: [{ index: 0, records: producerBatch({ count: 3 }) }] }] })
  expect(produced!.topics[0].partitions[0]).toMatchObject({ errorCode: 0, baseOffset: 0 })
  const fetched = await client.call('fetch', {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{ name: 't', partitions: [{ index: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
  })
  expect(fetched.topics[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 3 })
  await client.call('shutdown', {})
})
