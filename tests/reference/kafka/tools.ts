// Kafka's command-line tools, run as `java -cp <jars> <main class>` (the class each bin/*.sh
// script of Kafka's distribution names), against any cluster: the reference or Brokerlab.
import { spawn } from 'node:child_process'
import { kafkaClasspath } from './jars'
import { javaExecutable, jvmArgs } from './java'

/** Script name (without .sh) → main class, for Kafka 4.x. */
export const KAFKA_TOOLS = {
  'kafka-server-start': 'kafka.Kafka',
  'kafka-storage': 'kafka.tools.StorageTool',
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-configs': 'org.apache.kafka.tools.ConfigCommand',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-share-groups': 'org.apache.kafka.tools.consumer.group.ShareGroupCommand',
  'kafka-console-share-consumer': 'org.apache.kafka.tools.consumer.ConsoleShareConsumer',
  'kafka-broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'kafka-cluster': 'org.apache.kafka.tools.ClusterTool',
  'kafka-metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'kafka-features': 'org.apache.kafka.tools.FeatureCommand',
  'kafka-console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-delete-records': 'org.apache.kafka.tools.DeleteRecordsCommand',
  'kafka-leader-election': 'org.apache.kafka.tools.LeaderElectionCommand',
  'kafka-reassign-partitions': 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'kafka-log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
  'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
  'kafka-consumer-perf-test': 'org.apache.kafka.tools.ConsumerPerformance',
  'kafka-acls': 'org.apache.kafka.tools.AclCommand',
  'kafka-delegation-tokens': 'org.apache.kafka.tools.DelegationTokenCommand',
  'kafka-client-metrics': 'org.apache.kafka.tools.ClientMetricsCommand',
} as const

export type KafkaToolName = keyof typeof KAFKA_TOOLS

export function isKafkaTool(name: string): name is KafkaToolName {
  return Object.hasOwn(KAFKA_TOOLS, name)
}

export interface JavaResult {
  status: number | null
  stdout: string
  stderr: string
  ms: number
}

export interface JavaRunOptions {
  input?: string
  timeoutMs?: number
  maxHeap?: string
  /** False for a long, hot run (the perf tools): full JIT instead of a quick start. */
  shortLived?: boolean
}

/** Runs a short-lived JVM (a tool or a client program) to completion and collects its output. */
export function runJava(main: string, args: string[], options: JavaRunOptions = {}): Promise<JavaResult> {
  const started = Date.now()
  const jvm = jvmArgs({ classpath: kafkaClasspath(), maxHeap: options.maxHeap ?? '256m', log4j: 'log4j2-tools.properties', shortLived: options.shortLived ?? true })
  return new Promise((resolve, reject) => {
    const child = spawn(javaExecutable(), [...jvm, main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: Date.now() - started })
    })
    child.stdin.end(options.input ?? '')
  })
}

/** Runs one of Kafka's tools, e.g. `runKafkaTool('kafka-topics', ['--bootstrap-server', b, '--list'])`. */
export function runKafkaTool(tool: KafkaToolName, args: string[], options?: JavaRunOptions): Promise<JavaResult> {
  return runJava(KAFKA_TOOLS[tool], args, options)
}
