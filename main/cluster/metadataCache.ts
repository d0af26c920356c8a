// The host's view of the metadata, as a Kafka client's metadata cache: the image built from
// the controller's pushes, waits for a condition on it, and lookups that fail as Kafka's
// UNKNOWN_TOPIC_OR_PARTITION.
import { KafkaError } from './errors'
import { MetadataImage, type MetadataImageData, type TopicImage } from './metadata/image'
import type { MetadataLogEntry } from './metadata/records'

export class MetadataCache {
  image = new MetadataImage()
  private readonly waiters = new Set<() => void>()

  /** Starts from the controller's whole image. */
  load(data: MetadataImageData): void {
    this.image = MetadataImage.fromData(data)
  }

  /** Applies the controller's records past the image's offset, then checks every waiter. */
  apply(entries: MetadataLogEntry[]): void {
    for (const entry of entries) if (entry.offset > this.image.offset) this.image.apply(entry)
    for (const wake of this.waiters) wake()
  }

  /** Resolves once `condition` holds on the image (checked at every metadata push). */
  waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new KafkaError('REQUEST_TIMED_OUT', `Timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      this.waiters.add(check)
    })
  }

  topic(name: string): TopicImage {
    const topic = this.image.topicsByName.get(name)
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${name}" does not exist`)
    return topic
  }

  leaderOf(topic: string, partition: number): number {
    const registration = this.topic(topic).partitions[partition]
    if (!registration) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" has no partition ${partition}`)
    return registration.leader
  }
}
