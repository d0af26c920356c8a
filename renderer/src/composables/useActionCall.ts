// One contract call behind a button (create, delete, add partitions, read configs): whether it
// runs, and the server's message and Kafka's error name when it failed, for a dialog to show inline.
import { ref } from 'vue'
import { toCallError } from '../api/errors'

export function useActionCall() {
  const pending = ref(false)
  const error = ref<string | null>(null)
  const errorName = ref<string | null>(null)

  /** Runs the call; resolves true when it succeeded, false (with the error kept) when it failed. */
  async function run(call: () => Promise<unknown>): Promise<boolean> {
    pending.value = true
    error.value = errorName.value = null
    try {
      await call()
      return true
    } catch (reason) {
      const failure = toCallError(reason)
      error.value = failure.message
      errorName.value = failure.errorName ?? null
      return false
    } finally {
      pending.value = false
    }
  }

  return { pending, error, errorName, run }
}
