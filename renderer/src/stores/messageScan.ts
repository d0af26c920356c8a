// A server-side scan of the chosen topic (message:scanStart): the CEL filter, its progress
// polled while it runs, the matches gathered, and the stop.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { PagedRecord, ScanRequest, ScanStatus } from '../../../preload/contract'
import { client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'

export const useMessageScanStore = defineStore('messageScan', () => {
  const status = shallowRef<ScanStatus | null>(null)
  /** What the scan read: its topic, for the export's file name. */
  const topic = ref('')
  const matches = shallowRef<PagedRecord[]>([])
  const error = ref<string | null>(null)
  const running = computed(() => status.value?.state === 'running')
  let polling = false

  function apply(next: ScanStatus): void {
    if (next.matches.length) matches.value = [...matches.value, ...next.matches]
    status.value = next
  }

  async function start(request: ScanRequest): Promise<void> {
    error.value = null
    try {
      const first = await client.call('message:scanStart', request)
      topic.value = request.topic
      matches.value = []
      apply(first)
    } catch (reason) {
      error.value = errorMessage(reason)
    }
  }

  /** The progress and the matches found since the last poll; one poll at a time, so none is counted twice. */
  async function poll(): Promise<void> {
    if (!status.value || !running.value || polling) return
    polling = true
    try {
      apply(await client.call('message:scanStatus', { scanId: status.value.scanId, since: matches.value.length }))
    } catch (reason) {
      error.value = errorMessage(reason)
    } finally {
      polling = false
    }
  }

  /** Asks the server to stop; the next poll shows it stopped, with every match found before. */
  async function stop(): Promise<void> {
    if (!status.value) return
    try {
      await client.call('message:scanStop', { scanId: status.value.scanId })
    } catch (reason) {
      error.value = errorMessage(reason)
    }
  }

  return { status, topic, matches, error, running, start, poll, stop }
})
