// The Transactions page's data: every transactional id, the partitions whose LSO stands behind
// the high watermark and the open transactions holding them there, polled while the page is
// open; and the abort of a hanging one (kafka-transactions --abort).
import { defineStore } from 'pinia'
import type { RequestOf, TransactionsOverview } from '../../../preload/contract'
import { client } from '../api/client'
import { usePolledCall } from '../composables/usePolledCall'
import { useClusterStore } from './cluster'

export const useTransactionsStore = defineStore('transactions', () => {
  const cluster = useClusterStore()
  const polled = usePolledCall<TransactionsOverview | null>(() => client.call('transaction:list', {}), null)

  /** Reads again, unless the cluster lacks the APIs (the page says so once instead). */
  async function refresh(): Promise<void> {
    if (cluster.unsupportedFor('transaction:list').length) return
    await polled.refresh()
  }

  async function abort(request: RequestOf<'transaction:abort'>) {
    const result = await client.call('transaction:abort', request)
    await refresh()
    return result
  }

  return { overview: polled.value, loaded: polled.loaded, error: polled.error, refresh, abort }
})
