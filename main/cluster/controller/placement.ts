// Replica placement after Kafka's StripedReplicaPlacer. Racks are visited round-robin and so
// are the brokers inside each rack, each from a random start; every new partition starts one
// step further, so leaders (first replicas) spread evenly and followers stripe across racks.
// A leader is always an unfenced broker; fenced brokers are used as followers only when the
// unfenced ones run out. After as many partitions as there are unfenced brokers the lists
// are shuffled, so the same replica sets do not repeat forever.
import { KafkaError } from '../errors'

export interface UsableBroker {
  id: number
  rack: string | null
  fenced: boolean
}

export type Random = () => number

const randomInt = (random: Random, bound: number): number => Math.floor(random() * bound)

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
}

/** Brokers handed out round-robin, one round per iteration epoch, each round one step further. */
class BrokerList {
  readonly brokers: number[] = []
  private index = 0
  private offset = 0
  private epoch = 0

  initialize(random: Random): void {
    this.brokers.sort((a, b) => a - b)
    if (this.brokers.length > 0) this.offset = randomInt(random, this.brokers.length)
  }

  /** The next broker of this round, or -1 when the round has handed out every broker. */
  next(epoch: number): number {
    const size = this.brokers.length
    if (size === 0) return -1
    if (this.epoch !== epoch) {
      this.epoch = epoch
      this.index = 0
      this.offset = (this.offset + 1) % size
    }
    if (this.index >= size) return -1
    return this.brokers[(this.index++ + this.offset) % size]
  }
}

class Rack {
  readonly unfenced = new BrokerList()
  readonly fenced = new BrokerList()

  next(epoch: number): number {
    const broker = this.unfenced.next(epoch)
    return broker >= 0 ? broker : this.fenced.next(epoch)
  }
}

export function invalidReplicationFactor(message: string): KafkaError {
  return new KafkaError('INVALID_REPLICATION_FACTOR', message)
}

/** Kafka's three refusals, checked before any partition is placed. */
function checkPlaceable(replicationFactor: number, brokers: readonly UsableBroker[]): void {
  if (replicationFactor <= 0) {
    throw invalidReplicationFactor(`Invalid replication factor ${replicationFactor}: the replication factor must be positive.`)
  }
  if (!brokers.some((b) => !b.fenced)) throw invalidReplicationFactor('All brokers are currently fenced.')
  if (replicationFactor > brokers.length) {
    // Kafka 4.4's words, which since KIP-1066 also name cordoned log directories (Brokerlab cordons none).
    throw invalidReplicationFactor(
      `The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered or some brokers have all their log directories cordoned.`,
    )
  }
}

class RackList {
  private readonly racks = new Map<string | null, Rack>()
  private readonly rackNames: (string | null)[]
  private readonly unfencedCount: number
  private epoch = 0
  private offset: number

  constructor(
    private readonly random: Random,
    brokers: readonly UsableBroker[],
  ) {
    for (const b of brokers) {
      let rack = this.racks.get(b.rack)
      if (!rack) this.racks.set(b.rack, (rack = new Rack()))
      ;(b.fenced ? rack.fenced : rack.unfenced).brokers.push(b.id)
    }
    for (const rack of this.racks.values()) {
      rack.unfenced.initialize(random)
      rack.fenced.initialize(random)
    }
    // Racks with an unfenced broker first, each group by name, as Kafka sorts them.
    const hasUnfenced = (name: string | null) => this.racks.get(name)!.unfenced.brokers.length > 0
    this.rackNames = [...this.racks.keys()].sort(
      (a, b) => Number(hasUnfenced(b)) - Number(hasUnfenced(a)) || (a ?? '').localeCompare(b ?? ''),
    )
    this.unfencedCount = brokers.filter((b) => !b.fenced).length
    this.offset = randomInt(random, this.rackNames.length)
  }

  place(replicationFactor: number): number[] {
    if (this.epoch === this.unfencedCount && this.unfencedCount > 1) {
      shuffle(this.rackNames, this.random)
      for (const rack of this.racks.values()) {
        shuffle(rack.unfenced.brokers, this.random)
        shuffle(rack.fenced.brokers, this.random)
      }
      this.epoch = 0
    }
    if (this.offset === this.rackNames.length) this.offset = 0
    const rackAt = (i: number) => this.racks.get(this.rackNames[i])!
    // The leader: the first rack from the offset with an unfenced broker left this round.
    let leaderRack = this.offset
    let leader = rackAt(leaderRack).unfenced.next(this.epoch)
    while (leader < 0) {
      leaderRack = (leaderRack + 1) % this.rackNames.length
      leader = rackAt(leaderRack).unfenced.next(this.epoch)
    }
    const replicas = [leader]
    // Followers: one per rack in turn from the offset, skipping the leader's rack once.
    let rackIndex = this.offset
    let skip = leaderRack
    while (replicas.length < replicationFactor) {
      let follower = -1
      if (rackIndex === skip) skip = -1
      else follower = rackAt(rackIndex).next(this.epoch)
      rackIndex = (rackIndex + 1) % this.rackNames.length
      if (follower >= 0) replicas.push(follower)
    }
    this.epoch++
    this.offset++
    return replicas
  }
}

export class StripedReplicaPlacer {
  constructor(private readonly random: Random = Math.random) {}

  /** Replicas of `numPartitions` new partitions; the first replica of each is its preferred leader. */
  place(numPartitions: number, replicationFactor: number, brokers: readonly UsableBroker[]): number[][] {
    checkPlaceable(replicationFactor, brokers)
    const racks = new RackList(this.random, brokers)
    return Array.from({ length: numPartitions }, () => racks.place(replicationFactor))
  }
}
