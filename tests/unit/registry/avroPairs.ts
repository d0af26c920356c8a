// Pairs of Avro schemas (an old and a new version) and what Avro's schema resolution
// (the specification's "Schema Resolution") says of them: can the new schema read old data
// (backward), can the old schema read new data (forward). docs/schema-registry.md shows the table.

const record = (fields: object[], extra: object = {}) => JSON.stringify({ type: 'record', name: 'User', namespace: 'com.acme', fields, ...extra })
const id = { name: 'id', type: 'long' }
const field = (name: string, type: unknown, extra: object = {}) => ({ name, type, ...extra })
const color = (symbols: string[], extra: object = {}) => ({ type: 'enum', name: 'Color', symbols, ...extra })
const address = (fields: object[]) => ({ type: 'record', name: 'Address', fields })

export interface AvroPair {
  change: string
  old: string
  new: string
  /** New readers read old data. */
  backward: boolean
  /** Old readers read new data. */
  forward: boolean
  /** A word each message must contain (the field or symbol it names). */
  names: string
  why: string
}

export const AVRO_PAIRS: AvroPair[] = [
  { change: 'field added with a default', old: record([id]), new: record([id, field('email', ['null', 'string'], { default: null })]), backward: true, forward: true, names: 'email', why: 'new readers fill in the default; old readers ignore the new field' },
  { change: 'field added without a default', old: record([id]), new: record([id, field('email', 'string')]), backward: false, forward: true, names: 'email', why: 'new readers find no value and no default in old data' },
  { change: 'field removed that had a default', old: record([id, field('email', 'string', { default: '' })]), new: record([id]), backward: true, forward: true, names: 'email', why: 'old readers use their default' },
  { change: 'field removed without a default', old: record([id, field('email', 'string')]), new: record([id]), backward: true, forward: false, names: 'email', why: 'old readers need a value new data lacks' },
  { change: 'int promoted to long', old: record([field('n', 'int')]), new: record([field('n', 'long')]), backward: true, forward: false, names: 'n', why: 'int promotes to long; long does not narrow to int' },
  { change: 'long narrowed to int', old: record([field('n', 'long')]), new: record([field('n', 'int')]), backward: false, forward: true, names: 'n', why: 'long cannot be read as int' },
  { change: 'int promoted to float', old: record([field('n', 'int')]), new: record([field('n', 'float')]), backward: true, forward: false, names: 'n', why: 'int promotes to float' },
  { change: 'int promoted to double', old: record([field('n', 'int')]), new: record([field('n', 'double')]), backward: true, forward: false, names: 'n', why: 'int promotes to double' },
  { change: 'long promoted to float', old: record([field('n', 'long')]), new: record([field('n', 'float')]), backward: true, forward: false, names: 'n', why: 'long promotes to float' },
  { change: 'long promoted to double', old: record([field('n', 'long')]), new: record([field('n', 'double')]), backward: true, forward: false, names: 'n', why: 'long promotes to double' },
  { change: 'float promoted to double', old: record([field('n', 'float')]), new: record([field('n', 'double')]), backward: true, forward: false, names: 'n', why: 'float promotes to double; double does not narrow' },
  { change: 'string to bytes', old: record([field('s', 'string')]), new: record([field('s', 'bytes')]), backward: true, forward: true, names: 's', why: 'string and bytes promote to each other' },
  { change: 'bytes to string', old: record([field('s', 'bytes')]), new: record([field('s', 'string')]), backward: true, forward: true, names: 's', why: 'string and bytes promote to each other' },
  { change: 'string to int', old: record([field('s', 'string')]), new: record([field('s', 'int')]), backward: false, forward: false, names: 's', why: 'no promotion between string and int' },
  { change: 'enum symbol added, no enum default', old: record([field('c', color(['RED', 'GREEN']))]), new: record([field('c', color(['RED', 'GREEN', 'BLUE']))]), backward: true, forward: false, names: 'BLUE', why: 'old readers meet a symbol they do not have' },
  { change: 'enum symbol removed, no enum default', old: record([field('c', color(['RED', 'GREEN', 'BLUE']))]), new: record([field('c', color(['RED', 'GREEN']))]), backward: false, forward: true, names: 'BLUE', why: 'new readers meet a symbol they do not have' },
  { change: 'enum symbol added, enum defaults', old: record([field('c', color(['UNKNOWN', 'RED'], { default: 'UNKNOWN' }))]), new: record([field('c', color(['UNKNOWN', 'RED', 'BLUE'], { default: 'UNKNOWN' }))]), backward: true, forward: true, names: 'BLUE', why: 'old readers read an unknown symbol as their enum default' },
  { change: 'enum symbol removed, enum defaults', old: record([field('c', color(['UNKNOWN', 'RED', 'BLUE'], { default: 'UNKNOWN' }))]), new: record([field('c', color(['UNKNOWN', 'RED'], { default: 'UNKNOWN' }))]), backward: true, forward: true, names: 'BLUE', why: 'new readers read the removed symbol as their enum default' },
  { change: 'union branch added', old: record([field('u', ['null', 'string'])]), new: record([field('u', ['null', 'string', 'int'])]), backward: true, forward: false, names: 'u', why: 'old readers have no branch for int' },
  { change: 'union branch removed', old: record([field('u', ['null', 'string', 'int'])]), new: record([field('u', ['null', 'string'])]), backward: false, forward: true, names: 'u', why: 'new readers have no branch for old ints' },
  { change: 'type widened to a union', old: record([field('u', 'string')]), new: record([field('u', ['null', 'string'], { default: null })]), backward: true, forward: false, names: 'u', why: 'the union reads a string; a string reader cannot read null' },
  { change: 'field renamed, alias on the new name', old: record([id, field('name', 'string')]), new: record([id, field('fullName', 'string', { aliases: ['name'] })]), backward: true, forward: false, names: 'name', why: 'the new reader maps the alias; the old reader has no alias for fullName' },
  { change: 'record renamed, alias on the new name', old: record([id]), new: JSON.stringify({ type: 'record', name: 'Person', namespace: 'com.acme', aliases: ['com.acme.User'], fields: [id] }), backward: true, forward: false, names: 'schema', why: 'names must match or the reader must alias the writer' },
  { change: 'nested record: field added without a default', old: record([field('address', address([field('city', 'string')]))]), new: record([field('address', address([field('city', 'string'), field('zip', 'string')]))]), backward: false, forward: true, names: 'address.zip', why: 'the nested record resolves field by field' },
  { change: 'nested record: field added with a default', old: record([field('address', address([field('city', 'string')]))]), new: record([field('address', address([field('city', 'string'), field('zip', 'string', { default: '' })]))]), backward: true, forward: true, names: 'address.zip', why: 'the nested record resolves field by field' },
  { change: 'array items int to long', old: record([field('xs', { type: 'array', items: 'int' })]), new: record([field('xs', { type: 'array', items: 'long' })]), backward: true, forward: false, names: 'xs[]', why: 'arrays resolve their items' },
  { change: 'array items long to int', old: record([field('xs', { type: 'array', items: 'long' })]), new: record([field('xs', { type: 'array', items: 'int' })]), backward: false, forward: true, names: 'xs[]', why: 'arrays resolve their items' },
  { change: 'map values long to int', old: record([field('m', { type: 'map', values: 'long' })]), new: record([field('m', { type: 'map', values: 'int' })]), backward: false, forward: true, names: 'm{}', why: 'maps resolve their values' },
  { change: 'map values float to double', old: record([field('m', { type: 'map', values: 'float' })]), new: record([field('m', { type: 'map', values: 'double' })]), backward: true, forward: false, names: 'm{}', why: 'maps resolve their values' },
  { change: 'array became a map', old: record([field('xs', { type: 'array', items: 'int' })]), new: record([field('xs', { type: 'map', values: 'int' })]), backward: false, forward: false, names: 'xs', why: 'an array and a map do not resolve' },
  { change: 'fixed size changed', old: record([field('f', { type: 'fixed', name: 'Hash', size: 16 })]), new: record([field('f', { type: 'fixed', name: 'Hash', size: 32 })]), backward: false, forward: false, names: 'f', why: 'fixed types must have the same size' },
]
