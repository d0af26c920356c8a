// What a consume-transform-produce run wrote, as a read_committed consumer reads it back: a
// kafkajs consumer of the output topic from its beginning (in a group of its own), counting
// the records and the source records ("partition/offset" keys) held more than once. Aborted
// transactions' records never reach it, so in the transactional mode a killed member's
// unfinished batch is not counted; outside it, what it wrote before dying is.
import type { Consumer, Kafka } from 'kafkajs'

export class OutputCheck {
  private readonly seen = new Map<string, number>()
  records = 0

  private constructor(
    readonly topic: string,
    private readonly consumer: Consumer,
  ) {}

  static async start(kafka: Kafka, groupId: string, topic: string): Promise<OutputCheck> {
    const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 500 })
    const check = new OutputCheck(topic, consumer)
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString('utf8') ?? ''
        check.records++
        check.seen.set(key, (check.seen.get(key) ?? 0) + 1)
      },
    })
    return check
  }

  /** Source records the output holds more than once, each counted once. */
  get duplicates(): number {
    let n = 0
    for (const count of this.seen.values()) if (count > 1) n++
    return n
  }

  stop(): Promise<void> {
    return this.consumer.disconnect()
  }
}
