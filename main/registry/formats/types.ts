// What the registry needs of a schema format (Avro, JSON Schema, Protobuf).
import type { SchemaReference, SchemaType } from '../records'

/** A reference with the referenced schema, its own references resolved depth first. */
export interface ResolvedReference extends SchemaReference {
  schemaType: SchemaType
  schema: string
  references: ResolvedReference[]
}

/** Which side reads: BACKWARD checks the new schema reading the old one's data, FORWARD the other way round. */
export type Direction = 'backward' | 'forward'

export interface ParsedSchema {
  readonly schemaType: SchemaType
  /** The text the registry stores and serves (compact JSON for Avro and JSON Schema, the text as given for Protobuf). */
  readonly canonical: string
  /** The text with `normalize=true`: Avro's fully-qualified form with attributes, sorted keys for JSON Schema. */
  normalized(): string
  /**
   * What stops `this` (the reader) from reading data written with `writer`, each naming the
   * field and the rule, worded for `direction` (without the level: the caller adds it).
   */
  readProblems(writer: ParsedSchema, direction: Direction): string[]
}

export interface SchemaFormat {
  readonly schemaType: SchemaType
  /** Throws an Error whose message says what is invalid. */
  parse(schema: string, references: ResolvedReference[]): ParsedSchema
}

/** Every reference below `references`, dependencies first, each once. */
export function flattenReferences(references: ResolvedReference[]): ResolvedReference[] {
  const out: ResolvedReference[] = []
  const seen = new Set<string>()
  const visit = (refs: ResolvedReference[]) => {
    for (const ref of refs) {
      const key = `${ref.subject}\u0000${ref.version}`
      if (seen.has(key)) continue
      seen.add(key)
      visit(ref.references)
      out.push(ref)
    }
  }
  visit(references)
  return out
}

/** The sides' words for a message: who reads and whose data. */
export function sides(direction: Direction) {
  return direction === 'backward'
    ? { reader: 'new', writer: 'old', consequence: 'readers of the new schema cannot read old data' }
    : { reader: 'old', writer: 'new', consequence: 'readers of the old schema cannot read new data' }
}
