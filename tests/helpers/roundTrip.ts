// A produce and fetch round trip from real clients: kafkajs produces one record with
// acks=all, and kcat (librdkafka) reads it back at its offset. The proof, after a fault or a
// fuzz run, that a broker still serves real clients.
import { Kafka, logLevel } from 'kafkajs'
import { kcat } from './kcat'

export async function produceAndFetch(bootstrap: string, topic: string, value: string): Promise<{ offset: number; fetched: string }> {
  const producer = new Kafka({ clientId: 'round-trip', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).producer()
  await producer.connect()
  try {
    const [sent] = await producer.send({ topic, acks: -1, messages: [{ value }] })
    const offset = Number(sent.baseOffset)
    const read = await kcat(['-b', bootstrap, '-C', '-t', topic, '-p', String(sent.partition), '-o', String(offset), '-c', '1', '-e', '-q', '-f', '%s'], undefined, 15_000)
    if (read.status !== 0) throw new Error(`kcat could not fetch ${topic}-${sent.partition}@${offset}: ${read.stderr}`)
    return { offset, fetched: read.stdout }
  } finally {
    await producer.disconnect()
  }
}
