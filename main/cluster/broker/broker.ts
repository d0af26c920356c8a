// One broker: its logs, replica manager and fetchers, its links to the controller and to
// the other brokers, and the handlers of the broker worker API. It runs inside a worker
// thread (worker.ts) but holds no thread code itself.
import { getHeapStatistics } from 'node:v8'
import type { MessagePort } from 'node:worker_threads'
import { GatedPort, type LinkFault } from '../faults'
import type { ControllerApi, ControllerPush } from '../controller/api'
import { ErrorCode, KafkaError } from '../errors'
import { RpcClient, serveRpc, Transfer, type Handlers } from '../rpc'
import type { BrokerApi, BrokerEvent, BrokerInit, BrokerReady, FetchResponse } from './api'
import { brokerConfigList, brokerConfigNumber } from './brokerConfig'
import { BrokerLifecycle } from './lifecycle'
import { LogManager } from './logManager'
import { packLogOffsets } from './logOffsets'
import type { Partition } from './partition'
import { ReplicaFetcherManager } from './replicaFetcher'
import { packFetchResponse, unpackFetchRequest } from './replicaFetchWire'
import { ProducerIdManager } from './producerIdManager'
import { ReplicaManager } from './replicaManager'
import { CoordinatorRuntime } from './coordinatorRuntime'
import { TransactionCoordinator, TRANSACTION_STATE_TOPIC, tpKey } from './transaction'
import type * as M from '../protocol/messages'
import type { ShareGroupStateRequest, ShareGroupStateResponse, VerifyTxnPartitionsRequest, VerifyTxnPartitionsResponse } from './api'
import { partitionFor } from './group'
import { KafkaListener } from '../net/listener'
import { rateLimitedLog } from '../rateLimitedLog'
import { KafkaApis } from '../net/kafkaApis'
import { type ShareConfig, SharePartitionManager } from './share/sharePartitionManager'

interface Link<A extends Record<string, [unknown, unknown]>, E = unknown> {
  port: GatedPort
  client: RpcClient<A, E>
}

/** How long a request forwarded to the controller may take (Kafka's request.timeout.ms is 30 s). */
const FORWARD_TIMEOUT_MS = 30_000
/** Kafka's add.partitions.to.txn.retry.backoff.ms and add.partitions.to.txn.retry.backoff.max.ms. */
const ADD_PARTITIONS_RETRY_BACKOFF_MS = 20
const ADD_PARTITIONS_RETRY_MAX_MS = 100
/** How long a controlled shutdown waits for the controller to move leaderships away. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 30_000

export class Broker {
  readonly logManager: LogManager
  readonly replicaManager: ReplicaManager
  readonly fetchers: ReplicaFetcherManager
  readonly lifecycle: BrokerLifecycle
  private readonly loadedLogs: BrokerReady['loadedLogs']
  private listener: KafkaListener | null = null
  private controllerLink: Link<ControllerApi, ControllerPush> | null = null
  private readonly peers = new Map<number, Link<BrokerApi>>()
  private isrTimer: NodeJS.Timeout | null = null
  readonly kafkaApis: KafkaApis
  /** KIP-932: share groups' in-flight records of the partitions this broker leads. */
  private readonly sharePartitions: SharePartitionManager
  readonly coordinators: CoordinatorRuntime
  readonly transactionCoordinator: TransactionCoordinator
  private readonly log = rateLimitedLog((line) => console.error(`[broker ${this.init.brokerId}] ${line}`))
  private readonly producerIds = new ProducerIdManager(async () => {
    const client = this.controllerLink?.client
    if (!client) throw new Error('no link to the controller')
    return client.call('allocateProducerIds', { brokerId: this.init.brokerId, brokerEpoch: this.lifecycle.brokerEpoch }, [], 5000)
  })

  constructor(
    readonly init: BrokerInit,
    private readonly emit: (event: BrokerEvent) => void,
  ) {
    const brokerId = init.brokerId
    this.logManager = new LogManager(init.dataDir, init.configs, emit)
    const logs = this.logManager.loadLogs()
    this.replicaManager = new ReplicaManager({ brokerId, now: Date.now, alterIsr: (p, isr) => this.alterIsr(p, isr) }, this.logManager)
    this.fetchers = new ReplicaFetcherManager({
      brokerId,
      peer: (id) => this.peers.get(id)?.client,
      fetchConfig: () => ({ waitMaxMs: this.config('replica.fetch.wait.max.ms'), maxBytes: this.config('replica.fetch.max.bytes') }),
      emit,
      markReplicated: (bytes) => this.replicaManager.metrics.markReplicated(bytes),
    })
    this.replicaManager.fetchers = this.fetchers
    this.lifecycle = new BrokerLifecycle({
      brokerId,
      heartbeatIntervalMs: () => this.config('broker.heartbeat.interval.ms'),
      onImage: (image) => {
        this.logManager.setBrokerConfigs(image.brokerConfigLayers(brokerId, init.configs.static))
        this.replicaManager.applyImage(image)
      },
      onRecords: (image, changes) => this.replicaManager.applyMetadataChanges(image, changes, init.configs.static),
    })
    this.coordinators = new CoordinatorRuntime({
      replicaManager: this.replicaManager,
      config: () => ({
        groupInitialRebalanceDelayMs: this.config('group.initial.rebalance.delay.ms'),
        groupMinSessionTimeoutMs: this.config('group.min.session.timeout.ms'),
        groupMaxSessionTimeoutMs: this.config('group.max.session.timeout.ms'),
        offsetsRetentionMinutes: this.config('offsets.retention.minutes'),
        offsetsRetentionCheckIntervalMs: this.config('offsets.retention.check.interval.ms'),
        groupMaxSize: this.config('group.max.size'),
        consumerGroup: {
          sessionTimeoutMs: this.config('group.consumer.session.timeout.ms'),
          heartbeatIntervalMs: this.config('group.consumer.heartbeat.interval.ms'),
          maxSize: this.config('group.consumer.max.size'),
          assignmentIntervalMs: this.config('group.consumer.assignment.interval.ms'),
          assignors: brokerConfigList(this.logManager.brokerConfigs, 'group.consumer.assignors'),
        },
        shareGroup: {
          sessionTimeoutMs: this.config('group.share.session.timeout.ms'),
          heartbeatIntervalMs: this.config('group.share.heartbeat.interval.ms'),
          maxSize: this.config('group.share.max.size'),
          assignmentIntervalMs: this.config('group.share.assignment.interval.ms'),
        },
      }),
      log: this.log,
      emit,
      // KIP-890 for TxnOffsetCommit: the transaction coordinator's VerifyOnly check (part 1), or its implicit add (part 2).
      verifyTransaction: async (r) =>
        (
          await this.verifyTxnPartitions({
            transactionalId: r.transactionalId,
            producerId: r.producerId,
            producerEpoch: r.producerEpoch,
            partitions: [{ topic: r.topic, partition: r.partition }],
            addPartitions: r.addPartition,
          })
        ).partitions[0].errorCode,
    })
    this.transactionCoordinator = new TransactionCoordinator({
      replicaManager: this.replicaManager,
      image: () => this.lifecycle.image,
      config: () => ({
        transactionMaxTimeoutMs: this.config('transaction.max.timeout.ms'),
        transactionalIdExpirationMs: this.config('transactional.id.expiration.ms'),
        abortTimedOutTransactionsIntervalMs: this.config('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
        removeExpiredTransactionalIdsIntervalMs: this.config('transaction.remove.expired.transaction.cleanup.interval.ms'),
        transactionStateNumPartitions: this.config('transaction.state.log.num.partitions'),
      }),
      generateProducerId: () => this.producerIds.generateProducerId(),
      writeTxnMarkers: (brokerId, request) => this.writeTxnMarkersTo(brokerId, request),
      log: this.log,
    })
    this.transactionCoordinator.startup()
    this.sharePartitions = new SharePartitionManager(this.replicaManager, () => this.lifecycle.image, () => this.shareConfig())
    this.kafkaApis = new KafkaApis({
      brokerId,
      clusterId: init.clusterId,
      image: () => this.lifecycle.image,
      brokerConfigs: () => this.logManager.brokerConfigs,
      replicaManager: this.replicaManager,
      coordinators: this.coordinators,
      transactionCoordinator: this.transactionCoordinator,
      sharePartitions: this.sharePartitions,
      shareConfig: () => this.shareConfig(),
      verifyTxnPartitions: (request) => this.verifyTxnPartitions(request),
      shareGroupState: (brokerId, request) => this.shareGroupStateAt(brokerId, request),
      forward: (api, body) => {
        const client = this.controllerLink?.client
        if (!client) return Promise.reject(new KafkaError('NOT_CONTROLLER', 'This broker has no link to the controller'))
        return client.call(api, body, [], FORWARD_TIMEOUT_MS)
      },
      initProducerId: () => this.initProducerId(),
      log: this.log,
    })
    this.logManager.startTimers()
    this.startIsrChecks()
    this.loadedLogs = logs.map((l) => ({ topic: l.topic, partition: l.partition, logEndOffset: l.logEndOffset, logStartOffset: l.logStartOffset }))
  }

  private shareConfig(): ShareConfig {
    return {
      recordLockDurationMs: this.config('group.share.record.lock.duration.ms'),
      deliveryCountLimit: this.config('group.share.delivery.count.limit'),
      maxInFlightRecords: this.config('group.share.partition.max.record.locks'),
      maxShareSessions: this.config('group.share.max.share.sessions'),
      sessionIdleMs: this.config('group.share.session.timeout.ms'),
    }
  }

  /** Opens the Kafka listener; the broker registers with the address it is bound to. */
  async start(): Promise<BrokerReady> {
    const { host, port } = this.init.listener
    // Requests wait until the broker's metadata has caught up (lifecycle.caughtUp), as Kafka's do.
    const caughtUp = this.lifecycle.caughtUp
    this.listener = await KafkaListener.listen(host, port, async (frame, clientHost) => (await caughtUp, this.kafkaApis.handle(frame, clientHost)), {
      maxFrameBytes: this.config('socket.request.max.bytes'),
      log: this.log,
    })
    const bound = { host, port: this.listener.port }
    this.lifecycle.endPoints = [{ name: 'PLAINTEXT', host: bound.host, port: bound.port, securityProtocol: 0 }]
    return { brokerId: this.init.brokerId, listener: bound, loadedLogs: this.loadedLogs }
  }

  /** InitProducerId for an idempotent producer: a fresh id at epoch 0. */
  private async initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    return { producerId: await this.producerIds.generateProducerId(), producerEpoch: 0 }
  }

  /** A share group's state at the leader `brokerId`: this broker's, or a peer's over its link. */
  private async shareGroupStateAt(brokerId: number, request: ShareGroupStateRequest): Promise<ShareGroupStateResponse> {
    if (brokerId === this.init.brokerId) return this.sharePartitions.shareGroupState(request)
    const peer = this.peers.get(brokerId)?.client
    const all = (errorCode: number) => ({ partitions: request.partitions.map((p) => ({ topicId: p.topicId, partition: p.partition, errorCode, startOffset: -1, leaderEpoch: -1, lag: -1 })) })
    if (!peer) return all(ErrorCode.LEADER_NOT_AVAILABLE)
    try {
      return await peer.call('shareGroupState', request, [], FORWARD_TIMEOUT_MS)
    } catch {
      return all(ErrorCode.NETWORK_EXCEPTION)
    }
  }

  /** The transaction coordinator's markers: to this broker's replica manager, or to the leader's over the peer link. */
  private writeTxnMarkersTo(brokerId: number, request: M.WriteTxnMarkersRequest): Promise<M.WriteTxnMarkersResponse> {
    if (brokerId === this.init.brokerId) return this.replicaManager.writeTxnMarkers(request)
    const peer = this.peers.get(brokerId)?.client
    if (!peer) return Promise.reject(new KafkaError('BROKER_NOT_AVAILABLE', `No link to broker ${brokerId}`))
    // A little longer than the leader waits for acks=all (30 s), so its own answer comes first.
    return peer.call('writeTxnMarkers', request, [], FORWARD_TIMEOUT_MS + 5000)
  }

  /**
   * KIP-890: the coordinator of the transactional id says which partitions are in the
   * transaction (part 1), or adds them (part 2). An add that meets CONCURRENT_TRANSACTIONS (the
   * previous transaction still completing) is retried here for a moment, as Kafka's
   * add.partitions.to.txn.retry.backoff.ms / .max.ms (20 / 100), before the client hears of it.
   */
  private async verifyTxnPartitions(request: VerifyTxnPartitionsRequest): Promise<VerifyTxnPartitionsResponse> {
    const deadline = Date.now() + ADD_PARTITIONS_RETRY_MAX_MS
    for (;;) {
      const answer = await this.askTxnCoordinator(request)
      const concurrent = answer.partitions.some((p) => p.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS)
      if (!request.addPartitions || !concurrent || Date.now() + ADD_PARTITIONS_RETRY_BACKOFF_MS > deadline) return answer
      await new Promise((resolve) => setTimeout(resolve, ADD_PARTITIONS_RETRY_BACKOFF_MS))
    }
  }

  private async askTxnCoordinator(request: VerifyTxnPartitionsRequest): Promise<VerifyTxnPartitionsResponse> {
    const all = (errorCode: number) => ({ partitions: request.partitions.map((p) => ({ ...p, errorCode })) })
    const image = this.lifecycle.image
    const topic = image.topicsByName.get(TRANSACTION_STATE_TOPIC)
    if (!topic) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const coordinator = topic.partitions[partitionFor(request.transactionalId, topic.partitions.length)]?.leader ?? -1
    if (coordinator === this.init.brokerId) return this.verifyLocally(request)
    const peer = this.peers.get(coordinator)?.client
    if (!peer) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    try {
      return await peer.call('verifyTxnPartitions', request, [], FORWARD_TIMEOUT_MS)
    } catch {
      return all(ErrorCode.NETWORK_EXCEPTION)
    }
  }

  private async verifyLocally(request: VerifyTxnPartitionsRequest): Promise<VerifyTxnPartitionsResponse> {
    const keys = request.partitions.map((p) => tpKey(p.topic, p.partition))
    if (request.addPartitions) {
      const errorCode = await this.transactionCoordinator.handleAddPartitionsToTransaction(request.transactionalId, request.producerId, request.producerEpoch, keys, 2)
      return { partitions: request.partitions.map((p) => ({ ...p, errorCode })) }
    }
    const errors = this.transactionCoordinator.verifyPartitionsInTransaction(request.transactionalId, request.producerId, request.producerEpoch, keys)
    return { partitions: request.partitions.map((p, i) => ({ ...p, errorCode: errors.get(keys[i]) ?? ErrorCode.UNKNOWN_SERVER_ERROR })) }
  }

  private config(name: string): number {
    return brokerConfigNumber(this.logManager.brokerConfigs, name)
  }

  /** Kafka checks the ISR every replica.lag.time.max.ms / 2. */
  private startIsrChecks(): void {
    const lag = this.config('replica.lag.time.max.ms')
    this.isrTimer = setInterval(() => this.replicaManager.maybeShrinkIsr(this.config('replica.lag.time.max.ms')), Math.max(lag / 2, 10))
    this.isrTimer.unref()
  }

  private async alterIsr(partition: Partition, newIsr: number[]) {
    const client = this.controllerLink?.client
    if (!client) throw new KafkaError('NOT_CONTROLLER', 'No link to the controller')
    const response = await client.call(
      'alterPartition',
      {
        brokerId: this.init.brokerId,
        brokerEpoch: this.lifecycle.brokerEpoch,
        topics: [
          {
            topicId: partition.topicId,
            partitions: [{ partitionIndex: partition.partition, leaderEpoch: partition.leaderEpoch, newIsr, partitionEpoch: partition.partitionEpoch }],
          },
        ],
      },
      [],
      5000,
    )
    const result = response.topics[0]?.partitions[0]
    if (!result || result.errorCode !== 0) throw new Error(result?.errorMessage ?? 'AlterPartition failed')
    return { isr: result.isr, leaderEpoch: result.leaderEpoch, partitionEpoch: result.partitionEpoch }
  }

  private connectController(port: MessagePort): void {
    const gated = new GatedPort(port)
    const client = new RpcClient<ControllerApi, ControllerPush>(gated)
    this.controllerLink = { port: gated, client }
    this.lifecycle.connect(client)
  }

  /** A link to another broker: we fetch from it as follower and answer its fetches as leader. */
  private connectPeer(brokerId: number, port: MessagePort, handlers: Handlers<BrokerApi>): void {
    this.disconnectPeer(brokerId)
    const gated = new GatedPort(port)
    serveRpc<BrokerApi>(gated, handlers)
    this.peers.set(brokerId, { port: gated, client: new RpcClient<BrokerApi>(gated) })
  }

  private disconnectPeer(brokerId: number): void {
    const link = this.peers.get(brokerId)
    if (!link) return
    link.client.close(new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${brokerId} is gone`))
    link.port.close()
    this.peers.delete(brokerId)
  }

  private setLinkFault(peer: number | 'controller', fault: LinkFault): void {
    const link = peer === 'controller' ? this.controllerLink : this.peers.get(peer)
    if (!link) throw new Error(`Broker ${this.init.brokerId} has no link to ${peer === 'controller' ? 'the controller' : `broker ${peer}`}`)
    link.port.fault = fault
  }

  /** Blocks this thread until the host clears the pause signal, as a stop-the-world GC pause. */
  private pauseThread(): void {
    const signal = this.init.pauseSignal
    if (!signal) throw new Error('This broker was started without a pause signal')
    const flag = new Int32Array(signal)
    // Let the answer to "pause" leave first (the outbox flushes on setImmediate).
    setImmediate(() =>
      setImmediate(() => {
        while (Atomics.load(flag, 0) === 1) Atomics.wait(flag, 0, 1)
      }),
    )
  }

  private async shutdown(controlled: boolean): Promise<void> {
    if (controlled && this.controllerLink) await this.lifecycle.controlledShutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS)
    this.lifecycle.stop()
    if (this.isrTimer) clearInterval(this.isrTimer)
    this.fetchers.shutdown()
    this.coordinators.shutdown()
    this.transactionCoordinator.shutdown()
    await this.listener?.close()
    this.logManager.shutdown()
  }

  handlers(onShutdown: () => void): Handlers<BrokerApi> {
    const rm = this.replicaManager
    const handlers: Handlers<BrokerApi> = {
      leaderAndIsr: (body) => rm.leaderAndIsr(body),
      stopReplica: (body) => rm.stopReplica(body),
      updateConfigs: (body) => {
        if (body.brokerConfigs) this.logManager.setBrokerConfigs(body.brokerConfigs)
        for (const [topic, overrides] of Object.entries(body.topicConfigs ?? {})) this.logManager.setTopicConfig(topic, overrides)
      },
      produce: (body) => rm.produce(body),
      fetch: async (body) => withRecordBuffers(await rm.fetch(body)),
      replicaFetch: async (body) => packFetchResponse(await rm.fetch(unpackFetchRequest(body))),
      offsetForLeaderEpoch: (body) => rm.offsetForLeaderEpoch(body),
      listOffsets: (body) => rm.listOffsets(body),
      deleteRecords: (body) => rm.deleteRecords(body),
      describeLogDirs: () => rm.describeLogDirs(),
      logOffsets: ({ topic }) => packLogOffsets(topic === undefined ? this.logManager.allLogs() : this.logManager.logsOf(topic)),
      brokerTopicMetrics: () => rm.metrics.read(),
      retentionCheck: () => this.logManager.retentionCheck(),
      checkRetentionNow: () => this.logManager.cleanupLogs(),
      logCleaner: () => this.logManager.cleanerState(),
      wakeLogCleaner: () => (this.logManager.cleaner.wakeUp(), null),
      heapStatistics: () => {
        const heap = getHeapStatistics()
        return { usedHeapBytes: heap.used_heap_size, totalHeapBytes: heap.total_heap_size, externalBytes: heap.external_memory }
      },
      initProducerId: () => this.initProducerId(),
      verifyTxnPartitions: (body) => this.verifyLocally(body),
      shareGroupState: (body) => this.sharePartitions.shareGroupState(body),
      writeTxnMarkers: (body) => rm.writeTxnMarkers(body),
      connectController: ({ port }) => this.connectController(port),
      connectPeer: ({ brokerId, port }) => this.connectPeer(brokerId, port, handlers),
      disconnectPeer: ({ brokerId }) => this.disconnectPeer(brokerId),
      setLinkFault: ({ peer, fault }) => this.setLinkFault(peer, fault),
      pause: () => this.pauseThread(),
      shutdown: async ({ controlled }) => {
        await this.shutdown(controlled ?? false)
        onShutdown()
      },
    }
    return handlers
  }
}

/** Fetched batches travel to the caller by transfer: each read owns its ArrayBuffer. */
function withRecordBuffers(response: FetchResponse): Transfer<FetchResponse> {
  const buffers: ArrayBuffer[] = []
  for (const t of response.topics) for (const p of t.partitions) if (p.records.buffer instanceof ArrayBuffer) buffers.push(p.records.buffer)
  return new Transfer(response, buffers)
}
