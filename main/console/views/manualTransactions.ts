// Transactions an operator runs by hand from the Produce page: begin one under a transactional
// id, send records into it one at a time, then commit or abort it. While it is open, the
// partitions it wrote hold their last stable offset at its first record, so read_committed
// readers (the browser under read_committed, consumers) wait there, and the Transactions page
// shows it Ongoing. Each id has its own transactional producer of the client library
// (InitProducerId with the id, AddPartitionsToTxn, EndTxn); ending it closes that producer.
import { Producer, compatibilityPartitioner } from '@platformatic/kafka'
import { KafkaError } from '../../cluster/errors'
import type { KafkaConnection } from '../connections/kafkaConnection'
import { clientOptions } from '../connections/connectionTest'
import { kafkaCall } from '../connections/kafkaErrors'
import type { ManualTransaction, RequestOf } from '../../../preload/contract'

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>

interface Open {
  producer: Producer
  transaction: Transaction
  view: ManualTransaction
}

const bytes = (text: string | null | undefined) => (text === null || text === undefined ? undefined : Buffer.from(text, 'utf8'))
/** Ended transactions stay listed (with their outcome) until this many newer ones ended. */
const ENDED_KEPT = 10

export class ManualTransactions {
  private readonly open = new Map<string, Open>()
  private ended: ManualTransaction[] = []

  constructor(private readonly kafka: KafkaConnection) {}

  list(): ManualTransaction[] {
    return [...[...this.open.values()].map((o) => o.view), ...this.ended]
  }

  async begin(request: RequestOf<'producer:beginTransaction'>): Promise<ManualTransaction> {
    const { transactionalId, transactionTimeoutMs } = request
    if (this.open.has(transactionalId)) throw new KafkaError('INVALID_TXN_STATE', `Transaction "${transactionalId}" is already open here: commit or abort it first`)
    // The library asks InitProducerId with its `timeout` as transaction.timeout.ms.
    const producer = new Producer({
      ...clientOptions(this.kafka.settings),
      timeout: transactionTimeoutMs,
      transactionalId,
      idempotent: true,
      retries: 3,
      partitioner: (message, key) => (key ? compatibilityPartitioner(message, key) : 0),
    })
    try {
      const transaction: Transaction = await kafkaCall(() => producer.beginTransaction())
      const view: ManualTransaction = { transactionalId, transactionTimeoutMs, state: 'open', startedAt: Date.now(), records: [] }
      this.open.set(transactionalId, { producer, transaction, view })
      return view
    } catch (err) {
      await producer.close().catch(() => undefined)
      throw err
    }
  }

  async send(request: RequestOf<'producer:sendInTransaction'>): Promise<ManualTransaction> {
    const open = this.opened(request.transactionalId)
    const result = await kafkaCall(() =>
      open.transaction.send({ messages: [{ topic: request.topic, partition: request.partition, key: bytes(request.key) as Buffer, value: bytes(request.value) as Buffer }] }),
    )
    const written = result.offsets?.[0]
    if (!written) throw new KafkaError('UNKNOWN_SERVER_ERROR', 'The broker answered without an offset')
    open.view = { ...open.view, records: [...open.view.records, { topic: request.topic, partition: written.partition, offset: Number(written.offset), value: request.value }] }
    return open.view
  }

  async end(request: RequestOf<'producer:endTransaction'>): Promise<ManualTransaction> {
    const open = this.opened(request.transactionalId)
    try {
      await kafkaCall(() => (request.commit ? open.transaction.commit() : open.transaction.abort()))
    } finally {
      this.open.delete(request.transactionalId)
      await open.producer.close().catch(() => undefined)
    }
    const view: ManualTransaction = { ...open.view, state: request.commit ? 'committed' : 'aborted', endedAt: Date.now() }
    this.ended = [view, ...this.ended].slice(0, ENDED_KEPT)
    return view
  }

  private opened(transactionalId: string): Open {
    const open = this.open.get(transactionalId)
    if (!open) throw new KafkaError('INVALID_TXN_STATE', `No transaction "${transactionalId}" is open here: begin one first`)
    return open
  }

  /** The console closes: open transactions are left to their coordinator, which aborts them at their timeout. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map((o) => o.producer.close()))
    this.open.clear()
  }
}
