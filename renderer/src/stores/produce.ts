// Producing one record at a time from the console, in the three ways a Kafka producer's
// send() is used: synchronous (wait for the result before the next send), asynchronous (send
// on, each result arrives as its callback would) and fire-and-forget (never look at the result).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ProducedRecord, RequestOf } from '../../../preload/contract'
import { client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'

export type ProduceRequest = RequestOf<'message:produce'>
export type SendMode = 'sync' | 'async' | 'fire-and-forget'

export interface Send {
  id: number
  topic: string
  mode: SendMode
  state: 'pending' | 'written' | 'sent' | 'failed'
  record?: ProducedRecord | null
  error?: string
}

/** How many sends the results list keeps, newest first. */
const KEPT = 20

export const useProduceStore = defineStore('produce', () => {
  const sends = ref<Send[]>([])
  /** A synchronous send in flight: the form waits for it. */
  const waiting = ref(false)
  let nextId = 1

  function settle(id: number, outcome: Partial<Send>): void {
    const send = sends.value.find((s) => s.id === id)
    if (send) Object.assign(send, outcome)
  }

  async function send(request: ProduceRequest, mode: SendMode): Promise<void> {
    const id = nextId++
    sends.value = [{ id, topic: request.topic, mode, state: 'pending' as const }, ...sends.value].slice(0, KEPT)
    const call = client.call('message:produce', request)
    if (mode === 'fire-and-forget') {
      call.catch(() => undefined)
      settle(id, { state: 'sent' })
      return
    }
    if (mode === 'sync') waiting.value = true
    try {
      const record = await call
      settle(id, { state: record ? 'written' : 'sent', record })
    } catch (reason) {
      settle(id, { state: 'failed', error: errorMessage(reason) })
    } finally {
      if (mode === 'sync') waiting.value = false
    }
  }

  function clear(): void {
    sends.value = []
  }

  return { sends, waiting, send, clear }
})
