// Turns a valid request frame into a malformed (or still valid) one, in the ways a broken or
// hostile client does: flipped bytes, truncated bodies and headers, size prefixes that lie,
// unknown versions and API keys, bad tagged fields in a flexible header or body, noise.
import { SERVED_APIS } from '../../../main/cluster/net/kafkaApis'
import type { Random } from '../random'
import type { SeedRequest } from './requests'

export const MUTATIONS = [
  'valid',
  'flip',
  'truncate',
  'truncated-header',
  'size-longer',
  'size-shorter',
  'unknown-version',
  'unknown-api',
  'bad-header-tags',
  'bad-body-tags',
  'random',
] as const
export type Mutation = (typeof MUTATIONS)[number]

/** Tagged-field sections that are wrong: too many tags, a size beyond the frame, tags out of order, an overlong varint, a short field. */
const BAD_TAGS = [
  [0x05],
  [0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f],
  [0x02, 0x01, 0x00, 0x00, 0x00],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0x01, 0x00, 0x03, 0x61],
  [0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00],
].map((bytes) => Buffer.from(bytes))

const UNSERVED_KEYS = [4, 5, 6, 7, 17, 24, 36, 50, 68, 99, 1000, 0x7fff, -1]

/** A frame with its size prefix set to what follows. */
function framed(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length)
  out.writeInt32BE(body.length, 0)
  body.copy(out, 4)
  return out
}

export function mutate(seed: SeedRequest, rnd: Random): { frame: Buffer; mutation: Mutation } {
  const mutation = rnd.pick(MUTATIONS)
  return { frame: apply(mutation, seed, rnd), mutation }
}

function apply(mutation: Mutation, seed: SeedRequest, rnd: Random): Buffer {
  const { frame } = seed
  const body = frame.subarray(4)
  switch (mutation) {
    case 'valid':
      return frame
    case 'flip': {
      const out = Buffer.from(frame)
      for (let i = 1 + rnd.int(4); i > 0; i--) out[4 + rnd.int(body.length)] ^= 1 + rnd.int(255)
      return out
    }
    case 'truncate':
      return framed(body.subarray(0, rnd.int(body.length)))
    case 'truncated-header':
      // Cut within the API key, version, correlation id or client id.
      return framed(body.subarray(0, rnd.int(Math.min(body.length, 14))))
    case 'size-longer': {
      // Claims more than is sent: the next frames on the connection are swallowed as its body.
      const out = Buffer.from(frame)
      out.writeInt32BE(body.length + 1 + rnd.int(rnd() < 0.9 ? 200 : 200_000_000), 0)
      return out
    }
    case 'size-shorter': {
      // Claims less: what is left over is read as the next frame's size prefix.
      const out = Buffer.from(frame)
      out.writeInt32BE(rnd.int(body.length), 0)
      return out
    }
    case 'unknown-version': {
      const out = Buffer.from(frame)
      const served = SERVED_APIS.get(seed.apiKey)!
      out.writeInt16BE(rnd.pick([served.maxVersion + 1, served.maxVersion + 1 + rnd.int(50), 0x7fff, -1, -32768, Math.max(0, served.minVersion - 1)]), 6)
      return out
    }
    case 'unknown-api': {
      const out = Buffer.from(frame)
      out.writeInt16BE(rnd.pick(UNSERVED_KEYS), 4)
      return out
    }
    case 'bad-header-tags': {
      if (seed.headerTagsAt < 0) return apply('flip', seed, rnd)
      return framed(Buffer.concat([frame.subarray(4, seed.headerTagsAt), rnd.pick(BAD_TAGS), frame.subarray(seed.headerTagsAt + 1)]))
    }
    case 'bad-body-tags': {
      // A flexible body ends with its top-level tagged fields (an empty section: one 0 byte).
      if (seed.headerTagsAt < 0) return apply('truncate', seed, rnd)
      return framed(Buffer.concat([body.subarray(0, body.length - 1), rnd.pick(BAD_TAGS)]))
    }
    case 'random':
      return framed(rnd.bytes(rnd.int(200)))
  }
}
