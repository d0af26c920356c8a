// Sends mutated frames at one broker's Kafka listener as many misbehaving clients would:
// several frames pipelined on each connection, written in pieces, and each connection ended
// one of four ways (answers read until the broker closes or goes quiet, closed with the
// answers unread, reset, or cut in the middle of a frame). Deterministic for a seed.
import type { Socket } from 'node:net'
import type { Random } from '../random'
import { seededRandom } from '../random'
import { openSocket } from '../socket'
import { MUTATIONS, mutate, type Mutation } from './mutate'
import type { SeedRequest } from './requests'

export const ENDINGS = ['read', 'unread', 'reset', 'mid-frame'] as const
export type Ending = (typeof ENDINGS)[number]

export interface FuzzOptions {
  /** host:port of the broker's listener. */
  address: string
  seeds: SeedRequest[]
  frames: number
  seed: number
  /** Connections open at once (default 32). */
  concurrency?: number
  /** At most this many frames per connection (default 8). */
  maxPipelined?: number
  /** A connection whose answers are read is ended after this long without data (default 50 ms). */
  quietMs?: number
}

export interface FuzzStats {
  frames: number
  connections: number
  bytes: number
  /** Of the connections whose answers were read ('read'), those the broker closed (a malformed frame). */
  closedByBroker: number
  endings: Record<Ending, number>
  mutations: Record<Mutation, number>
  durationMs: number
}

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

export async function fuzzListener(options: FuzzOptions): Promise<FuzzStats> {
  const rnd = seededRandom(options.seed)
  const stats: FuzzStats = { frames: 0, connections: 0, bytes: 0, closedByBroker: 0, endings: zeroes(ENDINGS), mutations: zeroes(MUTATIONS), durationMs: 0 }
  const started = Date.now()
  const maxPipelined = options.maxPipelined ?? 8
  // Each lane runs one connection after another; the plan of each connection is drawn up
  // front from the one generator, so the run does not depend on socket timing.
  const lane = async () => {
    while (stats.frames < options.frames) {
      const count = Math.min(1 + rnd.int(maxPipelined), options.frames - stats.frames)
      const frames = Array.from({ length: count }, () => {
        const { frame, mutation } = mutate(rnd.pick(options.seeds), rnd)
        stats.mutations[mutation]++
        return frame
      })
      stats.frames += count
      await connection(options.address, Buffer.concat(frames), rnd.pick(ENDINGS), rnd, options.quietMs ?? 50, stats)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, lane))
  stats.durationMs = Date.now() - started
  return stats
}

async function connection(address: string, bytes: Buffer, ending: Ending, rnd: Random, quietMs: number, stats: FuzzStats): Promise<void> {
  const cut = ending === 'mid-frame' ? 1 + rnd.int(bytes.length - 1) : bytes.length
  const pieces = splitPoints(cut, rnd)
  const socket = await openSocket(address)
  stats.connections++
  stats.endings[ending]++
  // (events.once would reject on the 'error' of a reset, which is expected here.)
  const closed = new Promise((resolve) => socket.once('close', resolve))
  let at = 0
  for (const end of pieces) {
    socket.write(bytes.subarray(at, end))
    at = end
  }
  stats.bytes += cut
  if (ending === 'reset') socket.resetAndDestroy()
  else if (ending === 'unread' || ending === 'mid-frame') socket.destroy()
  else if (await readUntilQuiet(socket, quietMs)) stats.closedByBroker++
  await closed
}

/** Write boundaries: one write, or a few, some of them inside a frame. */
function splitPoints(length: number, rnd: Random): number[] {
  if (length < 2 || rnd() < 0.5) return [length]
  const points = Array.from({ length: 1 + rnd.int(3) }, () => 1 + rnd.int(length - 1))
  return [...new Set([...points, length])].sort((a, b) => a - b)
}

/**
 * Reads (and drops) answers until the broker closes the connection (true) or nothing comes
 * for `quietMs` (false: then it is destroyed here).
 */
function readUntilQuiet(socket: Socket, quietMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timer = setTimeout(() => done(false), quietMs)
    socket.on('data', () => {
      clearTimeout(timer)
      timer = setTimeout(() => done(false), quietMs)
    })
    // A close by the broker arrives as an end (FIN) or a reset (unread bytes on its side).
    socket.once('end', () => done(true))
    socket.once('close', () => done(true))
    function done(byBroker: boolean) {
      clearTimeout(timer)
      socket.destroy()
      resolve(byBroker)
    }
  })
}
