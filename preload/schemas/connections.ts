// A connection to a Kafka cluster, as an operator describes one: Kafka's client settings
// (bootstrap.servers, security.protocol, sasl.mechanism, ssl.*), defined once as schemas.
import { z } from 'zod'

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9._-]+):(\d{1,5})$/

/** bootstrap.servers: "host:port,host:port", as Kafka's clients take it. */
export const BootstrapServers = z
  .string()
  .trim()
  .min(1, 'give at least one host:port')
  .superRefine((list, ctx) => {
    for (const entry of list.split(',').map((e) => e.trim())) {
      const match = HOST_PORT.exec(entry)
      const port = Number(match?.[2])
      if (!match || port < 1 || port > 65535) ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port (a port from 1 to 65535)` })
    }
  })

export const SecurityProtocol = z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'])
export type SecurityProtocol = z.infer<typeof SecurityProtocol>

export const SaslSettings = z
  .object({
    mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
    username: z.string().min(1),
    password: z.string(),
  })
  .strict()

/** PEM text, as Kafka's ssl.truststore.certificates / ssl.keystore.certificate.chain and key take it. */
export const TlsSettings = z
  .object({
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    /** ssl.endpoint.identification.algorithm=https (Kafka's default) or empty. */
    checkHostname: z.boolean().default(true),
  })
  .strict()
  .refine((t) => !t.cert === !t.key, { message: 'a client certificate needs its key, and a key its certificate', path: ['cert'] })

export const ConnectionSettings = z
  .object({
    bootstrap: BootstrapServers,
    securityProtocol: SecurityProtocol.default('PLAINTEXT'),
    sasl: SaslSettings.optional(),
    tls: TlsSettings.optional(),
    clientId: z.string().min(1).max(255).default('brokerlab'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** schema.registry.url: the cluster's Confluent-compatible schema registry, if it has one. */
    schemaRegistryUrl: z.url({ protocol: /^https?$/, error: 'give the registry as an http:// or https:// URL' }).optional(),
  })
  .strict()
  .refine((c) => !c.securityProtocol.startsWith('SASL_') || c.sasl, { message: 'SASL_PLAINTEXT and SASL_SSL need a mechanism, username and password', path: ['sasl'] })
  .refine((c) => c.securityProtocol.startsWith('SASL_') || !c.sasl, { message: 'SASL settings need security protocol SASL_PLAINTEXT or SASL_SSL', path: ['sasl'] })
export type ConnectionSettings = z.infer<typeof ConnectionSettings>

/** What "Test connection" found: the cluster, or the first step that failed and why. */
export const ConnectionTestResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    ms: z.number(),
    /** How many APIs ApiVersions listed. */
    apis: z.number().int(),
    clusterId: z.string().nullable(),
    controllerId: z.number().int(),
    brokers: z.array(z.object({ nodeId: z.number().int(), host: z.string(), port: z.number().int() })),
  }),
  z.object({
    ok: z.literal(false),
    ms: z.number(),
    /** The request that failed: ApiVersions first, then Metadata, as a Kafka client starts. */
    step: z.enum(['ApiVersions', 'Metadata']),
    failure: z.enum(['unreachable', 'not-kafka', 'tls', 'authentication', 'timeout', 'error']),
    message: z.string(),
  }),
])
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>

/** A saved connection's name, as the header's picker shows it. */
export const ConnectionName = z.string().trim().min(1).max(64)

/** A saved connection as the console shows it: its settings without the secrets, which are never sent back. */
export const ConnectionProfile = z.object({
  name: z.string(),
  bootstrap: z.string(),
  securityProtocol: SecurityProtocol,
  sasl: z.object({ mechanism: SaslSettings.shape.mechanism, username: z.string(), hasPassword: z.boolean() }).optional(),
  tls: z.object({ ca: z.string().optional(), cert: z.string().optional(), hasKey: z.boolean(), checkHostname: z.boolean() }).optional(),
  clientId: z.string(),
  timeoutMs: z.number().int(),
  schemaRegistryUrl: z.string().optional(),
})
export type ConnectionProfile = z.infer<typeof ConnectionProfile>

/** A connection as the header's picker shows it: the embedded cluster ("local") or a saved one, and how it is doing. */
export const ConnectionStatus = z.object({
  name: z.string(),
  /** True for the embedded cluster, whose lab (faults, replica internals, events, demo clients) the console also has. */
  lab: z.boolean(),
  bootstrap: z.string(),
  /** idle: not opened yet; connected: its latest call reached the cluster; disconnected: its latest call could not. */
  state: z.enum(['idle', 'connected', 'disconnected']),
  /** Why it is disconnected, in the client's words; null otherwise. */
  error: z.string().nullable(),
  /** The schema registry the connection names (the embedded one for "local"), if any. */
  schemaRegistryUrl: z.string().nullable().optional(),
})
export type ConnectionStatus = z.infer<typeof ConnectionStatus>
