// The embedded cluster's log cleaners (lab only): every running broker's cleaner metrics and
// compacted logs, polled while a page shows them, one topic's or all; and the compaction
// experiment's actions (produce updates and tombstones, wake the cleaners). Views never call
// the contract.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { BrokerLogCleanerState, CompactionExperimentResult, RequestOf } from '../../../preload/contract'
import { client } from '../api/client'
import { useCallTracker } from '../composables/useCallTracker'
import { usePolledCall } from '../composables/usePolledCall'

export type CompactionExperiment = RequestOf<'logCleaner:experiment'>

export const useLogCleanerStore = defineStore('logCleaner', () => {
  /** The topic the topic page shows; undefined: every compacted log (the Brokers page). */
  const topic = ref<string | undefined>(undefined)
  const { value: cleaners, loaded, error, refresh } = usePolledCall(
    () => client.call('logCleaner:state', topic.value === undefined ? {} : { topic: topic.value }),
    [] as BrokerLogCleanerState[],
  )
  const actions = useCallTracker<'experiment' | 'wake'>()
  const lastExperiment = ref<CompactionExperimentResult | null>(null)

  /** Shows `name`'s logs only (or every log), read again at once. */
  function watchTopic(name: string | undefined): Promise<void> {
    if (topic.value !== name) cleaners.value = []
    topic.value = name
    return refresh()
  }

  function runExperiment(request: CompactionExperiment) {
    return actions.run('experiment', 'producing', async () => {
      lastExperiment.value = await client.call('logCleaner:experiment', request)
      await refresh()
    })
  }

  /** The cleaners stop their backoff and look for a log to clean now. */
  function wake() {
    return actions.run('wake', 'waking', () => client.call('logCleaner:wake', {}))
  }

  return { cleaners, loaded, error, refresh, watchTopic, actions, lastExperiment, runExperiment, wake }
})
