// The topic a detail page shows, partition by partition (topic:describe). It is read again
// whenever the cluster snapshot changes, so the matrix follows failures at the snapshot's pace
// without every snapshot carrying every partition of every topic.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { TopicDescription } from '../../../preload/contract'
import { client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'

export const useTopicDetailStore = defineStore('topicDetail', () => {
  const description = shallowRef<TopicDescription | null>(null)
  const error = ref<string | null>(null)
  let latest = 0
  let inFlight = false

  /** Reads `name`'s partitions; an answer for a topic the page has left is dropped, and overlapping reads are skipped. */
  async function load(name: string): Promise<void> {
    if (inFlight && description.value?.name === name) return
    const call = ++latest
    inFlight = true
    try {
      const next = await client.call('topic:describe', { name })
      if (call !== latest) return
      description.value = next
      error.value = null
    } catch (reason) {
      if (call !== latest) return
      error.value = errorMessage(reason)
    } finally {
      if (call === latest) inFlight = false
    }
  }

  return { description, error, load }
})
