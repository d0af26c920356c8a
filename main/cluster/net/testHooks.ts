// A test-only fault, inert unless BROKERLAB_TEST_HOOKS=1 is set in the environment the
// cluster starts in: a request whose client id starts with "brokerlab-test-die:" makes the
// broker's thread throw an uncaught error, as a bug would, with the rest of the client id as
// its message. Tests use it to check that an unasked worker death is logged, published and
// shown, also against `brokerlab serve` in another process, which they reach only by socket.
export const DIE_CLIENT_ID_PREFIX = 'brokerlab-test-die:'

const enabled = process.env.BROKERLAB_TEST_HOOKS === '1'

export class InjectedFault extends Error {
  override name = 'InjectedFault'
}

/** Called with each request's client id; throws out of the event loop when asked to. */
export function testHook(clientId: string | null): void {
  if (!enabled || !clientId?.startsWith(DIE_CLIENT_ID_PREFIX)) return
  const message = clientId.slice(DIE_CLIENT_ID_PREFIX.length)
  setImmediate(() => {
    throw new InjectedFault(message)
  })
}
