// The application service behind the contract: each method a thin call into the embedded
// Cluster, after validation. The IPC adapter (desktop) and the HTTP/WebSocket adapter
// (headless console) both serve this one host.
import { version } from '../../package.json'
import type { Cluster } from '../cluster/cluster'
import { KafkaError } from '../cluster/errors'
import type { ContractError, ContractEvent, MethodName, RequestOf, ResponseOf } from '../../preload/contract'
import { ConsoleProducer } from './consoleProducer'
import { ContractValidationError, validateRequest } from './validation'

type Implementations = { [M in MethodName]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

export class ConsoleHost {
  private readonly methods: Implementations
  private readonly producer: ConsoleProducer

  constructor(readonly cluster: Cluster) {
    const c = cluster
    this.producer = new ConsoleProducer(cluster)
    this.methods = {
      'app:info': () => ({ version, clusterId: c.clusterId, bootstrapServers: c.bootstrapServers }),
      'cluster:snapshot': () => c.snapshot(),
      'topic:create': (r) => c.createTopic(r),
      'topic:describe': (r) => c.describeTopic(r.name),
      'topic:delete': async (r) => (await c.deleteTopic(r.name), null),
      'topic:addPartitions': async (r) => (await c.createPartitions(r.name, r.count), null),
      'topic:reassign': async (r) => (await c.reassignPartitions(r.name, r.partitions), null),
      'config:alter': async (r) => (await c.alterConfigs(r.topic !== undefined ? { topic: r.topic } : { broker: r.broker! }, r.configs, r.validateOnly), null),
      'broker:stop': async (r) => (await c.stopBroker(r.brokerId), null),
      'broker:crash': async (r) => (await c.crashBroker(r.brokerId), null),
      'broker:restart': async (r) => (await c.restartBroker(r.brokerId), null),
      'broker:pause': async (r) => (await c.pauseBroker(r.brokerId), null),
      'broker:resume': (r) => (c.resumeBroker(r.brokerId), null),
      'link:setFault': async (r) => (await c.setLinkFault(r.a, r.b, r.fault), null),
      'link:healAll': async () => (await c.healAllLinks(), null),
      'message:produce': (r) => this.producer.send(r),
      'group:list': () => c.groups(),
      'group:lagHistory': (r) => c.groupLagHistory(r.groupId),
      'group:resetOffsets': (r) => c.resetGroupOffsets(r.groupId, r.topic, r.target, { partitions: r.partitions, dryRun: r.dryRun }),
      'group:delete': async (r) => (await c.deleteGroup(r.groupId), null),
      'events:recent': (r) => c.recentEvents(r.limit),
      'config:describeTopic': (r) => c.describeTopicConfigs(r.name),
      'config:describeBroker': (r) => c.describeBrokerConfigs(r.brokerId),
      'message:browse': (r) => c.browseMessages(r.topic, r.from, r.limit, r.partition),
      'demo:startConsumers': (r) => c.demo.startConsumers(r),
      'demo:consumerRuns': () => c.demo.consumerRuns(),
      'demo:killMember': (r) => c.demo.killMember(r.runId, r.member),
      'demo:restartMember': (r) => c.demo.restartMember(r.runId, r.member),
      'demo:stopConsumers': (r) => c.demo.stopConsumers(r.runId),
      'demo:startProducer': (r) => c.demo.startProducer(r),
      'demo:producers': () => c.demo.producerStats(),
      'demo:stopProducer': (r) => c.demo.stopProducer(r.producerId),
    }
  }

  /** Validates and runs one call; a failure comes back as a ContractError, never a throw. */
  async call(method: unknown, request: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ContractError }> {
    try {
      const valid = validateRequest(method, request)
      const implementation = this.methods[valid.method] as (r: unknown) => unknown
      return { ok: true, result: await implementation(valid.request) }
    } catch (err) {
      if (err instanceof ContractValidationError) return { ok: false, error: err.detail }
      if (err instanceof KafkaError) return { ok: false, error: { kind: 'kafka', message: err.message, errorName: err.errorName } }
      return { ok: false, error: { kind: 'internal', message: err instanceof Error ? err.message : String(err) } }
    }
  }

  onEvent(listener: (event: ContractEvent) => void): () => void {
    return this.cluster.onEvent(listener)
  }
}

