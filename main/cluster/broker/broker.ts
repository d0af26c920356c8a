// One broker: its logs, its replica manager, and the handlers of the broker worker API.
// It runs inside a worker thread (worker.ts) but holds no thread code itself.
import { Transfer, type Handlers } from '../rpc'
import type { BrokerApi, BrokerEvent, BrokerInit, BrokerReady, FetchResponse } from './api'
import { LogManager } from './logManager'
import { ReplicaManager } from './replicaManager'

export class Broker {
  readonly logManager: LogManager
  readonly replicaManager: ReplicaManager
  readonly ready: BrokerReady

  constructor(
    readonly init: BrokerInit,
    emit: (event: BrokerEvent) => void,
  ) {
    this.logManager = new LogManager(init.dataDir, init.configs, emit)
    const logs = this.logManager.loadLogs()
    this.replicaManager = new ReplicaManager(init.brokerId, this.logManager)
    this.logManager.startTimers()
    this.ready = {
      brokerId: init.brokerId,
      loadedLogs: logs.map((l) => ({ topic: l.topic, partition: l.partition, logEndOffset: l.logEndOffset, logStartOffset: l.logStartOffset })),
    }
  }

  handlers(onShutdown: () => void): Handlers<BrokerApi> {
    const rm = this.replicaManager
    return {
      leaderAndIsr: (body) => rm.leaderAndIsr(body),
      stopReplica: (body) => rm.stopReplica(body),
      updateConfigs: (body) => {
        if (body.brokerConfigs) this.logManager.setBrokerConfigs(body.brokerConfigs)
        for (const [topic, overrides] of Object.entries(body.topicConfigs ?? {})) this.logManager.setTopicConfig(topic, overrides)
      },
      produce: (body) => rm.produce(body),
      fetch: async (body) => withRecordBuffers(await rm.fetch(body)),
      listOffsets: (body) => rm.listOffsets(body),
      deleteRecords: (body) => rm.deleteRecords(body),
      describeLogDirs: () => rm.describeLogDirs(),
      shutdown: () => {
        this.logManager.shutdown()
        onShutdown()
      },
    }
  }
}

/** Fetched batches travel to the caller by transfer: each read owns its ArrayBuffer. */
function withRecordBuffers(response: FetchResponse): Transfer<FetchResponse> {
  const buffers: ArrayBuffer[] = []
  for (const t of response.topics) for (const p of t.partitions) if (p.records.buffer instanceof ArrayBuffer) buffers.push(p.records.buffer)
  return new Transfer(response, buffers)
}
