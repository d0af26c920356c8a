// The differential fixture: one reference Apache Kafka for a whole test file (it takes ~20 s
// to start) and a Brokerlab cluster per test (the tests/helpers/cluster.ts fixture), both
// with the same broker configs, and `check` to compare what each answered.
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { apiCodec, ApiKey, type ApiRequests, type ApiResponses } from '../../main/cluster/protocol/messages'
import { tempDir } from '../helpers/batches'
import type { Cluster } from '../../main/cluster/cluster'
import { useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { differences, normalize } from './compare'
import { checkId, differingPaths, knownDifferences, updatingRecord, writeResults, type CheckResult } from './checks'
import { ReferenceCluster } from './kafka/cluster'
import { runKafkaTool, type JavaRunOptions, type KafkaToolName } from './kafka/tools'
import { toolOutcome } from './toolOutput'

export type Side = 'kafka' | 'brokerlab'
/** The last Produce version that names topics by name. */
export const PRODUCE_BY_NAME = 12

export const SIDES: Side[] = ['kafka', 'brokerlab']

/** Either cluster's answer, or why there is none (an API not served, a closed connection). */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string }

export interface DifferentialOptions {
  /** Names the results file (.results/<name>.json). */
  name: string
  /** Broker configs given to both clusters. */
  configs?: Record<string, string>
}

/**
 * REFERENCE_BOOTSTRAP=host:port compares with a reference cluster already running (one that
 * `npm run kafka -- start` runs) instead of starting one, so a test can be run by hand while
 * another holds the machine's one reference cluster; REFERENCE_BROKERS (default 3) and
 * REFERENCE_CONFIGS (name=value,...) then give Brokerlab the same shape and configs.
 */
const EXTERNAL_REFERENCE = process.env.REFERENCE_BOOTSTRAP
const BROKERLAB_BROKERS = Number(process.env.REFERENCE_BROKERS ?? 3)
const EXTRA_CONFIGS: Record<string, string> = Object.fromEntries(
  (process.env.REFERENCE_CONFIGS ?? '').split(',').filter((c) => c.includes('=')).map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]),
)

export function useDifferential(options: DifferentialOptions) {
  const brokerlab = useCluster()
  const results: CheckResult[] = []
  const clients: RawClient[] = []
  let reference: ReferenceCluster | undefined
  let lab: Cluster | undefined
  let dir: ReturnType<typeof tempDir> | undefined

  beforeAll(async () => {
    if (EXTERNAL_REFERENCE) return
    dir = tempDir('brokerlab-reference-kafka-')
    reference = await ReferenceCluster.start({ dir: dir.dir, configs: options.configs })
  }, 300_000)
  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })
  afterAll(async () => {
    await reference?.stop()
    dir?.remove()
    writeResults(options.name, results)
  }, 120_000)

  return {
    /** The reference cluster this file started (not one given by REFERENCE_BOOTSTRAP), for its nodes' processes. */
    get referenceCluster(): ReferenceCluster | undefined {
      return reference
    },

    /** This test's Brokerlab cluster, once `start` has started it (for faults: pauseBroker, crashBroker...). */
    get brokerlabCluster(): Cluster {
      if (!lab) throw new Error('start() first')
      return lab
    },

    get reference(): Pick<ReferenceCluster, 'bootstrapServers' | 'clusterId'> {
      if (EXTERNAL_REFERENCE) return { bootstrapServers: EXTERNAL_REFERENCE, clusterId: '(external)' }
      if (!reference) throw new Error('the reference Kafka cluster did not start (see the beforeAll error)')
      return reference
    },

    /** Starts this test's Brokerlab cluster and returns both bootstrap lists. */
    async start(): Promise<Record<Side, string>> {
      const cluster = await brokerlab.start({ ...options.configs, ...EXTRA_CONFIGS }, BROKERLAB_BROKERS)
      lab = cluster
      return { kafka: this.reference.bootstrapServers, brokerlab: cluster.bootstrapServers }
    },

    /** Raw protocol clients to the first broker of each cluster, closed after the test. */
    async connect(bootstraps: Record<Side, string>): Promise<Record<Side, RawClient>> {
      const [kafka, lab] = await Promise.all([RawClient.connect(bootstraps.kafka), RawClient.connect(bootstraps.brokerlab)])
      clients.push(kafka, lab)
      return { kafka, brokerlab: lab }
    },

    /**
     * Sends the same request to both clusters, at the highest version that both serve and
     * our codec knows, so both get identical bytes. A side that does not serve the API gets
     * nothing and answers `{ ok: false }`. A body given as a function of the side is for
     * what differs by design (a topic id: Fetch from v13 names topics by id).
     */
    async requestBoth<K extends keyof ApiRequests & keyof ApiResponses>(
      to: Record<Side, RawClient>,
      apiKey: K,
      body: ApiRequests[K] | ((side: Side) => ApiRequests[K]),
      /** The newest version to use: e.g. a Produce that names topics by name stops at v12 (v13 names them by id, which differ between the clusters). */
      maxVersion = Infinity,
    ): Promise<{ version: number; answers: Record<Side, Answer<ApiResponses[K]>> }> {
      const ranges = await Promise.all(SIDES.map((side) => servedRange(to[side], apiKey)))
      const version = Math.min(maxVersion, apiCodec(apiKey).validVersions.max, ...ranges.map((r) => r?.maxVersion ?? Infinity))
      const answers = {} as Record<Side, Answer<ApiResponses[K]>>
      await Promise.all(
        SIDES.map(async (side, i) => {
          if (!ranges[i]) answers[side] = { ok: false, error: `${apiCodec(apiKey).name} not served` }
          else answers[side] = await to[side].request(apiKey, version, typeof body === 'function' ? body(side) : body).then((value) => ({ ok: true as const, value }), (err: Error) => ({ ok: false as const, error: err.message }))
        }),
      )
      return { version, answers }
    },

    /**
     * Runs one of Kafka's tools with the same arguments against both clusters (one after the
     * other: 2 cores) and compares their outcomes, stdout parsed by `parse`. `options.input`
     * is the tool's stdin (kafka-console-producer's lines).
     */
    /** Runs a tool against both clusters and compares what each printed; returns both outcomes, for what the reference itself must show. */
    async compareTool<T>(bootstraps: Record<Side, string>, tool: KafkaToolName, check: string, args: string[], parse: (stdout: string) => T, options?: JavaRunOptions): Promise<Record<Side, ReturnType<typeof toolOutcome<T>>>> {
      const outcomes = {} as Record<Side, ReturnType<typeof toolOutcome<T>>>
      for (const side of SIDES) outcomes[side] = toolOutcome(await runKafkaTool(tool, ['--bootstrap-server', bootstraps[side], ...args], options), parse)
      this.check(tool, check, `${tool} ${args.join(' ')}`, outcomes.kafka, outcomes.brokerlab)
      return outcomes
    },

    /**
     * Compares two answers after masking the allowed differences, records the check, and
     * fails unless its differences are exactly the known ones.
     */
    check(scenario: string, check: string, request: string, kafka: unknown, lab: unknown): CheckResult {
      const result: CheckResult = { scenario, check, request, differences: differences(normalize(kafka), normalize(lab)) }
      results.push(result)
      if (!updatingRecord) {
        const known = knownDifferences()[checkId(result)] ?? []
        expect.soft(differingPaths(result), `${checkId(result)}: differences other than the known ones (regenerate with npm run compatibility once understood)\n${JSON.stringify(result.differences, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}`).toEqual(known)
      }
      return result
    },
  }
}

const served = new WeakMap<RawClient, Promise<Map<number, { minVersion: number; maxVersion: number }>>>()

/** The version range a broker serves for an API (from its ApiVersions), or undefined. */
async function servedRange(client: RawClient, apiKey: number) {
  if (!served.has(client)) {
    served.set(
      client,
      client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'brokerlab-reference', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 }).then((r) => new Map(r.apiKeys.map((k) => [k.apiKey, k]))),
    )
  }
  return (await served.get(client)!).get(apiKey)
}

/** The value of an answer, or its error as the value to compare. */
export function answered<T>(answer: Answer<T>): T | { error: string } {
  return answer.ok ? answer.value : { error: answer.error }
}
