// A store's view of something main keeps (the demo runs, the load producers): the latest
// answer of one read call, refreshed by the page's poll, its error kept for the page to show.
import { ref, shallowRef, type Ref } from 'vue'
import { errorMessage } from './useSubmit'
import { useConnectionStore } from '../stores/connection'

export function usePolledCall<T>(read: () => Promise<T>, initial: T) {
  const connection = useConnectionStore()
  const value = shallowRef(initial) as Ref<T>
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let inFlight = false

  /** Reads again; a call while one runs is dropped (the poll comes again). */
  async function refresh(): Promise<void> {
    if (!connection.connected || inFlight) return
    inFlight = true
    try {
      value.value = await read()
      error.value = null
    } catch (reason) {
      error.value = errorMessage(reason)
    } finally {
      inFlight = false
      loaded.value = true
    }
  }

  return { value, loaded, error, refresh }
}
