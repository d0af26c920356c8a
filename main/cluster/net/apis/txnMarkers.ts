// WriteTxnMarkers (key 27): a transaction coordinator, or an admin client aborting a hanging
// transaction (kafka-transactions --abort, Admin.abortTransaction), asks this partition leader
// to append COMMIT or ABORT markers. Straight through the replica manager, which answers per
// partition with Kafka's error codes.
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

export function handleWriteTxnMarkers(context: BrokerContext, request: M.WriteTxnMarkersRequest): Promise<M.WriteTxnMarkersResponse> {
  return context.replicaManager.writeTxnMarkers(request)
}
