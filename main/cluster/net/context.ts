// What the Kafka API handlers need of their broker: its identity, its view of the metadata,
// its replica manager, and a way to forward admin requests to the controller (as Kafka's
// ForwardingManager does). Handlers see this interface, not the Broker class.
import type { ConfigLayers } from '../config'
import type { ControllerApi } from '../controller/api'
import type { MetadataImage } from '../metadata/image'
import type { ReplicaManager } from '../broker/replicaManager'
import type { CoordinatorRuntime } from '../broker/coordinatorRuntime'
import type { TransactionCoordinator } from '../broker/transaction'
import type { ShareConfig, SharePartitionManager } from '../broker/share/sharePartitionManager'
import type { ShareGroupStateRequest, ShareGroupStateResponse, VerifyTxnPartitionsRequest, VerifyTxnPartitionsResponse } from '../broker/api'

export interface BrokerContext {
  brokerId: number
  clusterId: string
  image(): MetadataImage
  /** The broker's own config layers (static plus the dynamic ones from the image). */
  brokerConfigs(): ConfigLayers
  replicaManager: ReplicaManager
  /** The group coordinator shards of the __consumer_offsets partitions this broker leads. */
  coordinators: CoordinatorRuntime
  /** The transaction coordinator of the __transaction_state partitions this broker leads. */
  transactionCoordinator: TransactionCoordinator
  /** KIP-932: the share groups' in-flight records of the partitions this broker leads, and its share sessions. */
  sharePartitions: SharePartitionManager
  shareConfig(): ShareConfig
  /** A share group's state at the leader of its partitions (this broker or a peer). */
  shareGroupState(brokerId: number, request: ShareGroupStateRequest): Promise<ShareGroupStateResponse>
  /** KIP-890: asks the coordinator of a transactional id (this broker's or a peer's) whether partitions are in its transaction. */
  verifyTxnPartitions(request: VerifyTxnPartitionsRequest): Promise<VerifyTxnPartitionsResponse>
  forward<K extends keyof ControllerApi & string>(api: K, body: ControllerApi[K][0]): Promise<ControllerApi[K][1]>
  initProducerId(): Promise<{ producerId: number; producerEpoch: number }>
  log(message: string): void
}

/**
 * The controller id a client is told: a live broker's, since Brokerlab's controller has no
 * Kafka listener of its own and clients send controller-bound requests to that id.
 */
export function advertisedControllerId(image: MetadataImage): number {
  return image.liveBrokerIds()[0] ?? -1
}
