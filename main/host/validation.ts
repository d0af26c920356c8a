// Every contract request is checked where it enters main, with a schema per method: a wrong
// type, a missing field or an unknown method gets an error naming the field, never a crash.
import { z } from 'zod'
import type { ContractError, MethodName } from '../../preload/contract'

const brokerId = z.object({ brokerId: z.number().int().positive() }).strict()
const empty = z.object({}).strict()
const topicName = z.string().min(1).max(249)
const fault = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('ok') }).strict(),
  z.object({ mode: z.literal('cut') }).strict(),
  z.object({ mode: z.literal('slow'), delayMs: z.number().int().min(1).max(60_000) }).strict(),
])
const resetTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }).strict(),
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().nonnegative() }).strict(),
  z.object({ kind: z.literal('offset'), offset: z.number().int().nonnegative() }).strict(),
  z.object({ kind: z.literal('shift'), by: z.number().int() }).strict(),
])

const runMember = z.object({ runId: z.string().min(1).max(64), member: z.number().int().nonnegative().max(63) }).strict()

export const REQUEST_SCHEMAS: Record<MethodName, z.ZodType> = {
  'app:info': empty,
  'cluster:snapshot': empty,
  'topic:create': z
    .object({
      name: topicName,
      partitions: z.number().int().min(1).max(10_000).optional(),
      replicationFactor: z.number().int().min(1).max(32).optional(),
      configs: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  'topic:describe': z.object({ name: topicName }).strict(),
  'topic:delete': z.object({ name: topicName }).strict(),
  'topic:addPartitions': z.object({ name: topicName, count: z.number().int().min(1).max(10_000) }).strict(),
  'topic:reassign': z
    .object({
      name: topicName,
      partitions: z
        .array(z.object({ partition: z.number().int().nonnegative(), replicas: z.array(z.number().int().positive()).min(1).max(32).nullable() }).strict())
        .min(1)
        .max(10_000),
    })
    .strict(),
  'config:alter': z
    .object({ topic: topicName.optional(), broker: z.union([z.number().int().positive(), z.literal('')]).optional(), configs: z.record(z.string(), z.string().nullable()), validateOnly: z.boolean().optional() })
    .strict()
    .refine((r) => (r.topic === undefined) !== (r.broker === undefined), { message: 'name exactly one of topic or broker', path: ['topic'] }),
  'broker:stop': brokerId,
  'broker:crash': brokerId,
  'broker:restart': brokerId,
  'broker:pause': brokerId,
  'broker:resume': brokerId,
  'link:setFault': z.object({ a: z.number().int().positive(), b: z.union([z.number().int().positive(), z.literal('controller')]), fault }).strict(),
  'link:healAll': empty,
  'message:produce': z
    .object({
      topic: topicName,
      partition: z.number().int().nonnegative().optional(),
      key: z.string().nullable().optional(),
      value: z.string().nullable(),
      headers: z.record(z.string(), z.string()).optional(),
      acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).optional(),
      idempotent: z.boolean().optional(),
    })
    .strict()
    // The Java producer's ConfigException for enable.idempotence=true with acks other than all.
    .refine((r) => !r.idempotent || (r.acks ?? -1) === -1, {
      message: 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
      path: ['acks'],
    }),
  'group:list': empty,
  'group:lagHistory': z.object({ groupId: z.string().min(1) }).strict(),
  'group:resetOffsets': z
    .object({ groupId: z.string().min(1), topic: topicName, target: resetTarget, partitions: z.array(z.number().int().nonnegative()).optional(), dryRun: z.boolean().optional() })
    .strict(),
  'group:delete': z.object({ groupId: z.string().min(1) }).strict(),
  'events:recent': z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
  'config:describeTopic': z.object({ name: topicName }).strict(),
  'config:describeBroker': z.object({ brokerId: z.union([z.number().int().positive(), z.literal('')]) }).strict(),
  'message:browse': z
    .object({
      topic: topicName,
      partition: z.number().int().nonnegative().optional(),
      from: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('earliest') }).strict(),
        z.object({ kind: z.literal('latest') }).strict(),
        z.object({ kind: z.literal('offset'), offset: z.number().int().nonnegative() }).strict(),
        z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().nonnegative() }).strict(),
      ]),
      limit: z.number().int().min(1).max(1000),
    })
    .strict(),
  'demo:startConsumers': z
    .object({
      groupId: z.string().min(1).max(249),
      topic: topicName,
      members: z.number().int().min(1).max(8),
      processingDelayMs: z.number().int().min(0).max(10_000),
      commitMode: z.enum(['auto', 'after-processing', 'before-processing']),
      // The coordinator still holds it to group.min/max.session.timeout.ms, as Kafka does.
      sessionTimeoutMs: z.number().int().min(1000).max(300_000).optional(),
    })
    .strict(),
  'demo:consumerRuns': empty,
  'demo:killMember': runMember,
  'demo:restartMember': runMember,
  'demo:stopConsumers': z.object({ runId: z.string().min(1).max(64) }).strict(),
  'demo:startProducer': z
    .object({
      topic: topicName,
      ratePerSec: z.number().int().min(1).max(20_000),
      messageBytes: z.number().int().min(0).max(1_000_000),
      keyCardinality: z.number().int().min(1).max(1_000_000).nullable(),
      acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
      idempotent: z.boolean(),
    })
    .strict()
    // enable.idempotence requires acks=all, as in Kafka's producer.
    .refine((r) => !r.idempotent || r.acks === -1, { message: 'an idempotent producer needs acks=all (-1)', path: ['acks'] }),
  'demo:producers': empty,
  'demo:stopProducer': z.object({ producerId: z.string().min(1).max(64) }).strict(),
}

export class ContractValidationError extends Error {
  constructor(readonly detail: ContractError) {
    super(detail.message)
    this.name = 'ContractValidationError'
  }
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(REQUEST_SCHEMAS, name)
}

/** The request, checked: throws a ContractValidationError that names the method and the field. */
export function validateRequest(method: unknown, request: unknown): { method: MethodName; request: unknown } {
  if (!isMethodName(method)) throw new ContractValidationError({ kind: 'unknown-method', message: `Unknown method ${JSON.stringify(method)}` })
  const parsed = REQUEST_SCHEMAS[method].safeParse(request ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.join('.') || undefined
    throw new ContractValidationError({ kind: 'invalid-request', message: `${method}: ${field ? `${field}: ` : ''}${issue.message}`, field })
  }
  return { method, request: parsed.data }
}
