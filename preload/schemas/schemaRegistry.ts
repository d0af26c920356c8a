// The console's schema registry types (issue 17, "In the console"): subjects, versions and
// compatibility levels of the connection's registry, compatibility checks with their reasons,
// records decoded through the registry, producing with a schema, and the evolution demo.
import { z } from 'zod'
import { ProducedRecord, TopicName } from './data'

export const CompatibilityLevel = z.enum(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'])
export type CompatibilityLevel = z.infer<typeof CompatibilityLevel>
export const SchemaType = z.enum(['AVRO', 'JSON', 'PROTOBUF'])
export type SchemaType = z.infer<typeof SchemaType>

export const SubjectName = z.string().trim().min(1).max(255)
const Version = z.number().int().min(1)

export const SubjectSummary = z.object({
  subject: z.string(),
  /** Live versions, oldest first (empty when the subject is soft-deleted). */
  versions: z.array(z.number()),
  /** The subject's own level, or null when it inherits the global one. */
  level: CompatibilityLevel.nullable(),
  schemaType: SchemaType.nullable(),
  /** Soft-deleted: only a hard delete (permanent) is left. */
  softDeleted: z.boolean(),
})
export type SubjectSummary = z.infer<typeof SubjectSummary>

export const SchemaSubjects = z.object({
  /** The registry the connection talks to, or null when it names none. */
  url: z.string().nullable(),
  globalLevel: CompatibilityLevel.nullable(),
  subjects: z.array(SubjectSummary),
})
export type SchemaSubjects = z.infer<typeof SchemaSubjects>

export const SchemaVersion = z.object({ subject: z.string(), version: z.number(), id: z.number(), schemaType: SchemaType, schema: z.string() })
export type SchemaVersion = z.infer<typeof SchemaVersion>

export const SchemaDraft = z.object({ subject: SubjectName, schema: z.string().min(1), schemaType: SchemaType.default('AVRO') }).strict()
export type SchemaDraft = z.infer<typeof SchemaDraft>

export const CompatibilityCheck = z.object({
  compatible: z.boolean(),
  /** The registry's verbose messages: each broken rule. */
  messages: z.array(z.string()),
  /** The level the check used, or null for a new subject (nothing to check against). */
  level: CompatibilityLevel.nullable(),
  /** What it was checked against: "latest", or every version the level names. */
  against: z.string(),
})
export type CompatibilityCheck = z.infer<typeof CompatibilityCheck>

/** A key or value in Confluent's wire format, decoded through the registry. */
export const SchemaDecoded = z.object({
  id: z.number(),
  subject: z.string().nullable(),
  version: z.number().nullable(),
  schemaType: SchemaType.nullable(),
  /** The record as JSON text; null when it could not be decoded. */
  json: z.string().nullable(),
  /** Why it could not be decoded: an unknown schema id, an unreachable registry, bad bytes. */
  error: z.string().nullable(),
})
export type SchemaDecoded = z.infer<typeof SchemaDecoded>

export const SchemaProduceRequest = z
  .object({
    topic: TopicName,
    partition: z.number().int().nonnegative().optional(),
    key: z.string().nullable().optional(),
    subject: SubjectName,
    /** Absent: the latest version. */
    version: Version.optional(),
    /** The record as JSON text. */
    value: z.string(),
    /** Protobuf: the message's full name (e.g. acme.Order); absent, the schema's first message. */
    messageType: z.string().min(1).max(255).optional(),
    /** Validate and encode only, without producing. */
    validateOnly: z.boolean().optional(),
  })
  .strict()

export const SchemaProduceResult = z.object({
  ok: z.boolean(),
  schemaId: z.number().nullable(),
  version: z.number().nullable(),
  /** Where the value breaks the schema: a path and what is wrong. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  /** The encoded bytes (magic byte, schema id, payload) in hex, as a check. */
  encodedHex: z.string().nullable(),
  record: ProducedRecord.nullable(),
})
export type SchemaProduceResult = z.infer<typeof SchemaProduceResult>

export const EvolutionKind = z.enum(['add-with-default', 'add-without-default', 'remove-with-default', 'remove-without-default', 'change-type'])
export type EvolutionKind = z.infer<typeof EvolutionKind>

export const EvolutionDemoRequest = z.object({ evolution: EvolutionKind, level: CompatibilityLevel, topic: TopicName.optional() }).strict()

const ReadOutcome = z.object({ reader: z.enum(['v1', 'v2']), ok: z.boolean(), json: z.string().nullable(), error: z.string().nullable() })
export const EvolutionDemoResult = z.object({
  subject: z.string(),
  topic: z.string(),
  level: CompatibilityLevel,
  v1: z.string(),
  v2: z.string(),
  /** Whether v2 may follow v1 under each level, with the registry's reasons. */
  levels: z.array(z.object({ level: CompatibilityLevel, compatible: z.boolean(), messages: z.array(z.string()) })),
  /** Registering v2 under the chosen level: its id, or the registry's refusal. */
  registration: z.object({ ok: z.boolean(), id: z.number().nullable(), error: z.string().nullable() }),
  /** A producer with each version writes a record; consumers with v1 and v2 read it. */
  records: z.array(
    z.object({ writer: z.enum(['v1', 'v2']), schemaId: z.number().nullable(), partition: z.number().nullable(), offset: z.number().nullable(), produceError: z.string().nullable(), reads: z.array(ReadOutcome) }),
  ),
})
export type EvolutionDemoResult = z.infer<typeof EvolutionDemoResult>

const method = <Q extends z.ZodType, R extends z.ZodType>(request: Q, response: R) => ({ request, response })

/** The schema registry's methods (preload/contract.ts lists them with the others): over HTTP from main, to the connection's registry. */
export const SCHEMA_METHODS = {
  /** The connection's registry: its subjects with their versions and levels. */
  'schema:subjects': method(z.object({}).strict(), SchemaSubjects),
  'schema:version': method(z.object({ subject: SubjectName, version: Version }).strict(), SchemaVersion),
  /** A draft checked against the subject (/compatibility ... ?verbose=true) before it is registered. */
  'schema:check': method(SchemaDraft.extend({ version: Version.optional() }).strict(), CompatibilityCheck),
  /** Registers a version; a new subject gets `level` first. */
  'schema:register': method(SchemaDraft.extend({ level: CompatibilityLevel.optional() }).strict(), z.object({ id: z.number(), version: z.number().nullable() })),
  /** The subject's level; null removes it (the subject inherits the global level). */
  'schema:setLevel': method(z.object({ subject: SubjectName, level: CompatibilityLevel.nullable() }).strict(), z.null()),
  /** Soft delete (permanent: false) or hard delete of a version, or of the whole subject. */
  'schema:delete': method(z.object({ subject: SubjectName, version: Version.optional(), permanent: z.boolean() }).strict(), z.array(z.number())),
  /** Validates JSON against a subject's version and encodes it in Confluent's wire format; produces it unless validateOnly. */
  'schema:produce': method(SchemaProduceRequest, SchemaProduceResult),
  /** v1 and v2 of an evolution through a real topic, under each level. */
  'schema:evolutionDemo': method(EvolutionDemoRequest, EvolutionDemoResult),
} as const
