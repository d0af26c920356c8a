// Partition reassignment (KIP-455, issue 14 items 3 and 4) alike on Apache Kafka and on
// Brokerlab: kafka-reassign-partitions --generate, --execute and --verify with their outputs
// parsed and compared, the replicas each cluster ends with, and the error codes of
// AlterPartitionReassignments (45) and ListPartitionReassignments (46) for bad input.
// Topics are placed by hand on node ids 1-3, which both clusters have, so the tools' JSON
// compares exactly.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { eventually } from '../helpers/cluster'
import type { RawClient } from '../helpers/rawClient'
import { answered, SIDES, useDifferential, type Side } from './differential'
import { metadataOf, topic, waitForLeaders } from './requests'

const diff = useDifferential({ name: 'reassign' })

const text = (stdout: string) => stdout.trim().split('\n').filter(Boolean)

type Assignment = { version: number; partitions: Array<{ topic: string; partition: number; replicas: number[]; log_dirs: string[] }> }

/** An assignment as the tools print it, with each cluster's log directories (absolute paths) masked. */
const maskLogDirs = (a: Assignment): Assignment => ({ ...a, partitions: a.partitions.map((p) => ({ ...p, log_dirs: p.log_dirs.map((d) => (d === 'any' ? d : '<log dir>')) })) })

/** The tools' text, with the assignments they print as JSON parsed and their log dirs masked. */
const parseReassign = (stdout: string) => text(stdout).map((line) => (line.startsWith('{') ? maskLogDirs(JSON.parse(line) as Assignment) : line))

/** --generate: the current assignment exactly; the proposal (random placement) by its shape. */
function parseGenerate(stdout: string) {
  const lines = text(stdout)
  const after = (heading: string) => {
    const i = lines.indexOf(heading)
    return i >= 0 ? maskLogDirs(JSON.parse(lines[i + 1]) as Assignment) : null
  }
  const current = after('Current partition replica assignment')
  const proposed = after('Proposed partition reassignment configuration')
  if (!current || !proposed) return { lines }
  return {
    current,
    proposed: {
      version: proposed.version,
      partitions: proposed.partitions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        replicationFactor: p.replicas.length,
        distinctBrokers: new Set(p.replicas).size,
        knownBrokers: p.replicas.every((id) => id >= 1 && id <= 3),
        log_dirs: p.log_dirs,
      })),
    },
  }
}

function partitions(to: Record<Side, RawClient>, side: Side, name: string) {
  return to[side].request(ApiKey.Metadata, 12, metadataOf([name])).then((m) => m.topics[0].partitions.sort((a, b) => a.partitionIndex - b.partitionIndex))
}

describe('partition reassignment', () => {
  it('kafka-reassign-partitions --generate, --execute and --verify, and the reassignment APIs, answer as Kafka does', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    // One fixed directory (reference tests run one at a time), so the requests docs/compatibility.md records stay the same.
    const dir = join(tmpdir(), 'brokerlab-reassign')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    const file = (name: string, json: unknown) => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify(json))
      return path
    }
    try {
      const manual = (name: string, replicas: number[][]) => topic(name, -1, -1, { assignments: replicas.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })) })
      await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [manual('ra-grow', [[1], [2]]), manual('ra-move', [[1]]), manual('ra-shrink', [[1, 2, 3]]), topic('ra-errors', 2, 1)], timeoutMs: 30_000, validateOnly: false })
      await waitForLeaders(to, ['ra-grow', 'ra-move', 'ra-shrink', 'ra-errors'])
      const compare = <T>(check: string, args: string[], parse: (stdout: string) => T) => diff.compareTool(bootstraps, 'kafka-reassign-partitions', check, args, parse)

      const topicsToMove = file('topics.json', { version: 1, topics: [{ topic: 'ra-grow' }, { topic: 'ra-move' }] })
      await compare('generate a proposal for two topics on brokers 1-3', ['--generate', '--topics-to-move-json-file', topicsToMove, '--broker-list', '1,2,3'], parseGenerate)

      // RF 1 -> 3 for ra-grow (both partitions), ra-move moved off broker 1 entirely, and
      // ra-shrink from RF 3 to 2 under the same leader (a new leader epoch, in Kafka).
      const plan = file('plan.json', {
        version: 1,
        partitions: [
          { topic: 'ra-grow', partition: 0, replicas: [1, 2, 3] },
          { topic: 'ra-grow', partition: 1, replicas: [3, 1, 2] },
          { topic: 'ra-move', partition: 0, replicas: [2] },
          { topic: 'ra-shrink', partition: 0, replicas: [1, 2] },
        ],
      })
      await compare('execute: RF 1 -> 3, a partition moved off broker 1, RF 3 -> 2', ['--execute', '--reassignment-json-file', plan], parseReassign)
      for (const side of SIDES) {
        await eventually(`the reassignments to complete on ${side}`, async () => (await to[side].request(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 30_000, topics: null })).topics.length === 0, 60_000)
      }
      await compare('verify once complete', ['--verify', '--reassignment-json-file', plan], parseReassign)
      await compare('execute the same plan again', ['--execute', '--reassignment-json-file', plan], parseReassign)

      for (const name of ['ra-grow', 'ra-move', 'ra-shrink']) {
        const answers = {} as Record<Side, unknown>
        for (const side of SIDES) {
          // The ISR catches up a moment after the reassignment completes on a follower's side.
          const settled = await eventually(`${name} settled on ${side}`, async () => {
            const ps = await partitions(to, side, name)
            return ps.every((p) => p.isrNodes.length === p.replicaNodes.length) && ps
          }, 30_000)
          answers[side] = settled.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, replicaNodes: p.replicaNodes, isrNodes: [...p.isrNodes].sort() }))
        }
        diff.check('reassign', `${name}: leader, leader epoch, replicas and ISR after the reassignment`, `Metadata ${name}`, answers.kafka, answers.brokerlab)
      }

      const alter = await diff.requestBoth(to, ApiKey.AlterPartitionReassignments, {
        timeoutMs: 30_000,
        allowReplicationFactorChange: true,
        topics: [
          {
            name: 'ra-errors',
            partitions: [
              { partitionIndex: 0, replicas: null },
              { partitionIndex: 1, replicas: [1, 1] },
              { partitionIndex: 0, replicas: [] },
              { partitionIndex: 1, replicas: [1, 9] },
              { partitionIndex: 7, replicas: [1] },
            ],
          },
          { name: 'ra-missing', partitions: [{ partitionIndex: 0, replicas: [1] }] },
        ],
      })
      diff.check('reassign', 'AlterPartitionReassignments: cancel none, duplicate, empty, unknown broker, unknown partition and topic', `AlterPartitionReassignments v${alter.version}`, answered(alter.answers.kafka), answered(alter.answers.brokerlab))

      const listAll = await diff.requestBoth(to, ApiKey.ListPartitionReassignments, { timeoutMs: 30_000, topics: null })
      diff.check('reassign', 'ListPartitionReassignments of everything, none in progress', `ListPartitionReassignments v${listAll.version}`, answered(listAll.answers.kafka), answered(listAll.answers.brokerlab))
      const listNamed = await diff.requestBoth(to, ApiKey.ListPartitionReassignments, { timeoutMs: 30_000, topics: [{ name: 'ra-grow', partitionIndexes: [0, 1, 5] }, { name: 'ra-missing', partitionIndexes: [0] }] })
      diff.check('reassign', 'ListPartitionReassignments of named partitions, unknown ones included', `ListPartitionReassignments v${listNamed.version}`, answered(listNamed.answers.kafka), answered(listNamed.answers.brokerlab))

      // v1: with allowReplicationFactorChange=false a target of another replica count is refused per partition.
      const fixedFactor = await diff.requestBoth(to, ApiKey.AlterPartitionReassignments, {
        timeoutMs: 30_000,
        allowReplicationFactorChange: false,
        topics: [{ name: 'ra-errors', partitions: [{ partitionIndex: 0, replicas: [1, 2] }, { partitionIndex: 1, replicas: [1, 2, 3] }] }],
      })
      diff.check('reassign', 'AlterPartitionReassignments: a new replica count with allowReplicationFactorChange=false', `AlterPartitionReassignments v${fixedFactor.version} allowReplicationFactorChange=false`, answered(fixedFactor.answers.kafka), answered(fixedFactor.answers.brokerlab))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
