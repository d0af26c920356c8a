// The client library's errors in Kafka's words: an error code a broker answered becomes a
// KafkaError with that code's name and the broker's own message, as any Kafka tool shows it.
import { ErrorCode, errorName, KafkaError, kafkaErrorFor, type ErrorName } from '../../cluster/errors'

interface LibraryError extends Error {
  apiId?: string
  apiCode?: number
  serverErrorMessage?: string | null
  errors?: unknown[]
  cause?: unknown
}

/** The first error a broker answered with, inside the library's nested MultipleErrors. */
function protocolError(err: unknown, depth = 0): LibraryError | undefined {
  if (!(err instanceof Error) || depth > 6) return undefined
  const e = err as LibraryError
  if (typeof e.apiCode === 'number' && e.apiCode !== 0) return e
  for (const inner of e.errors ?? []) {
    const found = protocolError(inner, depth + 1)
    if (found) return found
  }
  return protocolError(e.cause, depth + 1)
}

const isErrorName = (name: string): name is ErrorName => Object.hasOwn(ErrorCode, name)

/** A KafkaError when the broker answered with an error code; otherwise the error as it is. */
export function fromLibrary(err: unknown): unknown {
  if (err instanceof KafkaError) return err
  const found = protocolError(err)
  if (!found) return err
  const message = found.serverErrorMessage || found.message
  return found.apiId && isErrorName(found.apiId) ? new KafkaError(found.apiId, message) : kafkaErrorFor(found.apiCode!, message)
}

/** Runs a library call, rethrowing a broker's error code as a KafkaError. */
export async function kafkaCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw fromLibrary(err)
  }
}

/** An error code an answer carried, as the KafkaError a tool shows: the broker's message, or what failed and the code's name. */
export function kafkaErrorOf(code: number, what: string, message?: string | null): KafkaError {
  return kafkaErrorFor(code, message || `${what} failed: ${errorName(code)}`)
}
