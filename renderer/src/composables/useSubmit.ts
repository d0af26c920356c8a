import { ref } from 'vue'
import { toCallError } from '../api/errors'

/** The message of whatever a call rejected with (a ContractCallError's is the server's). */
export function errorMessage(reason: unknown): string {
  return toCallError(reason).message
}

/** An operator's action (a form's submit): whether it runs, and its error (with Kafka's error name) to show inline. */
export function useSubmit<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const busy = ref(false)
  const error = ref<string | null>(null)
  const errorName = ref<string | null>(null)

  /** Resolves with the result, or undefined when it failed (the error is in `error`). */
  async function run(...args: A): Promise<R | undefined> {
    busy.value = true
    error.value = errorName.value = null
    try {
      return await fn(...args)
    } catch (reason) {
      const failure = toCallError(reason)
      error.value = failure.message
      errorName.value = failure.errorName ?? null
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, error, errorName, run }
}
