// The load generators main runs (counters, throughput and latency series), polled while the
// Produce page is open, and starting and stopping them. Views never call the contract.
import { defineStore } from 'pinia'
import type { ProducerStats, RequestOf } from '../../../preload/contract'
import { client } from '../api/client'
import { useCallTracker } from '../composables/useCallTracker'
import { usePolledCall } from '../composables/usePolledCall'

export type StartProducerRequest = RequestOf<'demo:startProducer'>

export const useLoadProducersStore = defineStore('loadProducers', () => {
  const { value: producers, loaded, error, refresh } = usePolledCall(() => client.call('demo:producers', {}), [] as ProducerStats[])
  /** producerId -> stopping, and the last stop's error. */
  const actions = useCallTracker<string>()

  async function start(request: StartProducerRequest): Promise<ProducerStats> {
    const producer = await client.call('demo:startProducer', request)
    producers.value = [...producers.value, producer]
    return producer
  }

  function stop(producerId: string) {
    return actions.run(producerId, 'stop', async () => {
      await client.call('demo:stopProducer', { producerId })
      producers.value = producers.value.filter((p) => p.producerId !== producerId)
    })
  }

  return { producers, loaded, error, actions, refresh, start, stop }
})
