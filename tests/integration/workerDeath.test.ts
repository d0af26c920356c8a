// Issue 21: a worker that ends without being asked is never silent. Its error and stack are
// logged, an event with the error reaches the contract's event stream, and the snapshot
// shows the broker as "died" (not "crashed", which the operator causes). With
// restartOnFailure the cluster starts it again, as a supervisor restarts Kafka's process.
import type { Worker } from 'node:worker_threads'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import type { BrokerSnapshot, ClusterEvent, ClusterSnapshot } from '../../preload/contract'
import { ConsoleService } from '../../main/console/consoleService'
import { producerBatch } from '../helpers/batches'
import { eventually, useCluster } from '../helpers/cluster'
import { call } from '../helpers/contract'
import { injectBrokerDeath } from '../helpers/socket'

const fixture = useCluster()

beforeAll(() => {
  // Read by the workers the cluster starts (main/cluster/net/testHooks.ts).
  process.env.BROKERLAB_TEST_HOOKS = '1'
})

async function broker(host: ConsoleService, id: number): Promise<BrokerSnapshot> {
  const snapshot = await call<ClusterSnapshot>(host, 'cluster:snapshot', {})
  return snapshot.brokers.find((b) => b.id === id)!
}

const died = (events: ClusterEvent[], type: string) => events.find((e) => e.type === type) as Extract<ClusterEvent, { type: 'broker-died' }> | undefined

/** The controller's thread, to end it behind the cluster's back. */
function controllerWorker(c: Cluster): Worker {
  return (c as unknown as { supervisor: { controller: { worker: Worker } } }).supervisor.controller.worker
}

describe('an unasked worker death', () => {
  it('of a broker is logged with its stack, published with its error, and shown as died until restarted', async () => {
    const logged: string[] = []
    const c = await fixture.start({}, 2, { log: (line) => logged.push(line) })
    const host = new ConsoleService(c)
    await injectBrokerDeath(c.bootstrapServers, 0, 'a bug in broker 1')

    const event = await eventually('the broker-died event', async () => died(await call<ClusterEvent[]>(host, 'events:recent', {}), 'broker-died'))
    expect(event).toMatchObject({ brokerId: 1, message: 'InjectedFault: a bug in broker 1', restarting: false, death: { error: { name: 'InjectedFault' } } })
    expect(logged.join('\n')).toMatch(/broker 1 died: InjectedFault: a bug in broker 1\n\s+at /)
    const snapshot = await broker(host, 1)
    expect(snapshot).toMatchObject({ status: 'died', lastDeath: { error: { message: 'a bug in broker 1' } } })
    // Its links went with it, as after a crash: the controller fences it.
    await eventually('broker 1 fenced', () => fixture.events.some((e) => e.type === 'broker-fenced' && e.brokerId === 1))
    expect(fixture.events.some((e) => e.type === 'broker-crashed')).toBe(false)
    // Crash is refused (it is not running); restart brings it back, and the death stays on record.
    expect((await host.call('broker:crash', { brokerId: 1 })).ok).toBe(false)
    await call(host, 'broker:restart', { brokerId: 1 })
    expect(await broker(host, 1)).toMatchObject({ status: 'running', lastDeath: { error: { name: 'InjectedFault' } } })
  })

  it('of a broker is followed by a restart with restartOnFailure', async () => {
    const c = await fixture.start({}, 1, { restartOnFailure: true, log: () => undefined })
    await c.createTopic({ name: 'kept', partitions: 1 })
    await c.produce('kept', 0, producerBatch({ count: 2 }))
    await injectBrokerDeath(c.bootstrapServers, 0, 'again')
    await eventually('broker 1 restarted', () => c.brokerStatus(1) === 'running' && fixture.events.some((e) => e.type === 'broker-started'))
    expect(died(fixture.events, 'broker-died')).toMatchObject({ brokerId: 1, restarting: true })
    await eventually('broker 1 unfenced', () => c.image.brokers.get(1)?.fenced === false)
    expect((await c.fetch('kept', 0, 0)).highWatermark).toBe(2)
  })

  it('of the controller is logged and published', async () => {
    const logged: string[] = []
    const c = await fixture.start({}, 1, { log: (line) => logged.push(line) })
    await controllerWorker(c).terminate()
    await eventually('the controller-died event', () => died(fixture.events, 'controller-died'))
    expect(died(fixture.events, 'controller-died')).toMatchObject({ message: 'its thread exited with code 1', death: { error: null, exitCode: 1 } })
    expect(logged).toEqual([expect.stringMatching(/^brokerlab: the controller died: its thread exited with code 1$/)])
  })

  it('of the demo clients is logged and published, and the next use starts them again', async () => {
    const logged: string[] = []
    const c = await fixture.start({}, 1, { log: (line) => logged.push(line) })
    const clients = c.demo as unknown as { worker: Promise<{ worker: Worker }> }
    await c.demoClients()
    await (await clients.worker).worker.terminate()
    await eventually('the clients-died event', () => died(fixture.events, 'clients-died'))
    expect(logged).toEqual([expect.stringMatching(/the demo clients worker died: its thread exited with code 1$/)])
    expect(await c.demo.consumerRuns()).toEqual([])
    await c.demoClients()
    expect(await clients.worker).toBeDefined()
  })
})
