// One contract call behind a button (create, delete, add partitions, read configs): useSubmit
// with the call passed to run, which resolves true when it succeeded and false (with the
// server's message and Kafka's error name kept) when it failed, for a dialog to show inline.
import { useSubmit } from './useSubmit'

export function useActionCall() {
  const { busy, error, errorName, run } = useSubmit((call: () => Promise<unknown>) => call())
  return {
    pending: busy,
    error,
    errorName,
    run: async (call: () => Promise<unknown>): Promise<boolean> => {
      await run(call)
      return error.value === null
    },
  }
}
