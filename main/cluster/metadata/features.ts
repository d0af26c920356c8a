// Kafka's finalized features (KIP-584) that Brokerlab has: each feature's levels, which this
// software supports, and the level a new cluster starts at (Kafka 4.4's, as kafka-storage
// format writes them). Only features whose behaviour Brokerlab follows are here: no
// metadata.version (Brokerlab's metadata records are its own), streams.version (no KIP-1071
// streams groups) nor eligible.leader.replicas.version (docs/protocol.md). kraft.version is 0 only: the controller is one static voter.

export interface SupportedFeature {
  name: string
  minVersion: number
  maxVersion: number
  /** The level a freshly formatted cluster finalizes. */
  bootstrapLevel: number
}

/** In the order Kafka 4.4's ApiVersions lists them. */
export const SUPPORTED_FEATURES: readonly SupportedFeature[] = [
  // KIP-848's consumer group protocol (ConsumerGroupHeartbeat, ConsumerGroupDescribe).
  { name: 'group.version', minVersion: 0, maxVersion: 1, bootstrapLevel: 1 },
  // KIP-853's dynamic quorum (AddRaftVoter, RemoveRaftVoter): Brokerlab's quorum is static.
  { name: 'kraft.version', minVersion: 0, maxVersion: 0, bootstrapLevel: 0 },
  // KIP-932's share groups (1), with ShareFetch v2's renew acknowledgements and acquire modes (2, KIP-1222, KIP-1206).
  { name: 'share.version', minVersion: 0, maxVersion: 2, bootstrapLevel: 2 },
  // KIP-890 part 2: epoch bumps at every transaction end.
  { name: 'transaction.version', minVersion: 0, maxVersion: 2, bootstrapLevel: 2 },
]

export const GROUP_VERSION = 'group.version'
export const KRAFT_VERSION = 'kraft.version'
export const SHARE_VERSION = 'share.version'
export const TRANSACTION_VERSION = 'transaction.version'

export function supportedFeature(name: string): SupportedFeature | undefined {
  return SUPPORTED_FEATURES.find((f) => f.name === name)
}
