// The contract's event stream (preload/contract.ts re-exports it): what the controller, the
// brokers and the cluster's own supervision report, each with its timestamp.
import { z } from 'zod'
import { LinkFault, WorkerDeath } from './data'

const at = { timestamp: z.number() }
const partitionOf = { topic: z.string(), partition: z.number() }

/** What the controller reports: registrations, fencing, elections, ISR changes, topics and configs. */
export const ControllerEvent = z.union([
  z.object({ ...at, type: z.literal('broker-registered'), brokerId: z.number(), brokerEpoch: z.number() }),
  z.object({ ...at, type: z.literal('broker-fenced'), brokerId: z.number(), reason: z.enum(['session-timeout', 'controlled-shutdown', 'requested']) }),
  z.object({ ...at, type: z.literal('broker-unfenced'), brokerId: z.number() }),
  z.object({ ...at, type: z.literal('broker-unregistered'), brokerId: z.number() }),
  z.object({
    ...at,
    ...partitionOf,
    type: z.literal('leader-elected'),
    leader: z.number(),
    previousLeader: z.number(),
    leaderEpoch: z.number(),
        /** observed: seen between two Metadata answers of a cluster without a lab, whose controller does not say why. */
    reason: z.enum(['broker-fenced', 'controlled-shutdown', 'preferred', 'unclean', 'offline-recovered', 'reassignment', 'observed']),
  }),
  z.object({ ...at, ...partitionOf, type: z.enum(['isr-shrunk', 'isr-expanded']), isr: z.array(z.number()), previousIsr: z.array(z.number()), cause: z.string() }),
  z.object({ ...at, ...partitionOf, type: z.literal('partition-offline'), lastLeader: z.number(), cause: z.string() }),
  z.object({ ...at, ...partitionOf, type: z.literal('unclean-election'), leader: z.number(), previousIsr: z.array(z.number()), cause: z.string() }),
  z.object({ ...at, type: z.literal('topic-created'), topic: z.string(), topicId: z.string(), partitions: z.number(), replicationFactor: z.number() }),
  z.object({ ...at, type: z.literal('topic-deleted'), topic: z.string(), topicId: z.string() }),
  z.object({ ...at, type: z.literal('partitions-created'), topic: z.string(), from: z.number(), to: z.number() }),
  z.object({ ...at, type: z.literal('config-changed'), resourceType: z.union([z.literal(2), z.literal(4)]), resourceName: z.string(), name: z.string(), value: z.string().nullable() }),
])
export type ControllerEvent = z.infer<typeof ControllerEvent>

/** A consumer group completed a rebalance on its coordinator: a new generation is Stable. */
export const GroupRebalance = z.object({
  groupId: z.string(),
  generationId: z.number(),
  /** The assignor the members agreed on (e.g. range, RoundRobinAssigner). */
  protocol: z.string().nullable(),
  members: z.number(),
})
export type GroupRebalance = z.infer<typeof GroupRebalance>

/** What a broker reports without being asked. */
export const BrokerEvent = z.union([
  z.object({ ...at, type: z.literal('group-rebalanced'), ...GroupRebalance.shape }),
  z.object({ ...at, ...partitionOf, type: z.literal('log-recovered'), truncatedBytes: z.number() }),
  /** A follower cut its log to match a new leader: offsets [toOffset, fromOffset) are gone here. */
  z.object({ ...at, ...partitionOf, type: z.literal('log-truncated'), fromOffset: z.number(), toOffset: z.number(), leader: z.number(), leaderEpoch: z.number() }),
  z.object({
    ...at,
    ...partitionOf,
    type: z.literal('segments-deleted'),
    reason: z.enum(['retention.ms', 'retention.bytes', 'log-start-offset']),
    deletedSegments: z.number(),
    deletedBytes: z.number(),
    logStartOffset: z.number(),
  }),
  /** The log cleaner finished a round on this broker's copy of the partition. */
  z.object({
    ...at,
    ...partitionOf,
    type: z.literal('log-cleaned'),
    bytesRead: z.number(),
    bytesWritten: z.number(),
    recordsRemoved: z.number(),
    /** Where the round's dirty section ended: the next round starts there. */
    endOffset: z.number(),
    elapsedMs: z.number(),
  }),
])
export type BrokerEvent = z.infer<typeof BrokerEvent>

/** What main pushes to every console: the controller's, the brokers' and the cluster's own events. */
export const ClusterEvent = z.union([
  z.intersection(z.object({ source: z.literal('controller') }), ControllerEvent),
  /** A change the console saw between two polls of a cluster without a lab (external clusters). */
  z.intersection(z.object({ source: z.literal('observed') }), ControllerEvent),
  z.intersection(z.object({ source: z.literal('broker'), brokerId: z.number() }), BrokerEvent),
  z.object({ ...at, source: z.literal('cluster'), type: z.enum(['broker-stopped', 'broker-crashed', 'broker-paused', 'broker-resumed', 'broker-started']), brokerId: z.number() }),
  z.object({ ...at, source: z.literal('cluster'), type: z.literal('link-fault'), a: z.number(), b: z.union([z.number(), z.literal('controller')]), fault: LinkFault }),
  /** A worker ended without being asked: `message` is its error ("MalformedMessageError: ..."), `death` the rest. */
  z.object({ ...at, source: z.literal('cluster'), type: z.literal('broker-died'), brokerId: z.number(), message: z.string(), death: WorkerDeath, restarting: z.boolean() }),
  z.object({ ...at, source: z.literal('cluster'), type: z.enum(['controller-died', 'clients-died']), message: z.string(), death: WorkerDeath }),
])
export type ClusterEvent = z.infer<typeof ClusterEvent>
