// A real Apache Kafka cluster on loopback, for comparing Brokerlab with the reference: three
// KRaft brokers in three JVMs, the first also the (single) controller, so 2 cores carry three
// JVMs rather than four and RF 3 still places a replica on every broker. Storage is formatted
// with kafka-storage, every JVM's heap is bounded, and stop() shuts the brokers down cleanly.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiKey } from '../../../main/cluster/protocol/messages'
import { freePort } from '../../helpers/ports'
import { RawClient } from '../../helpers/rawClient'
import { kafkaClasspath } from './jars'
import { javaExecutable, jvmArgs } from './java'
import { KAFKA_TOOLS, runKafkaTool } from './tools'

export interface ReferenceClusterOptions {
  /** Where each node keeps its properties, data and server.log. */
  dir: string
  brokers?: number
  /** Static broker properties on every node, after the launcher's own. */
  configs?: Record<string, string>
  /** Each broker JVM's -Xmx. */
  maxHeap?: string
  startTimeoutMs?: number
  /** A second listener on every broker, SASL_SSL with SCRAM-SHA-512, beside the PLAINTEXT one the tests use. */
  saslSsl?: SaslSslListener
}

export interface SaslSslListener {
  /** A PKCS12 keystore holding the broker's key and certificate (certificates.ts makes one). */
  keystore: string
  password: string
  /** SCRAM-SHA-512 users and their passwords, written into the metadata at format time. */
  users: Record<string, string>
}

interface ReferenceNode {
  id: number
  port: number
  saslSslPort?: number
  dir: string
  process: ChildProcess
  exited: Promise<number | null>
  stderr: string[]
}

const CONTROLLER_ID = 1

/**
 * Kafka's Uuid text form: 16 random bytes in URL-safe base64 without padding, never starting
 * with "-" (as Kafka's Uuid.randomUuid), which kafka-storage would read as an option.
 */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function properties(entries: Record<string, string | number>): string {
  return Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n'
}

export class ReferenceCluster {
  private constructor(
    readonly clusterId: string,
    readonly nodes: ReferenceNode[],
  ) {}

  get bootstrapServers(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')
  }

  /** The SASL_SSL listeners, where the cluster was started with one. */
  get saslSslBootstrapServers(): string {
    return this.nodes.map((n) => `localhost:${n.saslSslPort}`).join(',')
  }

  static async start(options: ReferenceClusterOptions): Promise<ReferenceCluster> {
    const brokers = options.brokers ?? 3
    const clusterId = randomClusterId()
    const controllerPort = await freePort()
    const ids = Array.from({ length: brokers }, (_, i) => i + 1)
    const ports = await Promise.all(ids.map(() => freePort()))
    const saslSslPorts = options.saslSsl ? await Promise.all(ids.map(() => freePort())) : []
    const nodeFiles = ids.map((id, i) => {
      const dir = join(options.dir, `node-${id}`)
      mkdirSync(dir, { recursive: true })
      const saslSsl = saslSslPorts[i] ? [`SASL_SSL://localhost:${saslSslPorts[i]}`] : []
      const listeners = [`PLAINTEXT://127.0.0.1:${ports[i]}`, ...saslSsl, ...(id === CONTROLLER_ID ? [`CONTROLLER://127.0.0.1:${controllerPort}`] : [])]
      const file = join(dir, 'server.properties')
      writeFileSync(
        file,
        properties({
          'process.roles': id === CONTROLLER_ID ? 'broker,controller' : 'broker',
          'node.id': id,
          'controller.quorum.voters': `${CONTROLLER_ID}@127.0.0.1:${controllerPort}`,
          listeners: listeners.join(','),
          'advertised.listeners': [`PLAINTEXT://127.0.0.1:${ports[i]}`, ...saslSsl].join(','),
          'controller.listener.names': 'CONTROLLER',
          'inter.broker.listener.name': 'PLAINTEXT',
          'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
          'log.dirs': join(dir, 'data'),
          ...(options.saslSsl && saslSslProperties(options.saslSsl)),
          ...options.configs,
        }),
      )
      return { id, dir, file, port: ports[i], saslSslPort: saslSslPorts[i] }
    })
    await Promise.all(nodeFiles.map((n) => formatStorage(clusterId, n.file, options.saslSsl?.users)))

    const classpath = kafkaClasspath()
    const nodes = nodeFiles.map((n): ReferenceNode => {
      const jvm = jvmArgs({ classpath, maxHeap: options.maxHeap ?? '512m', log4j: 'log4j2-broker.properties', systemProperties: { 'kafka.logs.dir': n.dir } })
      const child = spawn(javaExecutable(), [...jvm, KAFKA_TOOLS['kafka-server-start'], n.file], { stdio: ['ignore', 'ignore', 'pipe'] })
      const stderr: string[] = []
      child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      return { id: n.id, port: n.port, saslSslPort: n.saslSslPort, dir: n.dir, process: child, exited, stderr }
    })
    const cluster = new ReferenceCluster(clusterId, nodes)
    try {
      await cluster.waitReady(options.startTimeoutMs ?? 120_000)
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  /** Ready when every broker answers Metadata listing every broker, and none has exited. */
  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (const node of this.nodes) {
      for (;;) {
        const dead = await Promise.race([...this.nodes.map((n) => n.exited.then(() => n)), new Promise<undefined>((r) => setTimeout(() => r(undefined), 0))])
        if (dead) throw new Error(`reference broker ${dead.id} exited while starting:\n${this.logTail(dead)}`)
        if ((await this.brokersSeenBy(node)) === this.nodes.length) break
        if (Date.now() > deadline) throw new Error(`reference broker ${node.id} not ready after ${timeoutMs} ms:\n${this.logTail(node)}`)
        await new Promise((r) => setTimeout(r, 250))
      }
    }
  }

  private async brokersSeenBy(node: ReferenceNode): Promise<number> {
    let client: RawClient | undefined
    try {
      client = await RawClient.connect(`127.0.0.1:${node.port}`)
      const metadata = await client.request(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
      return metadata.brokers.length
    } catch {
      return 0
    } finally {
      client?.close()
    }
  }

  /** The last lines of a node's stderr and server.log, for a failure message. */
  logTail(node: ReferenceNode, lines = 30): string {
    let log = ''
    try {
      log = readFileSync(join(node.dir, 'server.log'), 'utf8')
    } catch {
      // not written yet
    }
    return [...node.stderr.join('').split('\n'), ...log.split('\n')].filter(Boolean).slice(-lines).join('\n')
  }

  /**
   * SIGTERM is Kafka's clean shutdown (controlled shutdown moves leaders away first): the
   * plain brokers go first while the controller still runs, then the controller's node.
   * Whatever has not exited in time is killed.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    const brokersFirst = [this.nodes.filter((n) => n.id !== CONTROLLER_ID), this.nodes.filter((n) => n.id === CONTROLLER_ID)]
    for (const group of brokersFirst) await Promise.all(group.map((n) => stopNode(n, timeoutMs)))
  }
}

/** Resident memory of processes, in bytes, from Linux's /proc; a process gone counts 0. */
export function rssBytesOf(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
    } catch {
      return sum
    }
  }, 0)
}

async function stopNode(node: ReferenceNode, timeoutMs: number): Promise<void> {
  if (node.process.exitCode !== null || node.process.signalCode !== null) return
  node.process.kill('SIGTERM')
  const timer = setTimeout(() => node.process.kill('SIGKILL'), timeoutMs)
  await node.exited
  clearTimeout(timer)
}

/** Kafka's settings for a SASL_SSL listener with SCRAM-SHA-512 (the listener name is SASL_SSL). */
function saslSslProperties(listener: SaslSslListener): Record<string, string> {
  return {
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': listener.keystore,
    'ssl.keystore.password': listener.password,
    'ssl.key.password': listener.password,
  }
}

/** SCRAM users are metadata records in KRaft: kafka-storage writes them at format time (--add-scram). */
async function formatStorage(clusterId: string, propertiesFile: string, scramUsers: Record<string, string> = {}): Promise<void> {
  const scram = Object.entries(scramUsers).flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`])
  const result = await runKafkaTool('kafka-storage', ['format', '--cluster-id', clusterId, '--config', propertiesFile, '--ignore-formatted', ...scram])
  if (result.status !== 0) throw new Error(`kafka-storage format failed (exit ${result.status}) for ${propertiesFile}:\n${result.stdout}${result.stderr}`)
}
