// A seeded random generator (mulberry32), so a failing fuzz or load run can be repeated
// with the same seed.
export interface Random {
  /** In [0, 1). */
  (): number
  /** A whole number in [0, n). */
  int(n: number): number
  pick<T>(items: readonly T[]): T
  bytes(n: number): Buffer
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  const next = (() => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }) as Random
  next.int = (n) => Math.floor(next() * n)
  next.pick = (items) => items[next.int(items.length)]
  next.bytes = (n) => {
    const out = Buffer.allocUnsafe(n)
    for (let i = 0; i < n; i++) out[i] = next.int(256)
    return out
  }
  return next
}
