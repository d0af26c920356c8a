// Field-by-field comparison of what the reference Kafka and Brokerlab answered. Values pass
// through the allowed differences first (ALLOWED_DIFFERENCES, documented in
// docs/compatibility.md); everything else must be equal, and each unequal leaf is reported
// with its path and both values.

/** Fields that differ between any two Kafka clusters, so they are masked before comparing. */
export const ALLOWED_DIFFERENCES: ReadonlyArray<{ field: string; why: string }> = [
  { field: 'clusterId', why: 'each cluster is formatted with its own random id' },
  { field: 'controllerId', why: 'which node is (or is reported as) the controller is chosen at run time' },
  { field: 'topicId', why: 'topic ids are random; only "zero" versus "set" is compared' },
  { field: 'port', why: 'each cluster listens on its own ports' },
  { field: 'errorMessage', why: 'free text; only "none" versus "some" is compared (error codes are compared exactly)' },
  { field: 'finalizedFeaturesEpoch', why: 'the metadata offset at which features were finalised, a timestamp-like counter' },
  { field: 'producerId', why: 'each cluster allocates its own producer ids; only "none" (-1) versus "set" is compared' },
  { field: 'transactionStartTimeMs', why: 'a clock reading; only "none" (-1 or 0) versus "set" is compared' },
  { field: 'logDir', why: 'each broker has its own directory; only whether it is an absolute path is compared' },
  { field: 'totalBytes/usableBytes', why: "the log directory's volume, shared with other processes; only \"unknown\" (-1) versus \"known\" is compared" },
  { field: 'brokerId/nodeId/leaderId/replicaNodes/isrNodes', why: 'replica placement starts at a random broker in Kafka; partitions are compared by shape (replica and ISR counts, leader is the first replica)' },
]

const MASKED: Record<string, (value: unknown) => unknown> = {
  clusterId: (v) => (v ? '<cluster id>' : v),
  controllerId: (v) => (typeof v === 'number' && v >= 0 ? '<node id>' : v),
  topicId: (v) => (v === '00000000-0000-0000-0000-000000000000' ? '<zero uuid>' : '<uuid>'),
  port: () => '<port>',
  errorMessage: (v) => (v === null || v === '' ? v : '<message>'),
  finalizedFeaturesEpoch: () => '<epoch>',
  producerId: (v) => (v === -1n || v === -1 ? v : '<producer id>'),
  transactionStartTimeMs: (v) => (v === -1n || v === 0n ? String(v) : '<timestamp>'),
  logDir: (v) => (typeof v === 'string' && v.startsWith('/') ? '<absolute path>' : v),
  totalBytes: (v) => (v === -1n ? '-1' : '<bytes>'),
  usableBytes: (v) => (v === -1n ? '-1' : '<bytes>'),
  brokerId: () => '<node id>',
  nodeId: () => '<node id>',
  leaderId: (v) => (typeof v === 'number' && v >= 0 ? '<node id>' : v),
}

/** Masks the allowed differences anywhere in a (decoded response) value. */
export function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Buffer.isBuffer(value)) return value.toString('hex')
  if (Array.isArray(value)) return value.map(normalize)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) out[key] = key in MASKED ? MASKED[key](v) : normalize(v)
    return out
  }
  return value
}

/** A partition's placement by shape, since node ids are placed differently (see above). */
export function partitionShape(p: { leaderId: number; replicaNodes: number[]; isrNodes: number[] }) {
  return {
    replicas: p.replicaNodes.length,
    isr: p.isrNodes.length,
    distinctReplicas: new Set(p.replicaNodes).size === p.replicaNodes.length,
    leaderIsFirstReplica: p.leaderId === p.replicaNodes[0],
    isrWithinReplicas: p.isrNodes.every((id) => p.replicaNodes.includes(id)),
  }
}

export interface Difference {
  path: string
  kafka: unknown
  brokerlab: unknown
}

/** Every leaf where the two (normalised) values differ; arrays are compared index by index. */
export function differences(kafka: unknown, brokerlab: unknown, path = ''): Difference[] {
  if (Object.is(kafka, brokerlab)) return []
  const bothArrays = Array.isArray(kafka) && Array.isArray(brokerlab)
  const bothObjects = !bothArrays && isPlainObject(kafka) && isPlainObject(brokerlab)
  if (bothArrays) {
    const out: Difference[] = []
    for (let i = 0; i < Math.max(kafka.length, brokerlab.length); i++) {
      const at = `${path}[${i}]`
      if (i >= kafka.length) out.push({ path: at, kafka: '(absent)', brokerlab: brokerlab[i] })
      else if (i >= brokerlab.length) out.push({ path: at, kafka: kafka[i], brokerlab: '(absent)' })
      else out.push(...differences(kafka[i], brokerlab[i], at))
    }
    return out
  }
  if (bothObjects) {
    const keys = new Set([...Object.keys(kafka), ...Object.keys(brokerlab)])
    return [...keys].flatMap((key) => {
      const at = path ? `${path}.${key}` : key
      if (!(key in kafka)) return [{ path: at, kafka: '(absent)', brokerlab: brokerlab[key] }]
      if (!(key in brokerlab)) return [{ path: at, kafka: kafka[key], brokerlab: '(absent)' }]
      return differences(kafka[key], brokerlab[key], at)
    })
  }
  return [{ path: path || '(value)', kafka, brokerlab }]
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
