import type { SchemaType } from '../records'
import { avroFormat } from './avro'
import { jsonSchemaFormat } from './jsonSchema'
import { protobufFormat } from './protobuf'
import type { SchemaFormat } from './types'

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO']

export const FORMATS: Record<SchemaType, SchemaFormat> = { AVRO: avroFormat, JSON: jsonSchemaFormat, PROTOBUF: protobufFormat }
