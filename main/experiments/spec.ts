// An experiment is a spec: a workload, topic and broker configs, a fault schedule and a
// duration, run against one or two variants (A/B) that override parts of it. Specs are JSON,
// validated here with zod; every error names the field ("variants[1].workload.acks: ...").
// Pure: no I/O, so the console, the CLI and tests validate the same way.
import { z } from 'zod'
import { brokerConfigKey, topicConfigKey } from '../cluster/config/definitions'

export const CommitMode = z.enum(['at_most_once', 'at_least_once', 'exactly_once'])
export type CommitMode = z.infer<typeof CommitMode>

export const Workload = z.strictObject({
  producers: z.number().int().min(1).max(16).default(1),
  /** Records a second, per producer. */
  rate: z.number().positive().max(20_000).default(200),
  recordSize: z.number().int().min(1).max(1_000_000).default(100),
  acks: z.union([z.literal(0), z.literal(1), z.literal(-1), z.literal('all')]).default('all'),
  idempotent: z.boolean().default(false),
  retries: z.number().int().min(0).max(1000).default(5),
  maxInFlight: z.number().int().min(1).max(100).default(1),
  lingerMs: z.number().int().min(0).max(10_000).default(0),
  /** The most records one request carries: records queued while requests are in flight go together (as batch.size). */
  batchSize: z.number().int().min(1).max(1000).default(100),
  /** Keyed records: how many distinct keys (records cycle through them); absent: no keys, round robin. */
  keys: z.number().int().min(1).max(1_000_000).optional(),
  requestTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
  consumer: z
    .strictObject({
      commitMode: CommitMode.default('at_least_once'),
      members: z.number().int().min(1).max(8).default(2),
      processingDelayMs: z.number().min(0).max(10_000).default(2),
    })
    .optional(),
})
export type Workload = z.infer<typeof Workload>

export const TopicSpec = z.strictObject({
  partitions: z.number().int().min(1).max(64).default(3),
  replicationFactor: z.number().int().min(1).max(9).default(3),
  /** Topic configs, e.g. {"min.insync.replicas": "2", "unclean.leader.election.enable": "true"}. */
  configs: z.record(z.string(), z.string()).default({}),
})
export type TopicSpec = z.infer<typeof TopicSpec>

export const FaultKind = z.enum(['crash', 'stop', 'pause', 'link-cut', 'link-slow', 'isolate-controller', 'isolate', 'add-partitions', 'kill-member'])
export type FaultKind = z.infer<typeof FaultKind>

/** A broker by id, or "leader:P" (the leader of partition P when the fault starts), or "follower:P". */
export const BrokerRef = z.union([z.number().int().min(1), z.string().regex(/^(leader|follower):\d+$/, 'expected a broker id, "leader:P" or "follower:P"')])
export type BrokerRef = z.infer<typeof BrokerRef>

export const ScriptedFault = z.strictObject({
  /** Seconds from the start of the run. */
  at: z.number().min(0),
  kind: FaultKind,
  broker: BrokerRef.optional(),
  /** The other end of a link fault (a broker, or the leader/follower of a partition). */
  peer: BrokerRef.optional(),
  /** Seconds until it heals (restart, resume, link healed); absent: at the end of the run. */
  for: z.number().positive().optional(),
  delayMs: z.number().int().min(1).max(60_000).optional(),
  /** add-partitions: the new partition count. kill-member: the member index (restarted after `for`, if given). */
  count: z.number().int().min(0).optional(),
})
export type ScriptedFault = z.infer<typeof ScriptedFault>

export const Nemesis = z.strictObject({
  seed: z.number().int(),
  kinds: z.array(z.enum(['crash', 'stop', 'pause', 'link-cut', 'link-slow', 'isolate-controller'])).min(1).default(['crash', 'stop', 'pause', 'link-cut', 'link-slow', 'isolate-controller']),
  /** How many faults may be active at once. */
  maxOverlap: z.number().int().min(1).max(8).default(1),
  /** Seconds between fault starts, [min, max]. */
  interval: z.tuple([z.number().positive(), z.number().positive()]).default([1, 3]),
  /** Seconds a fault lasts, [min, max]. */
  faultDuration: z.tuple([z.number().positive(), z.number().positive()]).default([1, 3]),
})
export type Nemesis = z.infer<typeof Nemesis>

export const FaultSchedule = z.union([
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('scripted'), faults: z.array(ScriptedFault) }),
  z.strictObject({ type: z.literal('random'), nemesis: Nemesis }),
])
export type FaultSchedule = z.infer<typeof FaultSchedule>

export const AnomalyName = z.enum(['lost', 'duplicated', 'reordered', 'offsetMismatch', 'processedTwice', 'neverProcessed', 'keyMoved', 'outputDuplicated', 'outputMissing'])
export type AnomalyName = z.infer<typeof AnomalyName>

/** What must not appear: the CLI exits non-zero if any of these is above its bound. */
export const Expect = z.partialRecord(AnomalyName, z.number().int().min(0))

/**
 * A variant's overrides: the same fields, each optional and without its default (zod's
 * partial() keeps defaults, which would override the base spec with them).
 */
function overridesOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [name, ((field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType).optional()]))
  return z.strictObject(shape) as unknown as z.ZodType<Partial<z.infer<z.ZodObject<S>>>>
}

const Overrides = z.strictObject({
  name: z.string().min(1).max(60),
  workload: overridesOf(Workload).optional(),
  topic: overridesOf(TopicSpec).optional(),
  brokerConfigs: z.record(z.string(), z.string()).optional(),
  /** Per-variant bounds: anomaly name -> the most allowed (0: must not appear). */
  expect: Expect.optional(),
})

export const ExperimentSpec = z.strictObject({
  name: z.string().min(1).max(120),
  description: z.string().max(4000).optional(),
  /** The claim the experiment tests, in a sentence. */
  claim: z.string().max(1000).optional(),
  brokers: z.number().int().min(1).max(7).default(3),
  brokerConfigs: z.record(z.string(), z.string()).default({}),
  topic: TopicSpec.default({ partitions: 3, replicationFactor: 3, configs: {} }),
  workload: Workload.default(Workload.parse({})),
  faults: FaultSchedule.default({ type: 'none' }),
  /** Seconds of workload. */
  duration: z.number().positive().max(3600).default(10),
  /** One or two variants; each runs on a fresh cluster and topic. Absent: one run of the spec as is. */
  variants: z.array(Overrides).min(1).max(2).optional(),
  expect: Expect.optional(),
})
export type ExperimentSpec = z.infer<typeof ExperimentSpec>
export type ExperimentSpecInput = z.input<typeof ExperimentSpec>

/** One variant, fully resolved: what a run executes. */
export interface ResolvedVariant {
  name: string
  brokers: number
  brokerConfigs: Record<string, string>
  topic: TopicSpec
  workload: Workload
  expect: Partial<Record<AnomalyName, number>>
}

export interface SpecError {
  path: string
  message: string
}

export class SpecValidationError extends Error {
  constructor(readonly errors: SpecError[]) {
    super(errors.map((e) => `${e.path || '(spec)'}: ${e.message}`).join('\n'))
    this.name = 'SpecValidationError'
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part)
  return out
}

const TOPIC_CONFIGS = { has: (name: string) => topicConfigKey(name) !== undefined }
const BROKER_CONFIGS = { has: (name: string) => brokerConfigKey(name) !== undefined }

function checkRef(ref: BrokerRef | undefined, path: string, brokers: number, partitions: number, errors: SpecError[]): void {
  if (ref === undefined) return
  if (typeof ref === 'number') {
    if (ref > brokers) errors.push({ path, message: `broker ${ref} does not exist (the cluster has brokers 1 to ${brokers})` })
  } else {
    const p = Number(ref.split(':')[1])
    if (p >= partitions) errors.push({ path, message: `partition ${p} does not exist (the topic has ${partitions})` })
  }
}

/** Parses and checks a spec; throws SpecValidationError naming every bad field. */
export function parseSpec(input: unknown): ExperimentSpec {
  const parsed = ExperimentSpec.safeParse(input)
  if (!parsed.success) {
    throw new SpecValidationError(
      parsed.error.issues.map((issue) => {
        const path = pathOf(issue.path)
        if (issue.code === 'unrecognized_keys') return { path: [path, ...issue.keys].filter(Boolean).join('.'), message: `unknown field "${issue.keys.join('", "')}"` }
        return { path, message: issue.message }
      }),
    )
  }
  const spec = parsed.data
  const errors: SpecError[] = []
  const checkConfigs = (configs: Record<string, string> | undefined, path: string, known: { has(name: string): boolean }, what: string) => {
    for (const name of Object.keys(configs ?? {})) if (!known.has(name)) errors.push({ path: `${path}.${name}`, message: `unknown ${what} config "${name}"` })
  }
  checkConfigs(spec.brokerConfigs, 'brokerConfigs', BROKER_CONFIGS, 'broker')
  checkConfigs(spec.topic.configs, 'topic.configs', TOPIC_CONFIGS, 'topic')
  spec.variants?.forEach((v, i) => {
    checkConfigs(v.brokerConfigs, `variants[${i}].brokerConfigs`, BROKER_CONFIGS, 'broker')
    checkConfigs(v.topic?.configs, `variants[${i}].topic.configs`, TOPIC_CONFIGS, 'topic')
  })
  for (const variant of resolveVariants(spec)) {
    if (variant.topic.replicationFactor > variant.brokers) errors.push({ path: 'topic.replicationFactor', message: `${variant.topic.replicationFactor} is more than the ${variant.brokers} brokers` })
    if (variant.workload.idempotent && variant.workload.acks !== 'all' && variant.workload.acks !== -1) errors.push({ path: 'workload.idempotent', message: 'an idempotent producer needs acks=all' })
    if (variant.workload.idempotent && variant.workload.maxInFlight > 5) errors.push({ path: 'workload.maxInFlight', message: 'an idempotent producer allows at most 5 requests in flight' })
  }
  if (spec.faults.type === 'scripted') {
    spec.faults.faults.forEach((f, i) => {
      const path = `faults.faults[${i}]`
      checkRef(f.broker, `${path}.broker`, spec.brokers, spec.topic.partitions, errors)
      checkRef(f.peer, `${path}.peer`, spec.brokers, spec.topic.partitions, errors)
      if (f.at > spec.duration) errors.push({ path: `${path}.at`, message: `${f.at} s is after the end of the run (${spec.duration} s)` })
      const needsBroker = ['crash', 'stop', 'pause', 'link-cut', 'link-slow', 'isolate-controller', 'isolate'].includes(f.kind)
      if (needsBroker && f.broker === undefined) errors.push({ path: `${path}.broker`, message: `a ${f.kind} fault needs a broker` })
      if ((f.kind === 'link-cut' || f.kind === 'link-slow') && f.peer === undefined) errors.push({ path: `${path}.peer`, message: `a ${f.kind} fault needs a peer broker` })
      if (f.kind === 'link-slow' && f.delayMs === undefined) errors.push({ path: `${path}.delayMs`, message: 'a link-slow fault needs delayMs' })
      if (f.kind === 'add-partitions' && (f.count === undefined || f.count <= spec.topic.partitions)) errors.push({ path: `${path}.count`, message: `add-partitions needs a count above ${spec.topic.partitions}` })
      if (f.kind === 'kill-member' && !spec.workload.consumer) errors.push({ path: `${path}.kind`, message: 'kill-member needs workload.consumer' })
      const members = Math.min(...resolveVariants(spec).map((v) => v.workload.consumer?.members ?? Infinity))
      if (f.kind === 'kill-member' && spec.workload.consumer && (f.count ?? 0) >= members) errors.push({ path: `${path}.count`, message: `member ${f.count ?? 0} does not exist (the group has members 0 to ${members - 1})` })
    })
  }
  if (spec.faults.type === 'random') {
    const n = spec.faults.nemesis
    if (n.interval[0] > n.interval[1]) errors.push({ path: 'faults.nemesis.interval', message: 'min is above max' })
    if (n.faultDuration[0] > n.faultDuration[1]) errors.push({ path: 'faults.nemesis.faultDuration', message: 'min is above max' })
  }
  if (errors.length) throw new SpecValidationError(errors)
  return spec
}

/** Validation as a value, for the console's editor. */
export function validateSpec(input: unknown): { ok: true; spec: ExperimentSpec } | { ok: false; errors: SpecError[] } {
  try {
    return { ok: true, spec: parseSpec(input) }
  } catch (err) {
    if (err instanceof SpecValidationError) return { ok: false, errors: err.errors }
    return { ok: false, errors: [{ path: '', message: (err as Error).message }] }
  }
}

export function resolveVariants(spec: ExperimentSpec): ResolvedVariant[] {
  const base: ResolvedVariant = { name: spec.name, brokers: spec.brokers, brokerConfigs: spec.brokerConfigs, topic: spec.topic, workload: spec.workload, expect: spec.expect ?? {} }
  if (!spec.variants) return [base]
  return spec.variants.map((v) => ({
    name: v.name,
    brokers: spec.brokers,
    brokerConfigs: { ...spec.brokerConfigs, ...v.brokerConfigs },
    topic: { ...spec.topic, ...v.topic, configs: { ...spec.topic.configs, ...v.topic?.configs } },
    workload: { ...spec.workload, ...v.workload } as Workload,
    expect: { ...spec.expect, ...v.expect },
  }))
}

/** A fault as a run executes it: resolved times in ms, the same for both variants. */
export interface PlannedFault {
  id: number
  atMs: number
  /** When it heals, ms from the start (at most the run's end). */
  untilMs: number
  kind: FaultKind
  broker?: BrokerRef
  peer?: BrokerRef
  delayMs?: number
  count?: number
  /** kill-member: the member is restarted when the fault heals (the spec gave `for`). */
  restart?: boolean
}

/** mulberry32: the nemesis's seeded random, so a schedule repeats exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** The concrete fault schedule: the scripted list, or the nemesis's draws from its seed. */
export function planFaults(spec: ExperimentSpec): PlannedFault[] {
  const endMs = spec.duration * 1000
  const faults = spec.faults
  if (faults.type === 'none') return []
  if (faults.type === 'scripted') {
    return faults.faults
      .map((f, id) => ({ id, atMs: Math.round(f.at * 1000), untilMs: f.for === undefined ? endMs : Math.min(endMs, Math.round((f.at + f.for) * 1000)), kind: f.kind, broker: f.broker, peer: f.peer, delayMs: f.delayMs, count: f.count, ...(f.kind === 'kill-member' && f.for !== undefined ? { restart: true } : {}) }))
      .sort((a, b) => a.atMs - b.atMs)
  }
  const n = faults.nemesis
  const random = seededRandom(n.seed)
  const between = ([lo, hi]: [number, number]) => lo + (hi - lo) * random()
  const out: PlannedFault[] = []
  let t = between(n.interval) * 1000
  // A fault needs a broker no other active fault holds, so overlapping faults hit different brokers.
  while (t < endMs - 500) {
    const active = out.filter((f) => f.untilMs > t)
    if (active.length < n.maxOverlap) {
      const busy = new Set(active.flatMap((f) => [f.broker, f.peer]))
      const free = Array.from({ length: spec.brokers }, (_, i) => i + 1).filter((b) => !busy.has(b))
      if (free.length > 0) {
        const kind = n.kinds[Math.floor(random() * n.kinds.length)]
        const broker = free[Math.floor(random() * free.length)]
        const others = free.filter((b) => b !== broker)
        const link = kind === 'link-cut' || kind === 'link-slow'
        if (!link || others.length > 0) {
          const peer = link ? others[Math.floor(random() * others.length)] : undefined
          const untilMs = Math.min(endMs, Math.round(t + between(n.faultDuration) * 1000))
          out.push({ id: out.length, atMs: Math.round(t), untilMs, kind, broker, peer, delayMs: kind === 'link-slow' ? 50 + Math.floor(random() * 450) : undefined })
        }
      }
    }
    t += between(n.interval) * 1000
  }
  return out
}
