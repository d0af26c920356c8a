// The embedded cluster's own capabilities, which a connection to another Kafka cluster does
// not have: faults on brokers and links, the demo clients, and the log cleaner's internals. The console offers these
// controls only where its connection is the lab.
import type { Cluster } from '../../cluster/cluster'
import type { MethodName, RequestOf, ResponseOf } from '../../../preload/contract'
import { logCleanerState } from '../views/logCleaner'

type LabMethod = Extract<MethodName, `broker:${string}` | `link:${string}` | `demo:${string}` | `logCleaner:${string}`>
export type LabMethods = { [M in LabMethod]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

export function labMethods(c: Cluster): LabMethods {
  return {
    'broker:stop': async (r) => (await c.stopBroker(r.brokerId), null),
    'broker:crash': async (r) => (await c.crashBroker(r.brokerId), null),
    'broker:restart': async (r) => (await c.restartBroker(r.brokerId), null),
    'broker:pause': async (r) => (await c.pauseBroker(r.brokerId), null),
    'broker:resume': (r) => (c.resumeBroker(r.brokerId), null),
    'link:setFault': async (r) => (await c.setLinkFault(r.a, r.b, r.fault), null),
    'link:healAll': async () => (await c.healAllLinks(), null),
    'demo:startConsumers': (r) => c.demo.startConsumers(r),
    'demo:consumerRuns': () => c.demo.consumerRuns(),
    'demo:killMember': (r) => c.demo.killMember(r.runId, r.member),
    'demo:restartMember': (r) => c.demo.restartMember(r.runId, r.member),
    'demo:stopConsumers': (r) => c.demo.stopConsumers(r.runId),
    'demo:startProducer': (r) => c.demo.startProducer(r),
    'demo:producers': () => c.demo.producerStats(),
    'demo:stopProducer': (r) => c.demo.stopProducer(r.producerId),
    'logCleaner:state': (r) => logCleanerState(c, r),
  }
}
