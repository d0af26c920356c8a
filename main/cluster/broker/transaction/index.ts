// The transaction coordinator: Kafka's TransactionCoordinator over a TransactionStateManager
// (__transaction_state) and a TransactionMarkerChannelManager (WriteTxnMarkers).
export { TransactionCoordinator, TRANSACTION_ABORTABLE, type TransactionCoordinatorConfig } from './transactionCoordinator'
export { TRANSACTION_STATE_TOPIC } from './transactionLog'
export { TransactionState, stateName, tpKey, tpOf, type TopicPartitionKey } from './transactionMetadata'
