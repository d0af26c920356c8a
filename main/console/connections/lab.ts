// The embedded cluster's own capabilities, which a connection to another Kafka cluster does
// not have: faults on brokers and links, the demo clients, and the log cleaner's internals. The console offers these
// controls only where its connection is the lab. The lab's Kafka connection is the same kind
// every other cluster gets, to the embedded cluster's listeners.
import type { Cluster } from '../../cluster/cluster'
import { ConnectionSettings, type MethodName, type RequestOf, type ResponseOf, type RunStats } from '../../../preload/contract'
import { LOCAL, type ConsoleConnection } from './consoleConnection'
import { faultImpact } from '../views/faultImpact'
import { logCleanerState, wakeLogCleaners } from '../views/logCleaner'
import { runCompactionExperiment } from '../views/compactionExperiment'
import { KafkaConnection } from './kafkaConnection'
import { kafkaOutputReadBack } from '../views/outputReadBack'

export type LabMethod = Extract<MethodName, `broker:${string}` | `link:${string}` | `demo:${string}` | `logCleaner:${string}`>
export type LabMethods = { [M in LabMethod]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

export function isLabMethod(method: MethodName): method is LabMethod {
  return method.startsWith('broker:') || method.startsWith('link:') || method.startsWith('demo:') || method.startsWith('logCleaner:')
}

/** The embedded cluster as a connection: its Kafka listeners, with its running brokers asked first. */
export function labConnection(cluster: Cluster): ConsoleConnection {
  const settings = ConnectionSettings.parse({ bootstrap: cluster.bootstrapServers, clientId: 'brokerlab-console', timeoutMs: 5000 })
  const running = () => cluster.brokerStates().filter((b) => b.status === 'running')
  // A broker just restarted answers Metadata before it has read the cluster's metadata (Kafka's
  // waits until it has caught up): ask unfenced ones first.
  const caughtUp = () => running().filter((b) => cluster.image.brokers.get(b.id)?.fenced === false)
  return {
    name: LOCAL,
    kafka: new KafkaConnection(settings, {
      bootstrap: () => [...caughtUp(), ...running()].flatMap((b) => (b.listener ? [b.listener] : [])),
      running: (nodeId) => running().some((b) => b.id === nodeId),
    }),
    lab: cluster,
  }
}

export function labMethods(c: Cluster, kafka: KafkaConnection): LabMethods {
  // A consume-transform-produce run's output, read back read_committed.
  const outputs = kafkaOutputReadBack(kafka)
  const withOutput = async (stats: RunStats) => outputs.withOutput(stats)
  return {
    'broker:impact': (r) => faultImpact(kafka, r.brokerId),
    'broker:stop': async (r) => (await c.stopBroker(r.brokerId), null),
    'broker:crash': async (r) => (await c.crashBroker(r.brokerId), null),
    'broker:restart': async (r) => (await c.restartBroker(r.brokerId), null),
    'broker:pause': async (r) => (await c.pauseBroker(r.brokerId), null),
    'broker:resume': (r) => (c.resumeBroker(r.brokerId), null),
    'broker:retentionStatus': () => Promise.all(c.runningBrokers().map(async ({ id, client }) => ({ brokerId: id, ...(await client.call('retentionCheck', {}, [], 2000)) }))),
    'broker:checkRetention': () => Promise.all(c.runningBrokers().map(async ({ id, client }) => ({ brokerId: id, ...(await client.call('checkRetentionNow', {}, [], 10_000)) }))),
    'link:setFault': async (r) => (await c.setLinkFault(r.a, r.b, r.fault), null),
    'link:healAll': async () => (await c.healAllLinks(), null),
    'demo:startConsumers': async (r) => withOutput(await c.demo.startConsumers(r)),
    'demo:consumerRuns': async () => Promise.all((await c.demo.consumerRuns()).map(withOutput)),
    'demo:killMember': async (r) => withOutput(await c.demo.killMember(r.runId, r.member)),
    'demo:restartMember': async (r) => withOutput(await c.demo.restartMember(r.runId, r.member)),
    'demo:stopConsumers': async (r) => {
      const final = await withOutput(await c.demo.stopConsumers(r.runId))
      outputs.forget(r.runId)
      return final
    },
    'demo:startProducer': (r) => c.demo.startProducer(r),
    'demo:producers': () => c.demo.producerStats(),
    'demo:stopProducer': (r) => c.demo.stopProducer(r.producerId),
    'logCleaner:state': (r) => logCleanerState(c, r),
    'logCleaner:wake': (r) => wakeLogCleaners(c, r),
    'logCleaner:experiment': (r) => runCompactionExperiment(kafka, r),
  }
}
