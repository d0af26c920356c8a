// Partition reassignment (KIP-455) on real broker workers, through the Kafka listeners:
// AlterPartitionReassignments and ListPartitionReassignments, new replicas catching up and
// joining the ISR, old ones removed with their logs, cancellation, and kcat reading every
// record from each new replica once it leads.
import { afterEach, describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import { ErrorCode } from '../../main/cluster/errors'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { eventually, useCluster } from '../helpers/cluster'
import { kcat } from '../helpers/kcat'
import { RawClient } from '../helpers/rawClient'

const lab = useCluster()
const clients: RawClient[] = []

/** A raw client on one broker's own listener (so it survives the others' faults). */
async function connect(cluster: Cluster, brokerId: number): Promise<RawClient> {
  const port = cluster.image.brokers.get(brokerId)!.endPoints[0].port
  const client = await RawClient.connect(`127.0.0.1:${port}`)
  clients.push(client)
  return client
}

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

async function produceLines(cluster: Cluster, topic: string, values: string[]): Promise<void> {
  const produced = await kcat(['-b', cluster.bootstrapServers, '-P', '-t', topic, '-p', '0', '-X', 'acks=all'], values.join('\n') + '\n')
  expect(produced.status, produced.stderr).toBe(0)
}

/** Every record of partition 0 through kcat, from whichever broker leads it now. */
async function consumeLines(bootstrap: string, topic: string): Promise<string[]> {
  const consumed = await kcat(['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q'])
  expect(consumed.status, consumed.stderr).toBe(0)
  return consumed.stdout.split('\n').slice(0, -1)
}

/** The bootstrap list without the brokers that are down. */
const bootstrapOf = (cluster: Cluster, brokerIds: number[]) => brokerIds.map((id) => `127.0.0.1:${cluster.image.brokers.get(id)!.endPoints[0].port}`).join(',')

function reassign(client: RawClient, topic: string, replicas: number[] | null, partitionIndex = 0) {
  return client.request(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 30_000, allowReplicationFactorChange: true, topics: [{ name: topic, partitions: [{ partitionIndex, replicas }] }] })
}

describe('partition reassignment on real brokers', () => {
  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })

  it('RF 1 -> 3 with records already there: the new replicas catch up, join the ISR, and each serves every record once it leads', async () => {
    const cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'grow', partitions: 1, replicationFactor: 1 })
    const [original] = cluster.image.partition('grow', 0)!.replicas
    const added = cluster.brokerIds.filter((id) => id !== original)
    const values = lines(500, 'grow')
    await produceLines(cluster, 'grow', values)

    const client = await connect(cluster, added[1])
    const answer = await reassign(client, 'grow', [original, ...added])
    expect(answer).toMatchObject({ errorCode: 0, responses: [{ name: 'grow', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }] })

    const done = await eventually('the reassignment to complete', () => {
      const p = cluster.image.partition('grow', 0)!
      return p.isr.length === 3 && p.addingReplicas === undefined && p
    })
    expect(done.replicas).toEqual([original, ...added])
    expect((await client.request(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 30_000, topics: null })).topics).toEqual([])
    const metadata = await client.request(ApiKey.Metadata, 12, { topics: [{ name: 'grow', topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    expect(metadata.topics[0].partitions[0]).toMatchObject({ replicaNodes: [original, ...added], isrNodes: expect.arrayContaining([original, ...added]) })

    // The original leader dies: a new replica leads, and kcat reads every record from it.
    await cluster.crashBroker(original)
    const second = await eventually('a new replica to lead', () => added.includes(cluster.image.partition('grow', 0)!.leader) && cluster.image.partition('grow', 0)!.leader)
    expect(await consumeLines(bootstrapOf(cluster, added), 'grow')).toEqual(values)

    // Then that one stops: the last new replica leads, and serves every record too.
    await cluster.stopBroker(second)
    const third = added.find((id) => id !== second)!
    await eventually('the last new replica to lead', () => cluster.image.partition('grow', 0)!.leader === third)
    expect(await consumeLines(bootstrapOf(cluster, [third]), 'grow')).toEqual(values)
  }, 90_000)

  it('moves every replica off a broker: the new replica leads and the old one deletes its log', async () => {
    const cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'move', partitions: 1, replicationFactor: 1 })
    const [from] = cluster.image.partition('move', 0)!.replicas
    const to = cluster.brokerIds.find((id) => id !== from)!
    const values = lines(300, 'move')
    await produceLines(cluster, 'move', values)

    const client = await connect(cluster, from)
    expect((await reassign(client, 'move', [to])).responses[0].partitions[0].errorCode).toBe(0)
    await eventually('the partition to move', () => {
      const p = cluster.image.partition('move', 0)!
      return p.leader === to && p.replicas.length === 1 && p.replicas[0] === to
    })
    await eventually('the old replica to delete its log', async () => {
      const dirs = await client.request(ApiKey.DescribeLogDirs, 4, { topics: null })
      return !dirs.results[0].topics.some((t) => t.name === 'move')
    })
    expect(await consumeLines(cluster.bootstrapServers, 'move')).toEqual(values)
  }, 60_000)

  it('RF 3 -> 2 under the same leader: a new leader epoch, the removed follower deletes its log, the leader goes on', async () => {
    const cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'shrink', partitions: 1, replicationFactor: 3 })
    const before = cluster.image.partition('shrink', 0)!
    const removed = before.replicas.find((id) => id !== before.leader)!
    const first = lines(100, 'first')
    await produceLines(cluster, 'shrink', first)

    const client = await connect(cluster, removed)
    const target = [before.leader, ...before.replicas.filter((id) => id !== before.leader && id !== removed)]
    expect((await reassign(client, 'shrink', target)).responses[0].partitions[0].errorCode).toBe(0)
    const after = await eventually('the replica to be removed', () => {
      const p = cluster.image.partition('shrink', 0)!
      return p.replicas.length === 2 && p
    })
    expect(after).toMatchObject({ replicas: target, leader: before.leader, leaderEpoch: before.leaderEpoch + 1 })
    await eventually('the removed follower to delete its log', async () => {
      const dirs = await client.request(ApiKey.DescribeLogDirs, 4, { topics: null })
      return !dirs.results[0].topics.some((t) => t.name === 'shrink')
    })
    const second = lines(100, 'second')
    await produceLines(cluster, 'shrink', second)
    expect(await consumeLines(cluster.bootstrapServers, 'shrink')).toEqual([...first, ...second])
  }, 60_000)

  it('lists a reassignment in progress and cancels it back to the original replicas', async () => {
    const cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'undo', partitions: 1, replicationFactor: 1 })
    const [original] = cluster.image.partition('undo', 0)!.replicas
    const [down, other] = cluster.brokerIds.filter((id) => id !== original)
    await produceLines(cluster, 'undo', lines(50, 'undo'))
    // A broker that is down cannot catch up, so the reassignment stays in progress.
    await cluster.crashBroker(down)

    const client = await connect(cluster, other)
    expect((await reassign(client, 'undo', [down, original])).responses[0].partitions[0].errorCode).toBe(0)
    await eventually('the broker to see the reassignment', () => cluster.image.partition('undo', 0)!.addingReplicas !== undefined)
    const listed = await client.request(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 30_000, topics: [{ name: 'undo', partitionIndexes: [0] }] })
    expect(listed).toMatchObject({ errorCode: 0, topics: [{ name: 'undo', partitions: [{ partitionIndex: 0, replicas: [down, original], addingReplicas: [down], removingReplicas: [] }] }] })

    expect((await reassign(client, 'undo', null)).responses[0].partitions[0]).toMatchObject({ errorCode: 0 })
    await eventually('the reassignment to be cancelled', () => cluster.image.partition('undo', 0)!.addingReplicas === undefined)
    expect(cluster.image.partition('undo', 0)).toMatchObject({ replicas: [original], isr: [original], leader: original })
    expect((await client.request(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 30_000, topics: null })).topics).toEqual([])
    expect((await reassign(client, 'undo', null)).responses[0].partitions[0].errorCode).toBe(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS)
  }, 60_000)

  it('a reassignment in progress survives a restart of the whole cluster and completes after it', async () => {
    let cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'resume', partitions: 1, replicationFactor: 1 })
    const [original] = cluster.image.partition('resume', 0)!.replicas
    const [down] = cluster.brokerIds.filter((id) => id !== original)
    const values = lines(200, 'resume')
    await produceLines(cluster, 'resume', values)
    await cluster.crashBroker(down)
    const client = await connect(cluster, original)
    expect((await reassign(client, 'resume', [down, original])).responses[0].partitions[0].errorCode).toBe(0)
    await eventually('the reassignment to start', () => cluster.image.partition('resume', 0)!.addingReplicas !== undefined)
    client.close()

    await lab.stop()
    cluster = await lab.start({}, 3)
    const done = await eventually('the reassignment to complete after the restart', () => {
      const p = cluster.image.partition('resume', 0)!
      return p.addingReplicas === undefined && p.isr.length === 2 && p
    }, 20_000)
    expect(done.replicas).toEqual([down, original])
    expect(await consumeLines(cluster.bootstrapServers, 'resume')).toEqual(values)
  }, 90_000)

  it('answers bad input with Kafka error codes', async () => {
    const cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'bad', partitions: 1, replicationFactor: 1 })
    const client = await connect(cluster, 1)
    const codes = async (topic: string, partitionIndex: number, replicas: number[] | null) => (await reassign(client, topic, replicas, partitionIndex)).responses[0].partitions[0].errorCode
    expect(await codes('bad', 0, [1, 1])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(await codes('bad', 0, [])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(await codes('bad', 0, [1, 7])).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(await codes('nope', 0, [1])).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(await codes('bad', 3, [1])).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(await codes('bad', 0, null)).toBe(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS)
  }, 60_000)
})
