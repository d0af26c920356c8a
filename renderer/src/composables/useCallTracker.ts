// Pending and failed contract calls, by key (a broker id, a control's name): what a control
// needs to show a spinner-free "Stopping…" and an inline error until the next attempt.
import { shallowReactive } from 'vue'
import { toCallError, type ContractCallError } from '../api/errors'

export function useCallTracker<K>() {
  /** key -> what is running (an action's name) */
  const pending = shallowReactive(new Map<K, string>())
  const errors = shallowReactive(new Map<K, ContractCallError>())

  /** Runs `call` under `key`; resolves true when it succeeded, false when it failed (the error is kept). */
  async function run(key: K, what: string, call: () => Promise<unknown>): Promise<boolean> {
    pending.set(key, what)
    errors.delete(key)
    try {
      await call()
      return true
    } catch (reason) {
      errors.set(key, toCallError(reason))
      return false
    } finally {
      pending.delete(key)
    }
  }

  return { pending, errors, run, clear: (key: K) => errors.delete(key) }
}
