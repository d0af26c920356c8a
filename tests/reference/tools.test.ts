// Kafka's own command-line tools (Kafka 4.4's classes, run by main class) with the same
// arguments against Apache Kafka and against Brokerlab, their parsed outputs compared.
import { describe, it } from 'vitest'
import { useDifferential } from './differential'
import type { KafkaToolName } from './kafka/tools'
import { parseConfigsDescribe, parseTopicsDescribe } from './toolOutput'

const diff = useDifferential({ name: 'tools' })

const text = (stdout: string) => stdout.trim().split('\n').filter(Boolean)

describe('Kafka CLI tools', () => {
  it('kafka-topics and kafka-configs print the same for both clusters', async () => {
    const bootstraps = await diff.start()
    const compare = <T>(tool: KafkaToolName, check: string, args: string[], parse: (stdout: string) => T) => diff.compareTool(bootstraps, tool, check, args, parse)
    const topic = ['--topic', 'tool-topic']
    await compare('kafka-topics', 'create a topic of 3 partitions, RF 3, with a config', ['--create', ...topic, '--partitions', '3', '--replication-factor', '3', '--config', 'retention.ms=3600000'], text)
    await compare('kafka-topics', 'create it again', ['--create', ...topic, '--partitions', '3', '--replication-factor', '3'], text)
    await compare('kafka-topics', 'create with RF 4 on 3 brokers', ['--create', '--topic', 'tool-rf-four', '--partitions', '1', '--replication-factor', '4'], text)
    await compare('kafka-topics', 'create with an invalid config value', ['--create', '--topic', 'tool-bad-config', '--config', 'cleanup.policy=sometimes'], text)
    await compare('kafka-topics', 'describe the topic', ['--describe', ...topic], parseTopicsDescribe)
    await compare('kafka-topics', 'describe an unknown topic', ['--describe', '--topic', 'tool-missing'], text)
    await compare('kafka-topics', 'add partitions (3 to 5)', ['--alter', ...topic, '--partitions', '5'], text)
    await compare('kafka-topics', 'describe after adding partitions', ['--describe', ...topic], parseTopicsDescribe)

    const entity = ['--entity-type', 'topics', '--entity-name', 'tool-topic']
    await compare('kafka-configs', "describe a topic's dynamic configs", ['--describe', ...entity], parseConfigsDescribe)
    await compare('kafka-configs', 'add a topic config', ['--alter', ...entity, '--add-config', 'cleanup.policy=compact'], text)
    await compare('kafka-configs', "describe a topic's dynamic configs after the change", ['--describe', ...entity], parseConfigsDescribe)
    await compare('kafka-configs', "describe all of a topic's configs", ['--describe', ...entity, '--all'], parseConfigsDescribe)
    await compare('kafka-configs', "describe broker 1's dynamic configs", ['--describe', '--entity-type', 'brokers', '--entity-name', '1'], parseConfigsDescribe)
    await compare('kafka-configs', 'describe the cluster-wide broker defaults', ['--describe', '--entity-type', 'brokers', '--entity-default'], parseConfigsDescribe)
  })
})
