// A cluster the console is connected to: its Kafka connection, which every view reads and
// writes through, and for the embedded cluster only, its lab (broker and link faults, replica
// internals, the controller's events, demo clients).
import type { Cluster } from '../../cluster/cluster'
import type { KafkaConnection } from './kafkaConnection'

/** The embedded cluster's connection name. */
export const LOCAL = 'local'

export interface ConsoleConnection {
  readonly name: string
  readonly kafka: KafkaConnection
  /** The embedded cluster behind this connection; null for any other cluster. */
  readonly lab: Cluster | null
  /** The cluster's schema registry (schema.registry.url), if it has one: the embedded registry for "local". */
  readonly schemaRegistryUrl?: string | null
}
