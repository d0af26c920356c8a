// Transactions run by hand from the Produce page: begin one, send records into it, commit or
// abort it; the list of those begun here (open first) is polled while the page is open.
import { defineStore } from 'pinia'
import type { ManualTransaction, RequestOf } from '../../../preload/contract'
import { client } from '../api/client'
import { usePolledCall } from '../composables/usePolledCall'

export const useManualTransactionsStore = defineStore('manualTransactions', () => {
  const polled = usePolledCall<ManualTransaction[]>(() => client.call('producer:transactions', {}), [])

  async function after<T>(call: Promise<T>): Promise<T> {
    const result = await call
    await polled.refresh()
    return result
  }

  return {
    transactions: polled.value,
    error: polled.error,
    refresh: polled.refresh,
    begin: (request: RequestOf<'producer:beginTransaction'>) => after(client.call('producer:beginTransaction', request)),
    send: (request: RequestOf<'producer:sendInTransaction'>) => after(client.call('producer:sendInTransaction', request)),
    end: (transactionalId: string, commit: boolean) => after(client.call('producer:endTransaction', { transactionalId, commit })),
  }
})
