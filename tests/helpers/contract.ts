// Contract calls on a ConsoleHost, as the console makes them: the result, or the error thrown.
import type { ConsoleHost } from '../../main/host/consoleHost'

export async function call<T>(host: ConsoleHost, method: string, request: unknown): Promise<T> {
  const outcome = await host.call(method, request)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`)
  return outcome.result as T
}
