// Finalized features (KIP-584) and the metadata quorum's voters (KIP-853) on both clusters:
// ApiVersions' features, UpdateFeatures with good and bad input, a real downgrade and
// re-upgrade and what follows from it, AddRaftVoter/RemoveRaftVoter on a static quorum, and
// Kafka's kafka-features tool. Every level changed is restored before the next check.
import { describe, it } from 'vitest'
import { ApiKey, type UpdateFeaturesRequest } from '../../main/cluster/protocol/messages'
import { answered, SIDES, useDifferential, type Side } from './differential'
import type { RawClient } from '../helpers/rawClient'
import { featuresText, parseFeaturesDescribe } from './toolOutput'

const diff = useDifferential({ name: 'features' })

/** The features both clusters have; Kafka's others (metadata.version, streams.version...) Brokerlab does not claim. */
const SHARED_FEATURES = ['group.version', 'share.version', 'transaction.version']
const UPGRADE = 1
const SAFE_DOWNGRADE = 2
const UNSAFE_DOWNGRADE = 3

type Update = [feature: string, level: number, upgradeType?: number]
const updateFeatures = (updates: Update[], validateOnly = false): UpdateFeaturesRequest => ({
  timeoutMs: 60_000,
  featureUpdates: updates.map(([feature, maxVersionLevel, upgradeType = UPGRADE]) => ({ feature, maxVersionLevel, allowDowngrade: false, upgradeType })),
  validateOnly,
})

async function finalizedLevels(to: Record<Side, RawClient>) {
  const out = {} as Record<Side, unknown>
  for (const side of SIDES) {
    const r = await to[side].request(ApiKey.ApiVersions, 4, { clientSoftwareName: 'brokerlab-reference', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 })
    out[side] = r.finalizedFeatures.filter((f) => SHARED_FEATURES.includes(f.name)).sort((a, b) => a.name.localeCompare(b.name))
  }
  return out
}

describe('UpdateFeatures', () => {
  const refused: Array<[string, Update[], boolean?]> = [
    ['an unknown feature', [['no.such.feature', 1]]],
    ['a level above the supported maximum', [['group.version', 5]]],
    ['a downgrade without a downgrade type', [['transaction.version', 1]]],
    ['the finalized level again', [['group.version', 1]]],
    ['an empty update', []],
    ['a good update beside an unknown feature', [['group.version', 1], ['no.such.feature', 1]]],
  ]
  const v1Only: Array<[string, Update[], boolean?]> = [
    ['validateOnly, a safe downgrade', [['transaction.version', 1, SAFE_DOWNGRADE]], true],
    ['a negative level, unsafe downgrade', [['group.version', -1, UNSAFE_DOWNGRADE]]],
    ['an unknown upgrade type', [['group.version', 1, 9]]],
    ['the finalized level with a downgrade type', [['group.version', 1, SAFE_DOWNGRADE]]],
  ]

  it('validates as Kafka does, in every version, and validateOnly changes nothing', async () => {
    const to = await diff.connect(await diff.start())
    for (const maxVersion of [0, 1, 2]) {
      for (const [check, updates, validateOnly] of maxVersion === 0 ? refused : [...refused, ...v1Only]) {
        const { version, answers } = await diff.requestBoth(to, ApiKey.UpdateFeatures, updateFeatures(updates, validateOnly), maxVersion)
        diff.check('UpdateFeatures', `v${version}: ${check}`, `UpdateFeatures v${version} ${JSON.stringify(updates)}${validateOnly ? ' validateOnly' : ''}`, answered(answers.kafka), answered(answers.brokerlab))
      }
    }
    const levels = await finalizedLevels(to)
    diff.check('UpdateFeatures', 'the finalized levels after refusals and validateOnly', 'ApiVersions v4 finalizedFeatures (group.version, share.version, transaction.version)', levels.kafka, levels.brokerlab)
  })

  it('downgrades and re-upgrades group.version and transaction.version, and the cluster follows', async () => {
    const to = await diff.connect(await diff.start())
    const change = async (check: string, updates: Update[]) => {
      const { version, answers } = await diff.requestBoth(to, ApiKey.UpdateFeatures, updateFeatures(updates))
      diff.check('UpdateFeatures', check, `UpdateFeatures v${version} ${JSON.stringify(updates)}`, answered(answers.kafka), answered(answers.brokerlab))
      const levels = await finalizedLevels(to)
      diff.check('UpdateFeatures', `${check}: the finalized levels`, 'ApiVersions v4 finalizedFeatures (group.version, share.version, transaction.version)', levels.kafka, levels.brokerlab)
    }
    await change('a safe downgrade of transaction.version to 1', [['transaction.version', 1, SAFE_DOWNGRADE]])
    await change('an unsafe downgrade of group.version to 0', [['group.version', 0, UNSAFE_DOWNGRADE]])
    // The consumer group protocol is off: still advertised, refused.
    const heartbeat = { groupId: 'features-group', memberId: 'features-member-0000000', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [] }
    const hb = await diff.requestBoth(to, ApiKey.ConsumerGroupHeartbeat, heartbeat)
    diff.check('UpdateFeatures', 'at group.version 0: ConsumerGroupHeartbeat', `ConsumerGroupHeartbeat v${hb.version} joining`, answered(hb.answers.kafka), answered(hb.answers.brokerlab))
    const described = await diff.requestBoth(to, ApiKey.ConsumerGroupDescribe, { groupIds: ['features-group'], includeAuthorizedOperations: false })
    diff.check('UpdateFeatures', 'at group.version 0: ConsumerGroupDescribe', `ConsumerGroupDescribe v${described.version}`, answered(described.answers.kafka), answered(described.answers.brokerlab))
    await change('an unsafe downgrade of share.version to 0', [['share.version', 0, UNSAFE_DOWNGRADE]])
    // Share groups are off: still advertised, refused.
    const shareHeartbeat = await diff.requestBoth(to, ApiKey.ShareGroupHeartbeat, { groupId: 'features-share-group', memberId: 'AAAAAAAAAAAAAAAAAAAAAQ', memberEpoch: 0, rackId: null, subscribedTopicNames: ['t'] })
    diff.check('UpdateFeatures', 'at share.version 0: ShareGroupHeartbeat', `ShareGroupHeartbeat v${shareHeartbeat.version} joining`, answered(shareHeartbeat.answers.kafka), answered(shareHeartbeat.answers.brokerlab))
    const offsets = await diff.requestBoth(to, ApiKey.DescribeShareGroupOffsets, { groups: [{ groupId: 'features-share-group', topics: null }] })
    diff.check('UpdateFeatures', 'at share.version 0: DescribeShareGroupOffsets', `DescribeShareGroupOffsets v${offsets.version}`, answered(offsets.answers.kafka), answered(offsets.answers.brokerlab))
    await change('share.version upgraded back to 2', [['share.version', 2]])
    await change('a downgrade of transaction.version to 0', [['transaction.version', 0, SAFE_DOWNGRADE]])
    await change('an upgrade with a downgrade type', [['transaction.version', 2, SAFE_DOWNGRADE]])
    await change('both upgraded back', [['group.version', 1], ['transaction.version', 2]])
  })
})

describe('AddRaftVoter and RemoveRaftVoter', () => {
  it('are refused on a static quorum (kraft.version 0)', async () => {
    const to = await diff.connect(await diff.start())
    const voterDirectoryId = '00000000-0000-0000-0000-000000000001'
    const add = { clusterId: null, timeoutMs: 30_000, voterId: 5, voterDirectoryId, listeners: [{ name: 'CONTROLLER', host: '127.0.0.1', port: 9999 }], ackWhenCommitted: true }
    for (const maxVersion of [0, 1]) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.AddRaftVoter, add, maxVersion)
      diff.check('AddRaftVoter', `v${version}: a new voter`, `AddRaftVoter v${version} voterId=5`, answered(answers.kafka), answered(answers.brokerlab))
    }
    const other = await diff.requestBoth(to, ApiKey.AddRaftVoter, { ...add, clusterId: 'another-cluster-id' })
    diff.check('AddRaftVoter', "another cluster's id", `AddRaftVoter v${other.version} clusterId=another-cluster-id`, answered(other.answers.kafka), answered(other.answers.brokerlab))
    for (const [check, body] of [
      ['the only voter', { clusterId: null, voterId: 1, voterDirectoryId }],
      ['an unknown voter', { clusterId: null, voterId: 5, voterDirectoryId }],
      ["another cluster's id", { clusterId: 'another-cluster-id', voterId: 1, voterDirectoryId }],
    ] as const) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.RemoveRaftVoter, body)
      diff.check('RemoveRaftVoter', check, `RemoveRaftVoter v${version} voterId=${body.voterId}`, answered(answers.kafka), answered(answers.brokerlab))
    }
  })
})

describe('kafka-features', () => {
  it('describes, upgrades and downgrades alike', async () => {
    const bootstraps = await diff.start()
    const compare = <T>(check: string, args: string[], parse: (stdout: string) => T) => diff.compareTool(bootstraps, 'kafka-features', check, args, parse)
    await compare('describe', ['describe'], parseFeaturesDescribe)
    await compare('upgrade group.version to 1, dry run', ['upgrade', '--feature', 'group.version=1', '--dry-run'], featuresText)
    await compare('downgrade transaction.version to 1, dry run', ['downgrade', '--feature', 'transaction.version=1', '--dry-run'], featuresText)
    await compare('upgrade an unknown feature', ['upgrade', '--feature', 'no.such.feature=1'], featuresText)
    await compare('upgrade group.version above its maximum', ['upgrade', '--feature', 'group.version=5'], featuresText)
    await compare('downgrade transaction.version to 1', ['downgrade', '--feature', 'transaction.version=1'], featuresText)
    await compare('describe after the downgrade', ['describe'], parseFeaturesDescribe)
    await compare('disable group.version', ['disable', '--feature', 'group.version'], featuresText)
    await compare('upgrade both back', ['upgrade', '--feature', 'group.version=1', '--feature', 'transaction.version=2'], featuresText)
    await compare('describe after the upgrade', ['describe'], parseFeaturesDescribe)
  })
})
