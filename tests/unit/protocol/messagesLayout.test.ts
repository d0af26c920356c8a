// Flexible versions byte by byte, as the Kafka protocol guide and KIP-482 lay them out: compact
// strings, bytes and arrays carry an unsigned varint of length + 1 (0 is null); every struct
// ends with a tagged-field section (a count, then tag, size and data per field, in tag order);
// request header v2 adds that section but keeps ClientId a classic int16-length string.
import { describe, expect, it } from 'vitest'
import {
  ApiKey,
  type ApiVersionsResponse,
  type MetadataResponse,
  ZERO_UUID,
  apiCodec,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../../main/cluster/protocol/messages'

/** Hex bytes, with `#` comments to the end of the line. */
const hex = (s: string) => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex')
const ascii = (s: string) => Buffer.from(s).toString('hex')

describe('header versions', () => {
  it('follow the flexible versions, except ApiVersions responses (always v0)', () => {
    const apiVersions = apiCodec(ApiKey.ApiVersions)
    expect([0, 1, 2, 3, 4, 9].map((v) => apiVersions.requestHeaderVersion(v))).toEqual([1, 1, 1, 2, 2, 2])
    expect([0, 3, 4].map((v) => apiVersions.responseHeaderVersion(v))).toEqual([0, 0, 0])
    const metadata = apiCodec(ApiKey.Metadata)
    expect([8, 9, 12].map((v) => metadata.requestHeaderVersion(v))).toEqual([1, 2, 2])
    expect([8, 9, 12].map((v) => metadata.responseHeaderVersion(v))).toEqual([0, 1, 1])
    // SaslHandshake has no flexible version.
    expect(apiCodec(ApiKey.SaslHandshake).requestHeaderVersion(1)).toBe(1)
    expect(apiCodec(ApiKey.SaslHandshake).flexibleVersions).toBeNull()
  })
})

describe('ApiVersions v3', () => {
  const request = hex(`
    00000019                       # size
    0012 0003 00000007             # api key 18, version 3, correlation id 7
    0004 ${ascii('kcat')}          # client id: a classic string even in header v2
    00                             # header tagged fields: none
    05 ${ascii('kcat')}            # ClientSoftwareName: compact, length 4 + 1
    04 ${ascii('1.7')}             # ClientSoftwareVersion
    00                             # tagged fields: none`)

  it('request, header v2', () => {
    const body = { clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7', clusterId: null, nodeId: -1 }
    expect(encodeRequest(ApiKey.ApiVersions, 3, 7, 'kcat', body)).toEqual(request)
    const frame = request.subarray(4)
    const header = decodeRequestHeader(frame)
    expect(header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'kcat', headerVersion: 2, headerSize: 15 })
    expect(decodeRequest(ApiKey.ApiVersions, 3, frame, header.headerSize)).toEqual(body)
  })

  it('skips tagged fields it does not know, in the header and the body', () => {
    const frame = hex(`
      0012 0003 00000007 0004 ${ascii('kcat')}
      01 09 02 abcd                  # header: one tagged field, tag 9, 2 bytes
      05 ${ascii('kcat')} 04 ${ascii('1.7')}
      02 07 03 010203 1f 00          # body: tag 7 (3 bytes) and tag 31 (empty)`)
    const header = decodeRequestHeader(frame)
    expect(header.headerSize).toBe(19)
    expect(decodeRequest(ApiKey.ApiVersions, 3, frame, header.headerSize)).toEqual({ clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7', clusterId: null, nodeId: -1 })
  })

  it('response: header v0, then tagged fields in tag order, defaults left out', () => {
    const body: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: 5n,
      finalizedFeatures: [],
      zkMigrationReady: true,
    }
    const expected = hex(`
      00000020                     # size
      00000007                     # correlation id; no tagged fields: header v0
      0000                         # error code
      02 0012 0000 0004 00         # api keys: compact array of 1, each entry with its tagged fields
      00000000                     # throttle time
      02                           # two tagged fields (SupportedFeatures, tag 0, is empty: left out)
      01 08 0000000000000005       # tag 1 FinalizedFeaturesEpoch, 8 bytes
      03 01 01                     # tag 3 ZkMigrationReady`)
    expect(encodeResponse(ApiKey.ApiVersions, 3, 7, body)).toEqual(expected)
    expect(decodeResponse(ApiKey.ApiVersions, 3, expected.subarray(4))).toEqual({ correlationId: 7, body })
  })
})

describe('Metadata v9 response', () => {
  const body: MetadataResponse = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'c1',
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 't',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        topicAuthorizedOperations: -2147483648,
      },
    ],
    clusterAuthorizedOperations: -2147483648,
    errorCode: 0,
  }
  const expected = hex(`
    00000007 00                        # correlation id, header v1's tagged fields
    00000000                           # throttle time
    02 00000001 0a ${ascii('localhost')} 00002384 00 00
                                     # brokers: 1 of them; rack null is 00
    03 ${ascii('c1')}                  # cluster id
    00000001                           # controller id
    02 0000 02 ${ascii('t')} 00        # topics: error code, name, is internal (no topic id before v10)
      02 0000 00000000 00000001 00000000 02 00000001 02 00000001 01 00
                                     # partitions: replicas [1], isr [1], offline [] (01)
      80000000 00                      # topic authorized operations; tagged fields
    80000000 00                        # cluster authorized operations; tagged fields`)

  it('encodes as the protocol guide lays it out', () => {
    const frame = encodeResponse(ApiKey.Metadata, 9, 7, body)
    expect(frame.subarray(4)).toEqual(expected)
    expect(decodeResponse(ApiKey.Metadata, 9, expected)).toEqual({ correlationId: 7, body })
  })
})

describe('Produce v9 request', () => {
  it('carries records as compact bytes and a null transactional id as 00', () => {
    const records = Buffer.alloc(3000, 0xab)
    const frame = encodeRequest(ApiKey.Produce, 9, 1, null, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
    })
    expect(frame.subarray(4, 15)).toEqual(hex('0000 0009 00000001 ffff 00'))
    const body = frame.subarray(15)
    expect(body.subarray(0, 17)).toEqual(hex(`00 ffff 000003e8 02 02 ${ascii('t')} 02 00000000 b917`))
    // 3000 + 1 as an unsigned varint is b9 17; then the bytes, copied once.
    expect(body.subarray(17, 17 + 3000)).toEqual(records)
    expect(body.subarray(17 + 3000)).toEqual(hex('00 00 00'))
    const decoded = decodeRequest(ApiKey.Produce, 9, frame.subarray(4), 11)
    expect(decoded.topicData[0].partitionData[0].records).toEqual(records)
  })
})
