import { ref } from 'vue'

/** The message of whatever a call rejected with (a ContractCallError's is the server's). */
export function errorMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason)
}

/** An operator's action (a form's submit): whether it runs, and its error to show inline. */
export function useSubmit<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const busy = ref(false)
  const error = ref<string | null>(null)

  /** Resolves with the result, or undefined when it failed (the error is in `error`). */
  async function run(...args: A): Promise<R | undefined> {
    busy.value = true
    error.value = null
    try {
      return await fn(...args)
    } catch (reason) {
      error.value = errorMessage(reason)
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}
