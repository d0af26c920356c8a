// The one contract between the console (renderer) and the app (main): every method, with
// its request and response, and the events main pushes. Plain serialisable data only. The
// IPC adapter, the HTTP/WebSocket adapter, the preload and the renderer's client are all
// typed from here; main validates every request against main/host/validation.ts.
import type { ClusterEvent, ClusterSnapshot, TopicDescription } from '../main/cluster/cluster'
import type { GroupSnapshot, ResetPlanEntry, ResetTarget } from '../main/cluster/groups'
import type { LinkFault } from '../main/cluster/faults'
import type { DescribedConfig } from '../main/cluster/config'
import type { BrowseFrom, BrowsedRecord } from '../main/cluster/messages'
import type { ProducerStats, RunStats } from '../main/cluster/clients/api'
import type { DemoConsumersRequest, DemoProducerRequest } from '../main/cluster/clients/demoClients'

export interface AppInfo {
  version: string
  clusterId: string
  bootstrapServers: string
}

export interface ProducedRecord {
  partition: number
  offset: number
  timestamp: number
  /** With idempotence: the producer id and the record's sequence number in its partition. */
  producerId?: number
  sequence?: number
}

/** method name -> [request, response] */
export interface ContractMethods {
  'app:info': [Record<string, never>, AppInfo]
  /** Brokers and a summary line per topic: cheap enough to poll with 1,000 topics. */
  'cluster:snapshot': [Record<string, never>, ClusterSnapshot]
  /** One topic's partitions, replica by replica. */
  'topic:describe': [{ name: string }, TopicDescription]
  'topic:create': [{ name: string; partitions?: number; replicationFactor?: number; configs?: Record<string, string> }, { name: string; topicId: string }]
  'topic:delete': [{ name: string }, null]
  'topic:addPartitions': [{ name: string; count: number }, null]
  /**
   * Partition reassignment (KIP-455): new replicas per partition (the first is the preferred
   * leader), or null to cancel that partition's reassignment. Returns once the controller has
   * started it; the snapshot then shows the target replicas until the new ones are in sync.
   */
  'topic:reassign': [{ name: string; partitions: Array<{ partition: number; replicas: number[] | null }> }, null]
  /** configs: name -> new value, or null to delete the override (revert to the inherited value). */
  'config:alter': [{ topic?: string; broker?: number | ''; configs: Record<string, string | null>; validateOnly?: boolean }, null]
  'broker:stop': [{ brokerId: number }, null]
  'broker:crash': [{ brokerId: number }, null]
  'broker:restart': [{ brokerId: number }, null]
  'broker:pause': [{ brokerId: number }, null]
  'broker:resume': [{ brokerId: number }, null]
  'link:setFault': [{ a: number; b: number | 'controller'; fault: LinkFault }, null]
  'link:healAll': [Record<string, never>, null]
  'message:produce': [
    {
      topic: string
      /** Absent: Kafka's built-in partitioner (murmur2 of the key, or a sticky partition without one). */
      partition?: number
      key?: string | null
      value: string | null
      headers?: Record<string, string>
      acks?: -1 | 0 | 1
      /** enable.idempotence: a producer id and sequence numbers; needs acks=all, as in Kafka. */
      idempotent?: boolean
    },
    ProducedRecord | null,
  ]
  'group:list': [Record<string, never>, GroupSnapshot[]]
  'group:lagHistory': [{ groupId: string }, Array<{ timestamp: number; totalLag: number }>]
  'group:resetOffsets': [{ groupId: string; topic: string; target: ResetTarget; partitions?: number[]; dryRun?: boolean }, ResetPlanEntry[]]
  'group:delete': [{ groupId: string }, null]
  'events:recent': [{ limit?: number }, ContractEvent[]]
  'config:describeTopic': [{ name: string }, DescribedConfig[]]
  'config:describeBroker': [{ brokerId: number | '' }, DescribedConfig[]]
  'message:browse': [{ topic: string; partition?: number; from: BrowseFrom; limit: number }, BrowsedRecord[]]
  /** Demo consumers: a run of N kafkajs members in one group, with processed / twice / never counters. */
  'demo:startConsumers': [DemoConsumersRequest, RunStats]
  'demo:consumerRuns': [Record<string, never>, RunStats[]]
  /** Kills the member's thread dead (no LeaveGroup, no commit), mid-batch when it has one within 3 s. */
  'demo:killMember': [{ runId: string; member: number }, RunStats]
  'demo:restartMember': [{ runId: string; member: number }, RunStats]
  /** The members leave the group; answers the final counters. */
  'demo:stopConsumers': [{ runId: string }, RunStats]
  /** The load generator: a kafkajs producer at a steady rate. */
  'demo:startProducer': [DemoProducerRequest, ProducerStats]
  'demo:producers': [Record<string, never>, ProducerStats[]]
  'demo:stopProducer': [{ producerId: string }, ProducerStats]
}

export type MethodName = keyof ContractMethods
export type RequestOf<M extends MethodName> = ContractMethods[M][0]
export type ResponseOf<M extends MethodName> = ContractMethods[M][1]

/** What main pushes to every console: the cluster's event stream. */
export type ContractEvent = ClusterEvent

/** An error as it crosses the contract: what went wrong, Kafka's error name when there is one. */
export interface ContractError {
  kind: 'unknown-method' | 'invalid-request' | 'kafka' | 'internal'
  message: string
  errorName?: string
  /** For validation errors: the path of the offending field, e.g. "partitions". */
  field?: string
}

/** The API the preload exposes as window.brokerlab (and the WebSocket client mirrors). */
export interface BrokerlabApi {
  version: string
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: ContractEvent) => void): () => void
}
