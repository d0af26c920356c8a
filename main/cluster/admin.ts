// The cluster's admin operations, as Kafka's Admin client makes them: CreateTopics,
// DeleteTopics, CreatePartitions, IncrementalAlterConfigs and ElectLeaders, each sent to the
// controller, with a per-item error raised as a KafkaError.
import { ErrorCode, errorName, kafkaErrorFor } from './errors'
import type { MetadataCache } from './metadataCache'
import type { ControllerApi, CreatableTopic } from './controller/api'

export interface CreateTopicOptions {
  name: string
  partitions?: number
  replicationFactor?: number
  configs?: Record<string, string>
}

/** Throws the first per-item error of a controller answer as a KafkaError. */
function raise(results: Array<{ errorCode: number; errorMessage: string | null }>): void {
  const failed = results.find((r) => r.errorCode !== ErrorCode.NONE)
  if (failed) throw kafkaErrorFor(failed.errorCode, failed.errorMessage ?? errorName(failed.errorCode))
}

export class ClusterAdmin {
  constructor(
    private readonly controllerCall: <K extends keyof ControllerApi & string>(api: K, body: ControllerApi[K][0]) => Promise<ControllerApi[K][1]>,
    private readonly metadata: MetadataCache,
    /** A partition's leader answers ListOffsets: it knows it leads. */
    private readonly leaderAnswers: (topic: string, partition: number) => Promise<unknown>,
  ) {}

  /** Creates a topic and waits until every partition has a leader. */
  async createTopic(options: CreateTopicOptions): Promise<{ name: string; topicId: string }> {
    const topic: CreatableTopic = {
      name: options.name,
      numPartitions: options.partitions ?? -1,
      replicationFactor: options.replicationFactor ?? -1,
      configs: options.configs ?? {},
    }
    const { topics } = await this.controllerCall('createTopics', { topics: [topic], validateOnly: false })
    raise(topics)
    await this.waitForLeaders(options.name)
    return { name: options.name, topicId: topics[0].topicId }
  }

  /** Waits until every partition has a leader that knows it leads (as an admin client's metadata wait). */
  private async waitForLeaders(topic: string, timeoutMs = 10_000): Promise<void> {
    await this.metadata.waitFor(() => {
      const t = this.metadata.image.topicsByName.get(topic)
      return !!t && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)
    }, timeoutMs, `leaders of every partition of ${topic}`)
    const partitions = this.metadata.topic(topic).partitions.length
    await Promise.all(Array.from({ length: partitions }, (_, p) => this.leaderAnswers(topic, p)))
  }

  async deleteTopic(name: string): Promise<void> {
    const { responses } = await this.controllerCall('deleteTopics', { names: [name] })
    raise(responses)
  }

  async createPartitions(name: string, count: number): Promise<void> {
    const { results } = await this.controllerCall('createPartitions', { topics: [{ name, count }], validateOnly: false })
    raise(results)
    await this.waitForLeaders(name)
  }

  /** AlterPartitionReassignments for one topic: replicas per partition, null to cancel; the first refusal is thrown. */
  async reassignPartitions(topic: string, partitions: Array<{ partition: number; replicas: number[] | null }>): Promise<void> {
    const { responses } = await this.controllerCall('alterPartitionReassignments', {
      topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas })) }],
    })
    raise(responses.flatMap((r) => r.partitions))
  }

  /**
   * IncrementalAlterConfigs SET (value) or DELETE (null) on a topic, a broker, or '' (every
   * broker). validateOnly checks every value as Kafka would and changes nothing.
   */
  async alterConfigs(resource: { topic: string } | { broker: number | '' }, configs: Record<string, string | null>, validateOnly = false): Promise<void> {
    const [resourceType, resourceName] = 'topic' in resource ? ([2, resource.topic] as const) : ([4, String(resource.broker)] as const)
    const { responses } = await this.controllerCall('incrementalAlterConfigs', {
      resources: [
        {
          resourceType,
          resourceName,
          configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: value === null ? 1 : 0, value })),
        },
      ],
      validateOnly,
    })
    raise(responses)
  }

  async electPreferredLeaders(topicPartitions: Array<{ topic: string; partitions: number[] }> | null = null) {
    return this.controllerCall('electLeaders', { electionType: 0, topicPartitions })
  }
}
