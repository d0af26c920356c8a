// Contract calls on a ConsoleService, as the console makes them: the result, or the error thrown.
import type { ConsoleService } from '../../main/console/consoleService'

export async function call<T>(host: ConsoleService, method: string, request: unknown): Promise<T> {
  const outcome = await host.call(method, request)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`)
  return outcome.result as T
}
