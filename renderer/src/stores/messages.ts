// The message browser's page: where it reads (topic, partition, seek position), the records
// shown, paging from their offsets, a live tail.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { BrowseFrom, BrowsedRecord } from '../../../preload/contract'
import { client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'

export const PAGE_SIZE = 50

export const useMessagesStore = defineStore('messages', () => {
  const topic = ref('')
  /** null: every partition, merged by timestamp. */
  const partition = ref<number | null>(null)
  const from = shallowRef<BrowseFrom>({ kind: 'latest' })
  const records = shallowRef<BrowsedRecord[]>([])
  const error = ref<string | null>(null)
  const loading = ref(false)
  const live = ref(false)

  let latestCall = 0

  /** Reads a page; an answer that a newer browse overtook is dropped. */
  async function browse(next: BrowseFrom = from.value): Promise<void> {
    if (!topic.value) return
    from.value = next
    loading.value = true
    const call = ++latestCall
    const request = { topic: topic.value, from: next, limit: PAGE_SIZE, ...(partition.value === null ? {} : { partition: partition.value }) }
    try {
      const page = await client.call('message:browse', request)
      if (call !== latestCall) return
      records.value = page
      error.value = null
    } catch (reason) {
      if (call !== latestCall) return
      error.value = errorMessage(reason)
      records.value = []
    } finally {
      if (call === latestCall) loading.value = false
    }
  }

  /** The page after the last record shown (with no records: stay where we are). */
  function nextPage(): Promise<void> {
    const last = records.value.at(-1)
    return browse(last ? { kind: 'offset', offset: last.offset + 1 } : from.value)
  }

  /** The page ending before the first record shown. */
  function previousPage(): Promise<void> {
    const first = records.value[0]
    return browse(first ? { kind: 'offset', offset: Math.max(0, first.offset - PAGE_SIZE) } : { kind: 'earliest' })
  }

  function tail(): Promise<void> {
    return browse({ kind: 'latest' })
  }

  return { topic, partition, from, records, error, loading, live, browse, nextPage, previousPage, tail }
})
