// The message browser's page: where it reads (topic, partition, seek position), the records
// shown and the page's cursors (one position per partition), paging Older and Newer from
// them, a live tail.
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { BrowseCursor, BrowseFrom, IsolationLevelName, PagedRecord, PageFrom } from '../../../preload/contract'
import { chosenConnection, client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'

export const PAGE_SIZE = 50

/** The topic last browsed on each connection, kept across visits and restarts. */
const TOPIC_KEY = `brokerlab.messages.topic.${chosenConnection()}`

function remembered(): string {
  try {
    return localStorage.getItem(TOPIC_KEY) ?? ''
  } catch {
    return ''
  }
}

export const useMessagesStore = defineStore('messages', () => {
  const topic = ref(remembered())
  watch(topic, (name) => name && localStorage.setItem(TOPIC_KEY, name))
  /** null: every partition, merged by timestamp. */
  const partition = ref<number | null>(null)
  /** Kafka's isolation.level: read_committed ends at the LSO and leaves out aborted transactions' records. */
  const isolationLevel = ref<IsolationLevelName>('read_uncommitted')
  /** The last seek (a page's cursors move from there). */
  const from = shallowRef<BrowseFrom>({ kind: 'latest' })
  const records = shallowRef<PagedRecord[]>([])
  const cursors = shallowRef<{ before: BrowseCursor; after: BrowseCursor } | null>(null)
  /** Said when Older or Newer finds nothing more: the page stays. */
  const notice = ref<string | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  const live = ref(false)

  let latestCall = 0

  /** Reads a page; an answer that a newer read overtook is dropped. `keepWhenEmpty`: paging past either end keeps the page. */
  async function read(pageFrom: PageFrom, keepWhenEmpty?: string): Promise<void> {
    if (!topic.value) return
    loading.value = true
    const call = ++latestCall
    const request = { topic: topic.value, from: pageFrom, limit: PAGE_SIZE, isolationLevel: isolationLevel.value, ...(partition.value === null ? {} : { partition: partition.value }) }
    try {
      const page = await client.call('message:page', request)
      if (call !== latestCall) return
      error.value = null
      if (keepWhenEmpty && page.records.length === 0 && records.value.length > 0) {
        notice.value = keepWhenEmpty
        return
      }
      notice.value = null
      records.value = page.records
      cursors.value = { before: page.before, after: page.after }
    } catch (reason) {
      if (call !== latestCall) return
      error.value = errorMessage(reason)
      records.value = []
      cursors.value = null
    } finally {
      if (call === latestCall) loading.value = false
    }
  }

  function browse(next: BrowseFrom = from.value): Promise<void> {
    from.value = next
    return read(next)
  }

  /** The records after this page in every partition (with no page yet: read from the seek again). */
  function nextPage(): Promise<void> {
    return cursors.value ? read({ kind: 'after', cursor: cursors.value.after }, 'No newer records yet.') : browse()
  }

  /** The records before this page in every partition. */
  function previousPage(): Promise<void> {
    return cursors.value ? read({ kind: 'before', cursor: cursors.value.before }, 'No older records: this is the first page.') : browse({ kind: 'earliest' })
  }

  /** The live tail: the newest page, read again. */
  function tail(): Promise<void> {
    return browse({ kind: 'latest' })
  }

  return { topic, partition, isolationLevel, from, records, cursors, notice, error, loading, live, browse, nextPage, previousPage, tail }
})
